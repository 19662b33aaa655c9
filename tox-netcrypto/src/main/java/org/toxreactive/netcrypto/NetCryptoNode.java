package org.toxreactive.netcrypto;

import java.util.List;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Path;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/** A running net_crypto node, as started by {@link NetCrypto#start()}. */
public final class NetCryptoNode implements Disposable {
  private final Engine engine;
  private final KeyPair realKeys;
  private final KeyPair dhtKeys;
  private final Scheduler owned;
  private volatile boolean disposed;

  NetCryptoNode(Engine engine, KeyPair realKeys, KeyPair dhtKeys, Scheduler owned) {
    this.engine = engine;
    this.realKeys = realKeys;
    this.dhtKeys = dhtKeys;
    this.owned = owned;
  }

  /** For tests in this package. */
  Engine engine() {
    return engine;
  }

  public PublicKey realKey() {
    return realKeys.publicKey();
  }

  public PublicKey dhtKey() {
    return dhtKeys.publicKey();
  }

  /**
   * Connects to a peer: cookie request on every hinted path (resent every second, 8 tries), then
   * the handshake. Emits the connection once the peer's first data packet confirms it; errors with
   * {@link NetCryptoException} if the peer never answers.
   *
   * @param peerReal the peer's long-term public key
   * @param peerDht the peer's DHT public key
   * @param paths where to reach it (e.g. {@code Path.udp(address)}, or relay paths)
   */
  public Mono<CryptoConnection> connect(PublicKey peerReal, PublicKey peerDht, List<Path> paths) {
    return Mono.create(sink -> engine.run(() -> engine.connect(peerReal, peerDht, paths, sink)));
  }

  /** Connections peers opened to us and the acceptor allowed, once established. */
  public Flux<CryptoConnection> incoming() {
    return engine.incoming.asFlux();
  }

  /** Packets that failed to decrypt so far (all paths). */
  public long decryptFailures() {
    return engine.decryptFailures;
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

  /** Kills every connection and stops receiving. Transports are the caller's to dispose. */
  @Override
  public void dispose() {
    if (disposed) {
      return;
    }
    disposed = true;
    engine.dispose();
    if (owned != null) {
      owned.disposeGracefully().subscribe();
    }
  }

  @Override
  public boolean isDisposed() {
    return disposed;
  }
}
