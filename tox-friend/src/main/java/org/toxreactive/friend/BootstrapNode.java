package org.toxreactive.friend;

import java.util.Objects;
import org.toxreactive.core.HostPort;
import org.toxreactive.core.PublicKey;

/**
 * A DHT node to bootstrap from, as users give it: {@code HOST:PORT:KEY} (the node's UDP port and
 * DHT public key; IPv6 hosts in brackets).
 *
 * @param address the node's host and UDP port
 * @param publicKey the node's DHT public key
 */
public record BootstrapNode(HostPort address, PublicKey publicKey) {
  /**
   * Checks that both are given.
   *
   * @param address the node's host and UDP port
   * @param publicKey the node's DHT public key
   */
  public BootstrapNode {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(publicKey, "publicKey");
  }

  /**
   * Parses {@code HOST:PORT:KEY}: the host and port as tox-core's {@link HostPort#parse} reads
   * them, then 64 hex digits.
   *
   * @param spec the text
   * @return the node
   * @throws IllegalArgumentException with a one-line message naming the part that is wrong
   */
  public static BootstrapNode parse(String spec) {
    Objects.requireNonNull(spec, "node is null");
    int colon = spec.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("expected HOST:PORT:KEY, got '" + spec + "'");
    }
    PublicKey key = PublicKey.fromHex(spec.substring(colon + 1));
    return new BootstrapNode(HostPort.parse(spec.substring(0, colon)), key);
  }

  @Override
  public String toString() {
    return address + ":" + publicKey.toHex();
  }
}
