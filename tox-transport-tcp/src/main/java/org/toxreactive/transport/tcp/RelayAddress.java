package org.toxreactive.transport.tcp;

import java.util.Objects;
import org.toxreactive.core.PublicKey;

/**
 * Where a relay is and who it is: host, TCP port and its long-term (DHT) public key.
 *
 * <pre>{@code
 * RelayAddress a = RelayAddress.parse("127.0.0.1:33445:F404ABAA1C99A9D37D61AB54898F56793E1DEF8BD46B1038B9D822E8460FAB67");
 * }</pre>
 */
public record RelayAddress(String host, int port, PublicKey publicKey) {
  public RelayAddress {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(publicKey, "publicKey");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, got " + port);
    }
  }

  public static RelayAddress of(String host, int port, PublicKey publicKey) {
    return new RelayAddress(host, port, publicKey);
  }

  /**
   * Parses {@code HOST:PORT:PUBLIC_KEY_HEX}; an IPv6 host is written in brackets ({@code
   * [::1]:33445:KEY}).
   */
  public static RelayAddress parse(String spec) {
    int keySep = spec.lastIndexOf(':');
    int portSep = keySep > 0 ? spec.lastIndexOf(':', keySep - 1) : -1;
    if (keySep < 0 || portSep <= 0) {
      throw new IllegalArgumentException(
          "relay address must be HOST:PORT:PUBLIC_KEY_HEX, got '" + spec + "'");
    }
    String host = spec.substring(0, portSep);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(spec.substring(portSep + 1, keySep));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("relay port is not a number in '" + spec + "'", e);
    }
    return new RelayAddress(host, port, PublicKey.fromHex(spec.substring(keySep + 1)));
  }

  @Override
  public String toString() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return h + ":" + port + ":" + publicKey.toHex();
  }
}
