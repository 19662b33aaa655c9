package org.toxreactive.netcrypto;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.NetCryptoPacketKind;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.core.transport.PathEvent;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The net_crypto engine behind a {@link NetCryptoNode}: one single-threaded worker owns every
 * session and the indexes that find them (by real key, DHT key and path); inbound packets from all
 * transports are dispatched here by {@link NetCryptoPacketKind} (one handling routine per kind,
 * whatever the transport). Its parts:
 *
 * <ul>
 *   <li>{@link EngineLoop}: the worker, the application's tasks and the two bounded inbound lanes;
 *   <li>{@link ControlPlane}: cookie requests and handshakes from anyone, and the limits on what
 *       they may make us do (the cookie key lives there);
 *   <li>{@link Transports}: sending on a path and telling its transport about it;
 *   <li>the sessions themselves ({@link Session}), which the engine creates, indexes, ticks and
 *       ends, and never changes from outside: each session changes its own state.
 * </ul>
 */
final class Engine {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  static final long TICK_MILLIS = 10;

  private final KeyPair realKeys;
  private final KeyPair dhtKeys;
  private final Transports transports;
  private final long idleTimeoutMillis;
  private final Scheduler scheduler;
  private final Scheduler.Worker worker;
  private final EngineLoop loop;
  private final ControlPlane control;
  final NodeCounters counters = new NodeCounters();
  final SharedKeys keys;

  /** Where data packets are opened, one at a time on the worker. */
  private final byte[] scratch = new byte[NetCryptoPacketKind.MAX_PACKET_SIZE];

  /** Where data packets are sealed, one at a time on the worker, then copied by the transport. */
  private final byte[] sealScratch = new byte[NetCryptoPacketKind.MAX_PACKET_SIZE];

  private final SessionIndex sessions = new SessionIndex();
  private final Map<Session, MonoSink<CryptoConnection>> connecting = new HashMap<>();
  final Sinks.Many<CryptoConnection> incoming =
      Sinks.many().multicast().onBackpressureBuffer(256, false);
  private final Disposable.Composite resources = Disposables.composite();

  /** Lossless messages a session stores ahead of its subscriber (see NetCrypto#receiveWindow). */
  int receiveWindow = NetCrypto.DEFAULT_RECEIVE_WINDOW;

  /** Makes each session's congestion controller (see NetCrypto#congestionController). */
  CongestionController.Factory congestion = CongestionController.DEFAULT;

  /** Where signals reach the application; null: on the worker (see NetCrypto#publishOn). */
  @Nullable Scheduler publishOn;

  /** Completes once the node is disposed and every session has ended. */
  final Sinks.Empty<Void> disposed = Sinks.empty();

  private boolean disposing;

  Engine(
      KeyPair realKeys,
      KeyPair dhtKeys,
      List<PacketTransport> transports,
      Predicate<PeerInfo> acceptor,
      long idleTimeoutMillis,
      Limits limits,
      Scheduler scheduler) {
    this.realKeys = realKeys;
    this.dhtKeys = dhtKeys;
    this.transports = new Transports(transports);
    this.keys = new SharedKeys(realKeys, dhtKeys, counters);
    this.idleTimeoutMillis = idleTimeoutMillis;
    this.scheduler = scheduler;
    this.worker = scheduler.createWorker();
    this.control = new ControlPlane(this, limits, acceptor);
    Inbound inbound = new Inbound(sessions, control, counters);
    this.loop = new EngineLoop(worker, limits, inbound::onDatagram);
  }

  <T> Flux<T> publish(Flux<T> f) {
    return publishOn == null ? f : f.publishOn(publishOn);
  }

  <T> Mono<T> publish(Mono<T> m) {
    return publishOn == null ? m : m.publishOn(publishOn);
  }

  void start() {
    resources.add(worker);
    resources.add(
        transports.subscribe(
            loop::receive, t -> run(() -> transportGone(t)), e -> run(() -> onPathEvent(e))));
    resources.add(
        worker.schedulePeriodically(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS));
  }

