package org.toxreactive.transport.tcp;

import java.util.Objects;
import org.toxreactive.core.HostPort;
import org.toxreactive.core.PublicKey;

/**
 * Where a relay is and who it is: host, TCP port and its long-term (DHT) public key.
 *
 * <pre>{@code
 * RelayAddress a = RelayAddress.parse("127.0.0.1:33445:F404ABAA1C99A9D37D61AB54898F56793E1DEF8BD46B1038B9D822E8460FAB67");
 * }</pre>
 */
public record RelayAddress(String host, int port, PublicKey publicKey) {
  /**
   * Checks the host, port and key.
   *
   * @param host host name or literal address
   * @param port TCP port, 1..65535
   * @param publicKey the relay's public key
   */
  public RelayAddress {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(publicKey, "publicKey");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, got " + port);
    }
  }

  /**
   * A relay address.
   *
   * @param host host name or literal address
   * @param port TCP port, 1..65535
   * @param publicKey the relay's public key
   * @return the address
   */
  public static RelayAddress of(String host, int port, PublicKey publicKey) {
    return new RelayAddress(host, port, publicKey);
  }

  /**
   * Parses {@code HOST:PORT:PUBLIC_KEY_HEX}; an IPv6 host is written in brackets ({@code
   * [::1]:33445:KEY}), the port is 1..65535 and the key 64 hex digits.
   *
   * @param spec the text to parse
   * @return the relay address
   * @throws IllegalArgumentException with a one-line message naming {@code spec} and what is
   *     allowed
   */
  public static RelayAddress parse(String spec) {
    int keySep = spec.lastIndexOf(':');
    if (keySep < 0 || spec.lastIndexOf(':', keySep - 1) < 0) {
      throw new IllegalArgumentException(
          "relay address must be HOST:PORT:PUBLIC_KEY_HEX, got '" + spec + "'");
    }
    HostPort hp;
    try {
      hp = HostPort.parse(spec.substring(0, keySep));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "relay address must be HOST:PORT:PUBLIC_KEY_HEX (IPv6 in brackets), got '"
              + spec
              + "': "
              + e.getMessage(),
          e);
    }
    if (hp.port() == 0) {
      throw new IllegalArgumentException("relay port must be 1..65535, got 0 in '" + spec + "'");
    }
    PublicKey key;
    try {
      key = PublicKey.fromHex(spec.substring(keySep + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("relay address '" + spec + "': " + e.getMessage(), e);
    }
    return new RelayAddress(hp.host(), hp.port(), key);
  }

  /**
   * The host and port, an IPv6 host in brackets: {@code [::1]:33445}.
   *
   * @return host:port
   */
  public String hostPort() {
    return HostPort.format(host, port);
  }

  @Override
  public String toString() {
    return hostPort() + ":" + publicKey.toHex();
  }
}
