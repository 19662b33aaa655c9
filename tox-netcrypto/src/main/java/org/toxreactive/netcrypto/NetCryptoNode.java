package org.toxreactive.netcrypto;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Path;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A running net_crypto node, as started by {@link NetCrypto#bindNow()} or {@link NetCrypto#bind()}.
 * It is ready when {@code bindNow()} returns: its transports are bound already (a relay pool's own
 * readiness is {@link org.toxreactive.core.transport.PacketTransport}-specific, e.g. {@code
 * RelayPool.ready()}).
 *
 * <p><b>Threads.</b> All of the node's state runs on one thread: a worker of {@link
 * NetCrypto#scheduler} (default a daemon thread of its own, {@code tox-netcrypto-*}). Unless {@link
 * NetCrypto#publishOn} names a scheduler of the application's, every callback runs there too: the
 * acceptor, and the signals of {@link #connect}, {@link #incoming()} and of every connection's
 * {@code lossless()}, {@code lossy()}, {@code status()}, {@code send} and {@code onDispose()}. Such
 * a callback must not block: while it runs, no connection of the node moves. The acceptor always
 * runs on the node's thread.
 *
 * <p><b>Lifecycle.</b> {@link #dispose()} kills every connection (their streams complete), fails
 * connects in progress with {@link ConnectFailedException.Reason#DISPOSED}, stops receiving and
 * releases the node's own thread; {@link #onDispose()} completes after that. Transports are the
 * caller's to dispose; one disposed under a live node takes its paths down at once.
 */
public final class NetCryptoNode implements Disposable {
  private final Engine engine;
  private final KeyPair realKeys;
  private final KeyPair dhtKeys;
  private final @Nullable Scheduler owned;
  private volatile boolean disposed;

  NetCryptoNode(Engine engine, KeyPair realKeys, KeyPair dhtKeys, @Nullable Scheduler owned) {
    this.engine = engine;
    this.realKeys = realKeys;
    this.dhtKeys = dhtKeys;
    this.owned = owned;
  }

  /** For tests in this package. */
  Engine engine() {
    return engine;
  }

  /**
   * @return our long-term (real) public key
   */
  public PublicKey realKey() {
    return realKeys.publicKey();
  }

  /**
   * @return our DHT public key
   */
  public PublicKey dhtKey() {
    return dhtKeys.publicKey();
  }

  /**
   * Connects to a peer: cookie request on every hinted path (resent every second, 8 tries), then
   * the handshake. Emits the connection once the peer's first data packet confirms it. Errors with
   * {@link ConnectFailedException}: at once when nothing could succeed ({@link
   * ConnectFailedException.Reason#NO_PATH}: no path, or none a live transport of this node serves;
   * {@link ConnectFailedException.Reason#INVALID_ARGUMENT}: our own keys or a bad key; {@link
   * ConnectFailedException.Reason#DISPOSED}), otherwise after the 8 tries ({@link
   * ConnectFailedException.Reason#UNREACHABLE} or {@link ConnectFailedException.Reason#REFUSED}).
   * Cancelling it abandons the attempt. Connecting to a peer already connected emits that
   * connection.
   *
   * @param peerReal the peer's long-term public key
   * @param peerDht the peer's DHT public key
   * @param paths where to reach it (e.g. {@code Path.udp(address)}, or relay paths)
   * @return the established connection
   * @throws NullPointerException if an argument is null
   */
  public Mono<CryptoConnection> connect(PublicKey peerReal, PublicKey peerDht, List<Path> paths) {
    Objects.requireNonNull(peerReal, "peerReal is null");
    Objects.requireNonNull(peerDht, "peerDht is null");
    Objects.requireNonNull(paths, "paths is null");
    List<Path> hints = List.copyOf(paths);
    Mono<CryptoConnection> refused = refusal(peerReal, peerDht, hints);
    if (refused != null) {
      return refused;
    }
    return engine.publish(
        Mono.create(sink -> engine.run(() -> engine.connect(peerReal, peerDht, hints, sink))));
  }

  /**
   * As {@link #connect}, but emits the connection at once, while it is still handshaking: its
   * {@link CryptoConnection#status()} starts with {@link LinkStatus.Kind#CONNECTING}, messages
   * given to {@link CryptoConnection#send} wait until it is established, and a failure ends the
   * connection (status OFFLINE, {@code lossless()} errors with the {@link ConnectFailedException})
   * rather than this Mono. The failures {@link #connect} signals at once are signalled here too.
   *
   * @param peerReal the peer's long-term public key
   * @param peerDht the peer's DHT public key
   * @param paths where to reach it
   * @return the connection, not established yet (or the existing one to this peer)
   * @throws NullPointerException if an argument is null
   */
  public Mono<CryptoConnection> open(PublicKey peerReal, PublicKey peerDht, List<Path> paths) {
    Objects.requireNonNull(peerReal, "peerReal is null");
    Objects.requireNonNull(peerDht, "peerDht is null");
    Objects.requireNonNull(paths, "paths is null");
    List<Path> hints = List.copyOf(paths);
    Mono<CryptoConnection> refused = refusal(peerReal, peerDht, hints);
    if (refused != null) {
      return refused;
    }
    return engine.publish(
        Mono.create(
            sink -> engine.run(() -> engine.connect(peerReal, peerDht, hints, sink, true))));
  }

  /** The failure of a connect that could never succeed, or null. */
  private @Nullable Mono<CryptoConnection> refusal(
      PublicKey peerReal, PublicKey peerDht, List<Path> hints) {
    if (disposed) {
      return fail(ConnectFailedException.Reason.DISPOSED, "node disposed");
    }
    if (peerReal.equals(realKey()) || peerDht.equals(dhtKey())) {
      return fail(ConnectFailedException.Reason.INVALID_ARGUMENT, "cannot connect to our own keys");
    }
    if (hints.isEmpty()) {
      return fail(ConnectFailedException.Reason.NO_PATH, "no path to the peer given");
    }
    for (Path p : hints) {
      if (!engine.servedByLive(p)) {
        return fail(
            ConnectFailedException.Reason.NO_PATH,
            "no live transport of this node serves the path " + p);
      }
    }
    return null;
  }

  private static Mono<CryptoConnection> fail(ConnectFailedException.Reason reason, String why) {
    return Mono.error(new ConnectFailedException(reason, why));
  }

  /**
   * @return connections peers opened to us and the acceptor allowed, once established; completes
   *     when the node is disposed
   */
  public Flux<CryptoConnection> incoming() {
    return engine.publish(engine.incoming.asFlux());
  }

  /**
   * @return packets that failed to decrypt so far (all paths)
   */
  public long decryptFailures() {
    return engine.counters.decryptFailures;
  }

  /**
   * What the node has counted so far: packets dropped because the engine fell behind, cookie
   * requests and handshakes dropped by the rate limits, sessions refused by the caps, replays
   * dropped. Safe to call from any thread; each call is a new snapshot.
   *
   * @return the counters now
   */
  public NetCryptoStats stats() {
    return engine.stats();
  }

  /**
   * Kills every connection, stops receiving and releases the node's own thread (see the class
   * description). Returns at once; {@link #onDispose()} completes when it is done. Transports are
   * the caller's to dispose.
   */
  @Override
  public void dispose() {
    if (disposed) {
      return;
    }
    disposed = true;
    engine.dispose(
        () -> {
          if (owned != null) {
            owned.dispose(); // from its own thread: the thread ends after this task
          }
        });
  }

  /**
   * @return whether {@link #dispose()} was called
   */
  @Override
  public boolean isDisposed() {
    return disposed;
  }

  /**
   * @return completes once the node is disposed: every connection ended, receiving stopped
   */
  public Mono<Void> onDispose() {
    return engine.publish(engine.disposed.asMono());
  }

  /**
   * Disposes the node and waits until that is done. Never call it on the node's thread.
   *
   * @param timeout how long to wait at most
   * @throws IllegalStateException if disposal has not finished within {@code timeout}
   */
  public void disposeNow(Duration timeout) {
    dispose();
    engine.disposed.asMono().block(timeout);
  }
}
