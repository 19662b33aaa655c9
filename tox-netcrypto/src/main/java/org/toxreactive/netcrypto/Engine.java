package org.toxreactive.netcrypto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.core.transport.PathEvent;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The net_crypto engine behind a {@link NetCryptoNode}: one single-threaded worker owns every
 * session, the cookie key and the path table; inbound packets from all transports are dispatched
 * here by packet kind (one handling routine per kind, whatever the transport).
 */
final class Engine {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  static final long TICK_MILLIS = 10;
  private static final int KEY_CACHE = 1024;

  private final KeyPair realKeys;
  private final KeyPair dhtKeys;
  private final List<PacketTransport> transports;
  private final Predicate<PeerInfo> acceptor;
  private final long idleTimeoutMillis;
  private final Scheduler scheduler;
  private final Scheduler.Worker worker;
  private final Wire wire;
  private final CryptoBox box = new CryptoBox();
  private final Map<PublicKey, Session> byReal = new HashMap<>();
  private final Map<Path, Session> byPath = new HashMap<>();
  private final Map<PublicKey, Session> byDht = new HashMap<>();
  private final Map<Session, MonoSink<CryptoConnection>> connecting = new HashMap<>();
  private final Map<PublicKey, SharedKey> dhtShared = lru();
  private final Map<PublicKey, SharedKey> realShared = lru();
  final Sinks.Many<CryptoConnection> incoming =
      Sinks.many().multicast().onBackpressureBuffer(256, false);
  private final Disposable.Composite resources = Disposables.composite();
  private final java.util.Queue<Runnable> tasks =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicInteger pending =
      new java.util.concurrent.atomic.AtomicInteger();
  long decryptFailures;

  Engine(
      KeyPair realKeys,
      KeyPair dhtKeys,
      List<PacketTransport> transports,
      Predicate<PeerInfo> acceptor,
      long idleTimeoutMillis,
      Scheduler scheduler) {
    this.realKeys = realKeys;
    this.dhtKeys = dhtKeys;
    this.transports = transports;
    this.acceptor = acceptor;
    this.idleTimeoutMillis = idleTimeoutMillis;
    this.scheduler = scheduler;
    this.worker = scheduler.createWorker();
    this.wire = new Wire(SharedKey.random());
  }

