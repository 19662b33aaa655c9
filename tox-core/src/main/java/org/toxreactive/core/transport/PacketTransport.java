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
 *   <li>{@link #offer} never throws either: it is {@link #send} without the Mono, for callers that
 *       send a stream of packets and do not wait on each one.
 *   <li>Packets are immutable {@link Bytes}; no reference-counted object crosses this interface.
 *   <li>All methods are thread-safe.
 * </ul>
 */
public interface PacketTransport extends Disposable {
  /**
   * Inbound packets; see the class contract.
   *
   * @return the inbound packets
   */
  Flux<Datagram> receive();

  /**
   * Sends {@code data} on {@code path}; see the class contract.
   *
   * @param path where to send
   * @param data the packet
   * @return completes once handed to the network
   */
  Mono<Void> send(Path path, Bytes data);

  /**
   * Sends {@code data} on {@code path} with no completion signal: the per-packet path of a caller
   * that never waits on one packet (net_crypto's data packets), without the subscription, sink and
   * listener that {@link #send} costs per packet. Returns false if the packet was refused at once
   * (a path this transport cannot serve, too many bytes, the link down or backed up), true if it
   * was handed on; like any datagram it may still be lost after that. Never throws. The default
   * subscribes to {@link #send} and returns true.
   *
   * @param path where to send
   * @param data the packet
   * @return whether it was handed on
   */
  default boolean offer(Path path, Bytes data) {
    send(path, data).subscribe(null, e -> {});
    return true;
  }

  /**
   * Whether this transport can send on {@code path} at all.
   *
   * @param path a path
   * @return whether this transport serves it
   */
  boolean serves(Path path);

  /**
   * Largest packet {@link #send} accepts.
   *
   * @return the size in bytes
   */
  int maxPacketSize();

  /**
   * News about paths (a relay went down, a peer became routable), hot, for as long as the transport
   * lives. Transports with nothing to say (UDP) never emit. Any number of subscribers.
   *
   * @return the events
   */
  default Flux<PathEvent> pathEvents() {
    return Flux.never();
  }

  /**
   * The user of this transport gives up on {@code path} for {@code reason} (e.g. net_crypto found a
   * relay tampering with or losing packets). A transport may act on it, e.g. a relay pool drops the
   * relay and connects a spare one; the default ignores it. Never throws.
   *
   * @param path the path given up
   * @param reason why
   */
  default void pathFailed(Path path, String reason) {}

  /**
   * The user does not need {@code path} for now ({@code standby} true: the peer is reached
   * directly) or needs it again (false). A transport may save resources meanwhile, e.g. a relay
   * pool gives up the peer's routes and makes them again on wake-up (c-toxcore puts a friend's
   * relays to sleep while UDP is direct). The default ignores it. Never throws.
   *
   * @param path the path
   * @param standby true: not needed for now; false: needed again
   */
  default void standby(Path path, boolean standby) {}
}