  /**
   * Kills every session (their streams complete, connects in progress fail with DISPOSED), then
   * stops receiving; {@code andThen} runs last, on the worker (the node releases its scheduler).
   */
  void dispose(Runnable andThen) {
    run(
        () -> {
          disposing = true;
          for (Session s : sessions.snapshot()) {
            s.sendKill();
            closed(s, null, false);
          }
          incoming.tryEmitComplete();
          resources.dispose();
          disposed.tryEmitEmpty();
          andThen.run();
        });
  }

  /**
   * A transport's receive() ended (it was disposed or failed): its paths are down for every session
   * at once, rather than found dead by the idle timeout.
   */
  private void transportGone(PacketTransport t) {
    if (disposing) {
      return;
    }
    log.info("net_crypto: transport {} is gone", t);
    transports.gone(t);
    for (Session s : sessions.snapshot()) {
      if (s.isClosed()) {
        continue;
      }
      for (Path p : s.paths()) {
        if (t.serves(p) && !transports.servedByLive(p)) {
          s.pathEvent(p, false);
        }
      }
    }
  }

  /** Whether a transport that is still receiving serves {@code p} (any thread). */
  boolean servedByLive(Path p) {
    return transports.servedByLive(p);
  }

  /** Runs {@code task} on the engine's worker, serially with everything else (see EngineLoop). */
  void run(Runnable task) {
    loop.run(task);
  }

  long now() {
    return scheduler.now(TimeUnit.MILLISECONDS);
  }

  long nowSeconds() {
    return scheduler.now(TimeUnit.SECONDS);
  }

  /** The worker's scratch array for opening a data packet. */
  byte[] scratch() {
    return scratch;
  }

  /**
   * The worker's scratch array for sealing a data packet: free again once {@link #sendBorrowed}
   * returns.
   */
  byte[] sealScratch() {
    return sealScratch;
  }

  /** A cookie for a peer, sealed with our cookie key, for the other-cookie of our handshake. */
  byte[] mintCookie(PublicKey real, PublicKey dht) {
    return control.mintCookie(real, dht);
  }

  KeyPair realKeys() {
    return realKeys;
  }

  KeyPair dhtKeys() {
    return dhtKeys;
  }

  long idleTimeoutMillis() {
    return idleTimeoutMillis;
  }

  /** What the node counts (see {@link NetCryptoStats}); safe to call from any thread. */
  NetCryptoStats stats() {
    return counters.snapshot(loop.dropped(), control);
  }

  /** For tests in this package: packets waiting in the data and control lanes. */
  int queued() {
    return loop.queued();
  }

  /** For tests in this package: sessions (all states, both directions). */
  int sessions() {
    return sessions.size();
  }

  // ------------------------------------------------------------------ sessions

  void connect(
      PublicKey peerReal, PublicKey peerDht, List<Path> hints, MonoSink<CryptoConnection> sink) {
    connect(peerReal, peerDht, hints, sink, false);
  }

  /**
   * Starts a session to the peer. With {@code early}, {@code sink} gets the connection at once (in
   * CONNECTING; a failure ends it instead of failing the sink); otherwise once it is established.
   */
  void connect(
      PublicKey peerReal,
      PublicKey peerDht,
      List<Path> hints,
      MonoSink<CryptoConnection> sink,
      boolean early) {
    if (disposing) {
      sink.error(
          new ConnectFailedException(ConnectFailedException.Reason.DISPOSED, "node disposed"));
      return;
    }
    Session existing = sessions.byReal(peerReal);
    if (existing != null) {
      if (existing.isEstablished() || early) {
        sink.success(existing.connection);
      } else {
        sink.error(
            new ConnectFailedException(
                ConnectFailedException.Reason.IN_PROGRESS,
                "a connection to this peer is already being made"));
      }
      return;
    }
    Session s;
    try {
      keys.dht(peerDht); // a bad key fails here, before anything is registered
      s = new Session(this, peerReal, peerDht, null);
    } catch (IllegalArgumentException badKey) {
      sink.error(
          new ConnectFailedException(
              ConnectFailedException.Reason.INVALID_ARGUMENT,
              "not a usable public key: " + badKey.getMessage()));
      return;
    }
    sessions.add(s);
    for (Path p : hints) {
      s.addPath(p);
    }
    if (early) {
      sink.success(s.connection);
      s.startCookieRequest();
      return;
    }
    connecting.put(s, sink);
    sink.onCancel(
        () ->
            run(
                () -> {
                  if (connecting.remove(s) != null && !s.isEstablished()) {
                    closed(s, new NetCryptoException("connect cancelled"), false);
                  }
                }));
    s.startCookieRequest();
  }