  private static <K, V> Map<K, V> lru() {
    return new LinkedHashMap<>(64, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> e) {
        return size() > KEY_CACHE;
      }
    };
  }

  void start() {
    resources.add(worker);
    for (PacketTransport t : transports) {
      resources.add(
          t.receive()
              .subscribe(
                  d -> run(() -> safely(d)),
                  e -> log.warn("transport {} failed: {}", t, e.toString())));
      resources.add(
          t.pathEvents()
              .subscribe(
                  e -> run(() -> onPathEvent(e)),
                  e -> log.warn("path events of {} failed: {}", t, e.toString())));
    }
    resources.add(
        worker.schedulePeriodically(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS));
  }

  void dispose() {
    run(
        () -> {
          for (Session s : new ArrayList<>(byReal.values())) {
            s.sendKill();
            closed(s, new NetCryptoException("node disposed"), false);
          }
          incoming.tryEmitComplete();
          resources.dispose();
        });
  }

  /**
   * Runs {@code task} on the engine's worker, serially with everything else and in submission
   * order. Tasks go into one queue that a single drain on the worker empties, so a burst of packets
   * costs one hand-off to the worker, not one scheduled task each (per-packet scheduling was a
   * visible share of a loopback transfer's profile).
   */
  void run(Runnable task) {
    tasks.offer(task);
    if (pending.getAndIncrement() == 0) {
      try {
        worker.schedule(this::drain);
      } catch (RuntimeException rejected) {
        tasks.clear();
        log.debug("net_crypto worker is gone: {}", rejected.toString());
      }
    }
  }

  private void drain() {
    int missed = 1;
    do {
      Runnable t;
      while ((t = tasks.poll()) != null) {
        try {
          t.run();
        } catch (RuntimeException e) {
          log.error("net_crypto task failed", e);
        }
      }
      missed = pending.addAndGet(-missed);
    } while (missed != 0);
  }

  long now() {
    return scheduler.now(TimeUnit.MILLISECONDS);
  }

  long nowSeconds() {
    return scheduler.now(TimeUnit.SECONDS);
  }

  Wire wire() {
    return wire;
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

  SharedKey sharedDht(PublicKey peerDht) {
    return dhtShared.computeIfAbsent(peerDht, k -> CryptoBox.beforenm(k, dhtKeys.secretKey()));
  }

  SharedKey sharedReal(PublicKey peerReal) {
    return realShared.computeIfAbsent(peerReal, k -> CryptoBox.beforenm(k, realKeys.secretKey()));
  }

  // ------------------------------------------------------------------ connecting

  void connect(
      PublicKey peerReal, PublicKey peerDht, List<Path> hints, MonoSink<CryptoConnection> sink) {
    Session existing = byReal.get(peerReal);
    if (existing != null) {
      if (existing.isEstablished()) {
        sink.success(existing.connection);
      } else {
        sink.error(new IllegalStateException("a connection to this peer is already being made"));
      }
      return;
    }
    Session s;
    try {
      sharedDht(peerDht); // a bad key fails here, before anything is registered
      s = new Session(this, peerReal, peerDht);
    } catch (IllegalArgumentException badKey) {
      sink.error(badKey);
      return;
    }
    byReal.put(peerReal, s);
    byDht.put(peerDht, s);
    for (Path p : hints) {
      s.addPath(p);
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

  void established(Session s) {
    MonoSink<CryptoConnection> sink = connecting.remove(s);
    if (sink != null) {
      sink.success(s.connection);
    } else {
      incoming.tryEmitNext(s.connection);
    }
  }

  /** Ends a session: {@code error} null means a normal end (kill received or local close). */
  void closed(Session s, Throwable error, boolean byPeer) {
    if (s.isClosed()) {
      return;
    }
    s.state = new SessionState.Closed(error);
    if (byReal.get(s.peerReal) == s) {
      byReal.remove(s.peerReal);
    }
    if (byDht.get(s.peerDht) == s) {
      byDht.remove(s.peerDht);
    }
    for (Path p : s.paths.paths()) {
      if (byPath.get(p) == s) {
        byPath.remove(p);
      }
    }
    MonoSink<CryptoConnection> sink = connecting.remove(s);
    if (sink != null) {
      sink.error(
          error != null
              ? error
              : new NetCryptoException(
                  byPeer ? "peer refused the connection" : "connection closed"));
    }
    s.connection.ended(error);
  }

  // ------------------------------------------------------------------ paths and sending

  /** For tests in this package: the session with this peer, if any. */
  Session session(PublicKey peerReal) {
    return byReal.get(peerReal);
  }

  void pathAdded(Session s, Path p) {
    byPath.put(p, s);
  }

  /** The session gave up on {@code path}: the transport may act on it (a pool drops a relay). */
  void pathFailed(Session s, Path path, String reason) {
    log.info(
        "net_crypto {}: path {} failed: {}", s.peerReal.toHex().substring(0, 16), path, reason);
    for (PacketTransport t : transports) {
      if (t.serves(path)) {
        t.pathFailed(path, reason);
      }
    }
  }

  /** Tells the transports of {@code path} that it is (not) needed for now. */
  void standby(Path path, boolean standby) {
    for (PacketTransport t : transports) {
      if (t.serves(path)) {
        t.standby(path, standby);
      }
    }
  }

  private void onPathEvent(PathEvent e) {
    Session s = byPath.get(e.path());
    if (s != null && !s.isClosed()) {
      s.pathEvent(e.path(), e.usable());
    }
  }

  void send(Path path, byte[] packet) {
    for (PacketTransport t : transports) {
      if (t.serves(path)) {
        // packets are built fresh and never changed after
        if (!t.offer(path, Bytes.adopt(packet))) {
          log.debug("send on {} refused", path);
        }
        return;
      }
    }
  }

  void decryptFailed(Session s, Path from) {
    decryptFailures++;
  }

  // ------------------------------------------------------------------ inbound

  private void safely(Datagram d) {
    try {
      onDatagram(d);
    } catch (RuntimeException e) {
      log.error("net_crypto failed on a packet from {}", d.path(), e);
    }
  }

  private void onDatagram(Datagram d) {
    Bytes data = d.data();
    if (data.isEmpty()) {
      return;
    }
    Path from = d.path();
    if (data.get(0) == 0x1B) { // the hot path: opened straight from the immutable bytes
      Session s = byPath.get(from);
      if (s == null && from instanceof Path.Relay r) {
        s = byDht.get(r.peer()); // a relay the peer shares with us that we had not used yet
      }
      if (s != null && Wire.isDataLength(data.length())) {
        s.onData(data, from);
      }
      return;
    }
    byte[] b = data.toArray();
    switch (b[0]) {
      case 0x18 -> onCookieRequest(b, from);
      case 0x19 -> {
        Session s = byPath.get(from);
        if (s != null) {
          s.onCookieResponse(b, from);
        }
      }
      case 0x1A -> onHandshake(b, from);
      default -> {
        // not net_crypto
      }
    }
  }

  /** Stateless: the cookie carries everything; answered on the path it came from. */
  private void onCookieRequest(byte[] b, Path from) {
    Wire.CookieAsk ask = wire.openCookieRequest(this::sharedDht, b, box);
    if (ask == null) {
      return;
    }
    if (from instanceof Path.Relay r && !r.peer().equals(ask.senderDht())) {
      return; // an OOB cookie request must come from the DHT key inside it
    }
    byte[] cookie = wire.mintCookie(nowSeconds(), ask.senderReal(), ask.senderDht(), box);
    send(from, wire.cookieResponse(sharedDht(ask.senderDht()), cookie, ask.echoId(), box));
  }

  private void onHandshake(byte[] b, Path from) {
    Wire.CookieContents c = wire.openHandshakeCookie(b, nowSeconds(), box);
    if (c == null) {
      return;
    }
    // The cookie's real key is only a claim (anyone may ask for a cookie naming any real key):
    // nothing changes before the handshake box opens with that key's shared secret.
    Wire.HandshakeOpened h = wire.openHandshake(sharedReal(c.realKey()), b, box);
    if (h == null) {
      return;
    }
    Session s = byReal.get(c.realKey());
    if (s != null && !s.peerDht.equals(c.dhtKey())) {
      if (s.hasSessionKey()) {
        closed(s, new NetCryptoException("peer restarted with a new DHT key"), false);
        s = null;
      } else {
        byDht.remove(s.peerDht, s);
        s.peerDht = c.dhtKey();
        byDht.put(s.peerDht, s);
      }
    }
    if (s != null) {
      s.onHandshake(h, from);
      return;
    }
    PeerInfo peer = new PeerInfo(c.realKey(), c.dhtKey(), from);
    boolean accepted;
    try {
      accepted = acceptor.test(peer);
    } catch (RuntimeException e) {
      log.warn("acceptor threw for {}: {}", peer, e.toString());
      accepted = false;
    }
    if (!accepted) {
      return;
    }
    Session n = new Session(this, c.realKey(), c.dhtKey());
    byReal.put(c.realKey(), n);
    byDht.put(c.dhtKey(), n);
    n.addPath(from);
    n.onHandshake(h, from);
  }

  private void tick() {
    if (byReal.isEmpty()) {
      return;
    }
    for (Session s : new ArrayList<>(byReal.values())) {
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
