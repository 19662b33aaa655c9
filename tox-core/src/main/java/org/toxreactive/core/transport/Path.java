package org.toxreactive.core.transport;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.toxreactive.core.PublicKey;

/**
 * Which way a packet came or goes: directly over UDP, or through a TCP relay to a peer. A value;
 * replies go back the way their request came.
 */
public sealed interface Path permits Path.Udp, Path.Relay {
  /** Direct UDP to or from {@code address}. */
  record Udp(InetSocketAddress address) implements Path {
    /**
     * Checks the address.
     *
     * @param address the peer's IP and port
     */
    public Udp {
      Objects.requireNonNull(address, "address");
    }
  }

  /**
   * Through the relay with long-term key {@code relay}, to or from the peer with DHT key {@code
   * peer}.
   */
  record Relay(PublicKey relay, PublicKey peer) implements Path {
    /**
     * Checks the keys.
     *
     * @param relay the relay's key
     * @param peer the peer's DHT key
     */
    public Relay {
      Objects.requireNonNull(relay, "relay");
      Objects.requireNonNull(peer, "peer");
    }
  }

  /**
   * A direct UDP path.
   *
   * @param address the peer's IP and port
   * @return the path
   */
  static Path udp(InetSocketAddress address) {
    return new Udp(address);
  }

  /**
   * A path through a relay.
   *
   * @param relay the relay's key
   * @param peer the peer's DHT key
   * @return the path
   */
  static Path relay(PublicKey relay, PublicKey peer) {
    return new Relay(relay, peer);
  }
}
