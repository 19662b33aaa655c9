package org.toxreactive.core.transport;

import org.toxreactive.core.Bytes;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A way to exchange whole packets with peers: UDP, a set of relays, or a simulated network. The SPI
 * net_crypto is written against.
 *
 * <p>Contract (every implementation MUST):
 *
 * <ul>
 *   <li>{@link #receive()} may be subscribed at most once at a time; it emits every inbound packet
 *       with its path, in arrival order, completes when the transport is disposed and errors only
 *       on a failure that ends the transport. A slow subscriber makes the transport drop packets
 *       (counted), never buffer without bound: these are datagrams.
 *   <li>{@link #send} never throws: it returns a Mono that completes once the packet is handed to
 *       the network, or errors with {@link IllegalArgumentException} for a path this transport
 *       cannot serve or a packet larger than {@link #maxPacketSize()}. Completion is not delivery.
 *   <li>Packets are immutable {@link Bytes}; no reference-counted object crosses this interface.
 *   <li>All methods are thread-safe.
 * </ul>
 */
public interface PacketTransport extends Disposable {
  /** Inbound packets; see the class contract. */
  Flux<Datagram> receive();

  /** Sends {@code data} on {@code path}; see the class contract. */
  Mono<Void> send(Path path, Bytes data);

  /** Whether this transport can send on {@code path} at all. */
  boolean serves(Path path);

  /** Largest packet {@link #send} accepts. */
  int maxPacketSize();

  /**
   * News about paths (a relay went down, a peer became routable), hot, for as long as the transport
   * lives. Transports with nothing to say (UDP) never emit. Any number of subscribers.
   */
  default Flux<PathEvent> pathEvents() {
    return Flux.never();
  }

  /**
   * The user of this transport gives up on {@code path} for {@code reason} (e.g. net_crypto found a
   * relay tampering with or losing packets). A transport may act on it, e.g. a relay pool drops the
   * relay and connects a spare one; the default ignores it. Never throws.
   */
  default void pathFailed(Path path, String reason) {}

  /**
   * The user does not need {@code path} for now ({@code standby} true: the peer is reached
   * directly) or needs it again (false). A transport may save resources meanwhile, e.g. a relay
   * pool gives up the peer's routes and makes them again on wake-up (c-toxcore puts a friend's
   * relays to sleep while UDP is direct). The default ignores it. Never throws.
   */
  default void standby(Path path, boolean standby) {}
}
