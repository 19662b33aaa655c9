package org.toxreactive.netcrypto;

import java.time.Duration;
import org.reactivestreams.Publisher;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Path;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An established, encrypted net_crypto connection to one peer (c-toxcore's crypto connection).
 *
 * <pre>{@code
 * CryptoConnection c = node.connect(peerRealKey, peerDhtKey, List.of(Path.udp(addr))).block();
 * c.lossless().subscribe(m -> System.out.println(m.payload().toUtf8()));
 * c.send(Flux.range(0, 100).map(i -> Message.of(64, Bytes.ofUtf8("msg " + i)))).block();
 * c.dispose();
 * }</pre>
 *
 * <p><b>Receiving.</b> {@link #lossless()} delivers lossless messages in order, exactly once, as
 * the subscriber requests them. What arrives ahead of the demand waits in the receive window
 * ({@link NetCrypto#receiveWindow}, default 4096 messages); past it nothing is stored or
 * acknowledged, so the peer is slowed down and sends it again later: a stalled subscriber costs a
 * bounded amount of memory and loses nothing. <b>Cancelling</b> {@code lossless()} stops delivery
 * and nothing else: the connection stays open, messages keep waiting in the window (the peer held
 * back by our acks), and the next subscriber of {@code lossless()} gets them from the first one not
 * delivered. One subscriber at a time. It completes when the connection ends normally (the peer's
 * kill, {@link #dispose()}, the node disposed) after every message received in order was delivered,
 * and errors with {@link NetCryptoException} when the peer goes silent past the idle timeout.
 *
 * <p><b>Sending.</b> {@link #send} is backpressured: the publisher is asked for no more than fits
 * in the send window. Cancelling the returned Mono cancels the publisher and nothing more is
 * numbered; messages already numbered are still delivered (a lossless stream has no holes).
 *
 * <p><b>Threads.</b> Signals come on the node's thread unless the node was configured with {@link
 * NetCrypto#publishOn}; a subscriber that blocks on the node's thread stops every connection of the
 * node.
 */
public interface CryptoConnection extends Disposable {
  /**
   * @return the peer's long-term (real) public key
   */
  PublicKey peerRealKey();

  /**
   * @return the peer's DHT public key (as authenticated by our cookie)
   */
  PublicKey peerDhtKey();

  /**
   * Lossless messages (ids 16..191), in order, exactly once; see the class description for demand,
   * cancellation and completion.
   *
   * @return the messages; one subscriber at a time
   */
  Flux<Message> lossless();

  /**
   * Lossy messages (ids 192..254), as they arrive; dropped if nobody is subscribed or ready.
   *
   * @return the messages; completes or errors as {@link #lossless()}
   */
  Flux<Message> lossy();

  /**
   * Sends lossless messages in order. Messages are numbered as the send window allows, so a
   * publisher is never asked for more than fits. One send at a time.
   *
   * @param messages the messages (lossy ones among them are sent at once, outside the window)
   * @return completes when the peer has acknowledged every message; errors if the connection ends
   *     first; cancelling it cancels {@code messages}
   */
  Mono<Void> send(Publisher<Message> messages);

  /**
   * Completes once the peer has acknowledged the first {@code count} lossless messages sent on this
   * connection: lossless messages are numbered 1, 2, ... in the order {@link #send} takes them,
   * over every send of the connection (lossy ones are not counted), and the peer acknowledges them
   * in order (its {@code buffer_start}, docs/protocol.md 4.9): a message is acknowledged when the
   * peer has taken it and every one before it (c-toxcore's Messenger at once on arrival; our node
   * once its {@link #lossless()} subscriber took it, see Receiving above). A message queued but not
   * yet acknowledged is not enough, nor one that arrived behind a hole. For example, after the peer
   * acknowledged 5 messages, {@code acknowledged(5)} completes at once and {@code acknowledged(6)}
   * waits; a count beyond what was sent so far waits for later sends.
   *
   * <p>Signals come on the node's thread (see the class description). Cancelling stops the wait and
   * nothing else. Waiting costs one small entry per call until it ends.
   *
   * @param count how many lossless messages, from the first, must be acknowledged; 0 completes at
   *     once
   * @return completes when they are; errors with {@link NotAcknowledgedException} (a {@link
   *     NetCryptoException}) if the connection ends first, for whatever reason (the peer's kill,
   *     {@link #dispose()}, the node disposed, the idle timeout), or at once if it has ended
   *     already; with {@link IllegalArgumentException} for a negative count
   */
  Mono<Void> acknowledged(long count);

  /**
   * Sends one lossy message (ids 192..254) at once, outside the send window.
   *
   * @param message the message
   * @return completes once the packet is handed to the transport; errors if the connection ended
   */
  Mono<Void> sendLossy(Message message);

  /**
   * Tells the connection another way to reach the peer, e.g. its UDP address learned from the DHT
   * (c-toxcore's {@code set_direct_ip_port}) or a relay both sides use. The path gets keepalives
   * and carries data once the peer is heard on it. Unknown UDP sources are never trusted otherwise:
   * a packet from one is dropped.
   *
   * @param path the path
   */
  void addPath(Path path);

  /**
   * How the peer is reached now: DIRECT or RELAYED with the path while the peer is heard on it,
   * UNREACHABLE while it is heard on no path, OFFLINE once ended (then the Flux completes). Replays
   * the latest status to each new subscriber.
   *
   * @return the statuses, each one a change
   */
  Flux<LinkStatus> status();

  /**
   * Sends a kill packet and ends the connection: {@link #lossless()} completes (after what was
   * received in order), a {@link #send} in progress errors. Returns at once; {@link #onDispose()}
   * completes when it is done.
   */
  @Override
  void dispose();

  /**
   * @return whether the connection has ended (for whatever reason)
   */
  @Override
  boolean isDisposed();

  /**
   * @return completes when the connection has ended, for whatever reason
   */
  Mono<Void> onDispose();

  /**
   * Disposes the connection and waits until it has ended. Never call it on the node's thread.
   *
   * @param timeout how long to wait at most
   * @throws IllegalStateException if the connection has not ended within {@code timeout}
   */
  default void disposeNow(Duration timeout) {
    dispose();
    onDispose().block(timeout);
  }
}
