package org.toxreactive.core.transport;

import org.toxreactive.core.Bytes;
import org.toxreactive.core.BytesPool;
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
 *       Two internal variants avoid a payload-sized array per packet without breaking that: {@link
 *       #offer(Path, byte[], int, int)} borrows the caller's array only until it returns, and
 *       {@link #receiveLeased()} lends each datagram's bytes from a {@link BytesPool} to the one
 *       subscriber until it releases them (docs/architecture.md 4).
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
   * As {@link #offer(Path, Bytes)}, of {@code length} bytes of {@code packet} from {@code offset},
   * <b>borrowed</b>: the transport reads them before it returns and keeps no reference to the
   * array, so the caller may write the next packet into the same array at once (net_crypto seals
   * every data packet into one reused array). Returns false, without throwing, also for offsets
   * outside the array. The default copies the bytes into new {@link Bytes} and offers those; UDP
   * and the relay pool write them straight into a pooled buffer that their channel owns and
   * releases.
   *
   * @param path where to send
   * @param packet the array holding the packet (borrowed)
   * @param offset where the packet starts in it
   * @param length the packet's length
   * @return whether it was handed on
   */
  default boolean offer(Path path, byte[] packet, int offset, int length) {
    if (packet == null || offset < 0 || length < 0 || length > packet.length - offset) {
      return false;
    }
    return offer(path, Bytes.of(packet, offset, length));
  }

  /**
   * As {@link #receive()}, for a subscriber that ends loans: the bytes of a datagram may be
   * <b>lent</b> from a {@link BytesPool} of the transport instead of copied into a new array. The
   * subscriber calls {@link BytesPool#release} on {@code datagram.data()} once it, and whoever it
   * passed them to, has finished reading them (ending no loan only costs the array). A transport
   * lends a datagram's bytes to this one subscriber and to no one else. Shares {@link #receive()}'s
   * one-subscriber rule. The default is {@link #receive()} itself (no loans); UDP and the relay
   * pool lend net_crypto data packets (0x1B).
   *
   * @return the inbound packets, some of them on loan
   */
  default Flux<Datagram> receiveLeased() {
    return receive();
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