  /** Indexes a new session by its keys (its paths are indexed as it adds them). */
  void register(Session s) {
    sessions.add(s);
  }

  /** The peer of {@code s} restarted under {@code newDht} before the session had its key. */
  void peerDhtChanged(Session s, PublicKey newDht) {
    sessions.dhtChanging(s, newDht);
    s.peerDhtChanged(newDht);
  }

  void established(Session s) {
    control.established(s);
    MonoSink<CryptoConnection> sink = connecting.remove(s);
    if (sink != null) {
      sink.success(s.connection);
    } else if (s.source != null) { // a peer opened it (ours from open() are the caller's already)
      incoming.tryEmitNext(s.connection);
    }
  }

  /** Ends a session: {@code error} null means a normal end (kill received or local close). */
  void closed(Session s, @Nullable Throwable error, boolean byPeer) {
    if (s.isClosed()) {
      return;
    }
    control.closed(s, s.isEstablished());
    s.markClosed(error);
    sessions.remove(s);
    MonoSink<CryptoConnection> sink = connecting.remove(s);
    if (sink != null) {
      sink.error(
          error != null
              ? error
              : disposing
                  ? new ConnectFailedException(
                      ConnectFailedException.Reason.DISPOSED, "node disposed")
                  : new ConnectFailedException(
                      ConnectFailedException.Reason.REFUSED,
                      byPeer ? "peer killed the connection during the handshake" : "cancelled"));
    }
    s.connection.ended(error);
  }

  /** The session with this peer, if any (tests in this package use it too). */
  @Nullable Session session(PublicKey peerReal) {
    return sessions.byReal(peerReal);
  }

  // ------------------------------------------------------------------ paths and sending

  void pathAdded(Session s, Path p) {
    sessions.addPath(s, p);
  }

  /** The session gave up on {@code path}: the transport may act on it (a pool drops a relay). */
  void pathFailed(Session s, Path path, String reason) {
    log.info(
        "net_crypto {}: path {} failed: {}", s.peerReal.toHex().substring(0, 16), path, reason);
    transports.pathFailed(path, reason);
  }

  /** Tells the transports of {@code path} that it is (not) needed for now. */
  void standby(Path path, boolean standby) {
    transports.standby(path, standby);
  }

  private void onPathEvent(PathEvent e) {
    Session s = sessions.byPath(e.path());
    if (s != null && !s.isClosed()) {
      s.pathEvent(e.path(), e.usable());
    }
  }

  void send(Path path, byte[] packet) {
    transports.send(path, packet);
  }

  /** Sends the first {@code length} bytes of {@code packet}, which the transport copies. */
  void sendBorrowed(Path path, byte[] packet, int length) {
    transports.sendBorrowed(path, packet, length);
  }

  private void tick() {
    if (sessions.isEmpty()) {
      return;
    }
    for (Session s : sessions.snapshot()) {
      if (!s.isClosed()) {
        try {
          s.tick();
        } catch (RuntimeException e) { // a bug must not stop every other session's timers
          log.error("net_crypto session {} failed", s, e);
          closed(s, new NetCryptoException("internal error: " + e), false);
        }
      }
    }
  }
}
