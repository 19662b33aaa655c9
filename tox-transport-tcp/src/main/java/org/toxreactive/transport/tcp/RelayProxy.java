package org.toxreactive.transport.tcp;

import java.util.Objects;

/**
 * A proxy that relay links go through: HTTP CONNECT or SOCKS5 without authentication, the two kinds
 * c-toxcore supports. Only relay links use it.
 */
public record RelayProxy(Type type, String host, int port) {
  /** The proxy protocol. */
  public enum Type {
    /** HTTP CONNECT. */
    HTTP,
    /** SOCKS5, no authentication. */
    SOCKS5
  }

  /**
   * Checks the values.
   *
   * @param type the protocol
   * @param host the proxy's host
   * @param port the proxy's port, 1..65535
   */
  public RelayProxy {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("proxy port must be 1..65535, got " + port);
    }
  }

  /**
   * An HTTP CONNECT proxy.
   *
   * @param host the proxy's host
   * @param port the proxy's port
   * @return the proxy
   */
  public static RelayProxy http(String host, int port) {
    return new RelayProxy(Type.HTTP, host, port);
  }

  /**
   * A SOCKS5 proxy.
   *
   * @param host the proxy's host
   * @param port the proxy's port
   * @return the proxy
   */
  public static RelayProxy socks5(String host, int port) {
    return new RelayProxy(Type.SOCKS5, host, port);
  }
}
