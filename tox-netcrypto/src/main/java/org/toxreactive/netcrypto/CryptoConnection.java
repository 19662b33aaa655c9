package org.toxreactive.netcrypto;

import org.reactivestreams.Publisher;
import org.toxreactive.core.PublicKey;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An established, encrypted net_crypto connection to one peer (c-toxcore's crypto connection).
 *
 * <pre>{@code
 * CryptoConnection c = netCrypto.connect(peerRealKey, peerDhtKey, List.of(Path.udp(addr))).block();
 * c.lossless().subscribe(m -> System.out.println(m.payload().toUtf8()));
 * c.send(Flux.range(0, 100).map(i -> Message.of(64, Bytes.ofUtf8("msg " + i)))).block();
 * c.close();
 * }</pre>
 *
 * <p>{@link #lossless()} delivers lossless messages in order, exactly once, honouring backpressure
 * (a slow subscriber slows the peer down, nothing is dropped); it completes when the peer kills the
 * connection or {@link #close()} is called, and errors with {@link NetCryptoException} when the
 * peer goes silent past the idle timeout. {@link #send} is backpressured too: a full send window
 * stops requesting from the publisher.
 */
public interface CryptoConnection {
  /** The peer's long-term (real) public key. */
  PublicKey peerRealKey();

  /** The peer's DHT public key (as authenticated by our cookie). */
  PublicKey peerDhtKey();

  /** Lossless messages (ids 16..191), in order, exactly once. Single subscriber. */
  Flux<Message> lossless();

  /** Lossy messages (ids 192..254), as they arrive; dropped if nobody is ready for them. */
  Flux<Message> lossy();

  /**
   * Sends lossless messages in order. Completes when the peer has acknowledged every one of them;
   * errors if the connection ends first. Messages are numbered as the send window allows, so a
   * publisher is never asked for more than fits.
   */
  Mono<Void> send(Publisher<Message> messages);

  /** Sends one lossy message (ids 192..254) at once, outside the send window. */
  Mono<Void> sendLossy(Message message);

  /**
   * Tells the connection another way to reach the peer, e.g. its UDP address learned from the DHT
   * (c-toxcore's {@code set_direct_ip_port}) or a relay both sides use. The path gets keepalives
   * and carries data once the peer is heard on it. Unknown UDP sources are never trusted otherwise:
   * a packet from one is dropped.
   */
  void addPath(org.toxreactive.core.transport.Path path);

  /** How the peer is reached now; replays the latest status to new subscribers. */
  Flux<LinkStatus> status();

  /** Sends a kill packet (if established) and ends the connection; lossless() completes. */
  void close();

  /** Completes when the connection has ended, for whatever reason. */
  Mono<Void> onClose();
}
