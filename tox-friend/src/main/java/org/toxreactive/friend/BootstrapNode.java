package org.toxreactive.friend;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.toxreactive.core.HostPort;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.PublicKey;

/**
 * A DHT node to bootstrap from, as users give it: {@code HOST:PORT:KEY} (the node's UDP port and
 * DHT public key; IPv6 hosts in brackets), optionally followed by {@code :TCP_PORT[,TCP_PORT...]},
 * the node's TCP relay ports (tox-bootstrapd's {@code tcp_ports}, on the same key): such a node is
 * also one of our relays (docs/protocol.md 14.5).
 *
 * @param address the node's host and UDP port
 * @param publicKey the node's DHT public key (and relay key)
 * @param tcpPorts the node's TCP relay ports, in order of preference; empty if it is no relay
 */
public record BootstrapNode(HostPort address, PublicKey publicKey, List<Integer> tcpPorts) {
  /** TCP ports one node may list at most. */
  public static final int MAX_TCP_PORTS = 8;

  /**
   * Checks the values.
   *
   * @param address the node's host and UDP port
   * @param publicKey the node's DHT public key
   * @param tcpPorts its TCP relay ports, each 1..65535, at most {@value #MAX_TCP_PORTS}
   */
  public BootstrapNode {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(publicKey, "publicKey");
    tcpPorts = List.copyOf(tcpPorts);
    if (tcpPorts.size() > MAX_TCP_PORTS) {
      throw new IllegalArgumentException(
          "a bootstrap node lists at most " + MAX_TCP_PORTS + " TCP ports, got " + tcpPorts.size());
    }
    for (int p : tcpPorts) {
      if (p < 1 || p > IpPort.MAX_PORT) {
        throw new IllegalArgumentException(
            "a bootstrap node's TCP port must be 1.." + IpPort.MAX_PORT + ", got " + p);
      }
    }
  }

  /**
   * A node that is no relay.
   *
   * @param address the node's host and UDP port
   * @param publicKey the node's DHT public key
   */
  public BootstrapNode(HostPort address, PublicKey publicKey) {
    this(address, publicKey, List.of());
  }

  /**
   * Parses {@code HOST:PORT:KEY} or {@code HOST:PORT:KEY:TCP_PORT[,TCP_PORT...]}: the host and port
   * as tox-core's {@link HostPort#parse} reads them, 64 hex digits, then the TCP ports.
   *
   * @param spec the text
   * @return the node
   * @throws IllegalArgumentException with a one-line message naming the part that is wrong
   */
  public static BootstrapNode parse(String spec) {
    Objects.requireNonNull(spec, "node is null");
    int colon = spec.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "expected HOST:PORT:KEY[:TCP_PORT,...], got '" + spec + "'");
    }
    String last = spec.substring(colon + 1);
    List<Integer> tcp = List.of();
    String rest = spec;
    if (!last.matches("[0-9A-Fa-f]{64}") && last.matches("[0-9,]+")) {
      tcp = tcpPorts(last);
      rest = spec.substring(0, colon);
      colon = rest.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(
            "expected HOST:PORT:KEY[:TCP_PORT,...], got '" + spec + "'");
      }
    }
    PublicKey key = PublicKey.fromHex(rest.substring(colon + 1));
    return new BootstrapNode(HostPort.parse(rest.substring(0, colon)), key, tcp);
  }

  private static List<Integer> tcpPorts(String list) {
    List<Integer> ports = new ArrayList<>();
    for (String p : list.split(",", -1)) {
      int port;
      try {
        port = p.isEmpty() || p.length() > 5 ? -1 : Integer.parseInt(p);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > IpPort.MAX_PORT) {
        throw new IllegalArgumentException(
            "a bootstrap node's TCP port must be 1.." + IpPort.MAX_PORT + ", got '" + p + "'");
      }
      ports.add(port);
    }
    return ports;
  }

  @Override
  public String toString() {
    String base = address + ":" + publicKey.toHex();
    if (tcpPorts.isEmpty()) {
      return base;
    }
    return base + ":" + String.join(",", tcpPorts.stream().map(String::valueOf).toList());
  }
}
