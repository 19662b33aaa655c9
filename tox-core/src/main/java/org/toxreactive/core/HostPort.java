package org.toxreactive.core;

import java.util.Objects;

/**
 * A host (name or IP literal, never resolved here) and a port, as a user writes them on a command
 * line: {@code 127.0.0.1:33445}, {@code localhost:33445}, and an IPv6 address in brackets, {@code
 * [::1]:33445}. {@link #toString()} prints the same form back, so an IPv6 address is never printed
 * as the ambiguous {@code ::1:33445}.
 *
 * <pre>{@code
 * HostPort hp = HostPort.parse("[::1]:33445");   // host "::1", port 33445
 * String s = HostPort.format("::1", 33445);      // "[::1]:33445"
 * }</pre>
 *
 * @param host the host without brackets
 * @param port 0..65535
 */
public record HostPort(String host, int port) {
  /**
   * Checks the host and port.
   *
   * @param host host name or address, IPv6 without brackets
   * @param port 0..65535
   */
  public HostPort {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    if (port < 0 || port > IpPort.MAX_PORT) {
      throw new IllegalArgumentException("port must be 0.." + IpPort.MAX_PORT + ", got " + port);
    }
  }

  /**
   * Parses {@code HOST:PORT} or {@code [IPV6]:PORT}; the port is a decimal number 0..65535. An IPv6
   * address without brackets is rejected, since its last group cannot be told from a port.
   *
   * @param spec the text to parse
   * @return the host and port
   * @throws IllegalArgumentException with a one-line message naming {@code spec} and the allowed
   *     form
   */
  public static HostPort parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    int sep = spec.lastIndexOf(':');
    if (sep < 0) {
      throw new IllegalArgumentException(
          "'" + spec + "' is not HOST:PORT (an IPv6 address in brackets: [::1]:33445)");
    }
    String host = spec.substring(0, sep);
    if (host.startsWith("[") && host.endsWith("]") && host.length() > 2) {
      host = host.substring(1, host.length() - 1);
      if (host.indexOf(':') < 0) {
        throw new IllegalArgumentException(
            "'" + spec + "': brackets are for IPv6 addresses only, e.g. [::1]:33445");
      }
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException(
          "'" + spec + "': write an IPv6 address in brackets, e.g. [::1]:33445");
    } else if (host.isEmpty() || host.indexOf('[') >= 0 || host.indexOf(']') >= 0) {
      throw new IllegalArgumentException(
          "'" + spec + "' is not HOST:PORT (an IPv6 address in brackets: [::1]:33445)");
    }
    return new HostPort(host, parsePort(spec.substring(sep + 1), spec));
  }

  /**
   * Parses a decimal port 0..65535 (no sign, no spaces).
   *
   * @param text the port's digits
   * @param context what to name in the error message (the whole argument)
   * @return the port
   * @throws IllegalArgumentException naming {@code context} and the allowed range
   */
  public static int parsePort(String text, String context) {
    boolean digits =
        !text.isEmpty() && text.length() <= 5 && text.chars().allMatch(c -> c >= '0' && c <= '9');
    int port = digits ? Integer.parseInt(text) : -1;
    if (port < 0 || port > IpPort.MAX_PORT) {
      throw new IllegalArgumentException(
          "'" + context + "': port '" + text + "' is not a number 0.." + IpPort.MAX_PORT);
    }
    return port;
  }

  /**
   * {@code host:port}, with an IPv6 host (one containing a colon) in brackets.
   *
   * @param host a host name or IP literal, without brackets
   * @param port the port
   * @return {@code 127.0.0.1:33445} or {@code [::1]:33445}
   */
  public static String format(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return format(host, port);
  }
}
