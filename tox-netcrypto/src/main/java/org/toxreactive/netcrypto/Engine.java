package org.toxreactive.netcrypto;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.NetCryptoPacketKind;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.core.TokenBucket;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.core.transport.PathEvent;
import org.toxreactive.netcrypto.packet.Cookie;
import org.toxreactive.netcrypto.packet.CookieRequest;
import org.toxreactive.netcrypto.packet.CookieResponse;
import org.toxreactive.netcrypto.packet.DataPacket;
import org.toxreactive.netcrypto.packet.Handshake;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The net_crypto engine behind a {@link NetCryptoNode}: one single-threaded worker owns every
 * session, the cookie key and the path table; inbound packets from all transports are dispatched
 * here by packet kind (one handling routine per kind, whatever the transport).
 *
 * <p>Inbound packets wait in two bounded lanes, classified by their first byte on the transport's
 * thread: data packets of established sessions, and control packets (cookie request and response,
 * handshake). Each drain of the worker takes the application's tasks first, then up to {@link
 * #DATA_BUDGET} data packets, then at most {@link #CONTROL_BUDGET} control packets, so a flood of
 * handshakes or cookie requests waits behind the data of live sessions and cannot make it wait
 * long. A full lane drops (and counts) what arrives: nothing piles up without bound when the worker
 * falls behind.
 *
 * <p>Work an unknown party can make us do costs an X25519 at most after cheap checks, and every
 * such computation takes a token from one budget ({@link Limits#keysPerSecond}): a cookie request
 * first passes a per-source bucket (10 at once, one more each 100 ms, as c-toxcore does per IP),
 * then needs a token unless the shared key with its DHT key is cached; a handshake from an unknown
 * real key passes the session caps first, then needs tokens for its real key's shared key (if not
 * cached) and the two computations of a new session. A session holds its own shared keys, so a
 * flood of new keys through the cache cannot make a live session pay again.
 */
final class Engine {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  static final long TICK_MILLIS = 10;
  private static final int KEY_CACHE = 1024;

  /** Data packets one drain pass handles before it gives the worker's other tasks a turn. */
  static final int DATA_BUDGET = 256;

  /** Control packets (cookies, handshakes) one drain pass handles, after the data. */
  static final int CONTROL_BUDGET = 8;

  /** Cookie requests one source may send at once, and how many more it gets a second. */
  static final int SOURCE_BURST = 10;

  static final int SOURCE_PER_SECOND = 10;

  /** Cookies remembered as used: more than the sessions a cookie's lifetime can open. */
  static final int USED_COOKIES = 4096;

  /** Sources whose cookie request buckets are remembered (the least recent one is forgotten). */
  static final int SOURCES = 4096;

  /** X25519 computations a handshake from an unknown real key may need: real key, session. */
  private static final int NEW_SESSION_KEYS = 2;

  /**
   * The engine's limits: see the builder methods of {@link NetCrypto} that set them.
   *
   * @param keysPerSecond X25519 computations a second for cookie requests and handshakes from
   *     unknown keys
   * @param maxPendingSessions sessions peers opened to us that are not established yet
   * @param maxSessions established sessions plus pending ones peers opened
   * @param maxSessionsPerSource sessions peers opened from one source (UDP: the IP address; a relay
   *     path: the peer's DHT key)
   * @param dataQueue data packets waiting for the worker, at most
   * @param controlQueue control packets waiting for the worker, at most
   */
  record Limits(
      int keysPerSecond,
      int maxPendingSessions,
      int maxSessions,
      int maxSessionsPerSource,
      int dataQueue,
      int controlQueue) {
    static final Limits DEFAULTS = new Limits(500, 64, 1024, 8, 8192, 512);

    Limits {
      if (keysPerSecond < 1
          || maxPendingSessions < 1
          || maxSessions < 1
          || maxSessionsPerSource < 1
          || dataQueue < 1
          || controlQueue < 1) {
        throw new IllegalArgumentException("every limit must be at least 1: " + this);
      }
    }

    /** The budget's bucket holds a quarter of a second's tokens (at least 10). */
    int keyBurst() {
      return Math.max(10, keysPerSecond / 4);
    }
  }

  private final KeyPair realKeys;
  private final KeyPair dhtKeys;
  private final List<PacketTransport> transports;
  private final Predicate<PeerInfo> acceptor;
  private final long idleTimeoutMillis;
  private final Limits limits;
  private final Scheduler scheduler;
  private final Scheduler.Worker worker;

  /** Seals and opens our cookies (docs/protocol.md 4.4): random, never leaves this node. */
  private final SharedKey cookieKey = SharedKey.random();

  /** Where data packets are opened, one at a time on the worker. */
  private final byte[] scratch = new byte[NetCryptoPacketKind.MAX_PACKET_SIZE];

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
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Queue<Datagram> dataLane;
  private final Queue<Datagram> controlLane;

  /** Above zero while a drain is scheduled or running; each submission adds one. */
  private final AtomicInteger wip = new AtomicInteger();

  private final TokenBucket keyBudget;
  private final Map<Object, TokenBucket> sourceBuckets = lru(SOURCES);
  private final Map<Object, Integer> sessionsBySource = new HashMap<>();

  /** Cookies that opened a session, until they expire (see onHandshake); the eldest go first. */
  private final Map<Bytes, Long> usedCookies = lru(USED_COOKIES);

  private int pendingIncoming;
  private int establishedCount;

  /** Lossless messages a session stores ahead of its subscriber (see NetCrypto#receiveWindow). */
  int receiveWindow = NetCrypto.DEFAULT_RECEIVE_WINDOW;

  /** Where signals reach the application; null: on the worker (see NetCrypto#publishOn). */
  reactor.core.scheduler.Scheduler publishOn;

  /** Completes once the node is disposed and every session has ended. */
  final Sinks.Empty<Void> disposed = Sinks.empty();

  private boolean disposing;

  <T> reactor.core.publisher.Flux<T> publish(reactor.core.publisher.Flux<T> f) {
    return publishOn == null ? f : f.publishOn(publishOn);
  }

  <T> reactor.core.publisher.Mono<T> publish(reactor.core.publisher.Mono<T> m) {
    return publishOn == null ? m : m.publishOn(publishOn);
  }

  // counters: receiveDropped is written on transport threads, the others on the worker only
  private final LongAdder receiveDropped = new LongAdder();
  volatile long decryptFailures;
  private volatile long cookieRequestsRateLimited;
  private volatile long handshakesRateLimited;
  private volatile long sessionsRefused;
  private volatile long replaysDropped;
  private volatile long keysComputed;
  private volatile long requestsSent;
  private volatile long dataPacketsSent;
  private volatile long requestsReceived;
  private volatile long dataPacketsReceived;

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
    this.transports = transports;
    this.acceptor = acceptor;
    this.idleTimeoutMillis = idleTimeoutMillis;
    this.limits = limits;
    this.scheduler = scheduler;
    this.worker = scheduler.createWorker();
    this.dataLane = new ArrayBlockingQueue<>(limits.dataQueue());
    this.controlLane = new ArrayBlockingQueue<>(limits.controlQueue());
    this.keyBudget = new TokenBucket(limits.keyBurst(), limits.keysPerSecond(), now());
  }

  private static <K, V> Map<K, V> lru() {
    return lru(KEY_CACHE);
  }

  private static <K, V> Map<K, V> lru(int max) {
    return new LinkedHashMap<>(64, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> e) {
        return size() > max;
      }
    };
  }

  void start() {
    resources.add(worker);
    for (PacketTransport t : transports) {
      resources.add(
          t.receive()
              .subscribe(
                  this::receive,
                  e -> {
                    log.warn("transport {} failed: {}", t, e.toString());
                    run(() -> transportGone(t));
                  },
                  () -> run(() -> transportGone(t))));
      resources.add(
          t.pathEvents()
              .subscribe(
                  e -> run(() -> onPathEvent(e)),
                  e -> log.warn("path events of {} failed: {}", t, e.toString())));
    }
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
          for (Session s : new ArrayList<>(byReal.values())) {
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
    gone.add(t);
    for (Session s : new ArrayList<>(byReal.values())) {
      if (s.isClosed()) {
        continue;
      }
      for (Path p : s.paths.paths()) {
        if (t.serves(p) && !servedByLive(p)) {
          s.pathEvent(p, false);
        }
      }
    }
  }

  private final java.util.Set<PacketTransport> gone =
      java.util.Collections.newSetFromMap(new java.util.concurrent.ConcurrentHashMap<>());

  /** Whether a transport that is still receiving serves {@code p} (any thread). */
  boolean servedByLive(Path p) {
    for (PacketTransport t : transports) {
      if (!gone.contains(t) && !t.isDisposed() && t.serves(p)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs {@code task} on the engine's worker, serially with everything else and in submission
   * order. Tasks go into one queue that a single drain on the worker empties, so a burst of packets
   * costs one hand-off to the worker, not one scheduled task each (per-packet scheduling was a
   * visible share of a loopback transfer's profile).
   */
  void run(Runnable task) {
    tasks.offer(task);
    signal();
  }

  /**
   * A transport's packet, on the transport's thread: into the data or the control lane by its first
   * byte (anything else is not net_crypto), or dropped and counted when that lane is full. No
   * allocation: the lanes are arrays and hold the datagram itself.
   */
  private void receive(Datagram d) {
    NetCryptoPacketKind kind = NetCryptoPacketKind.of(d.data());
    if (kind == null) {
      return; // not net_crypto
    }
    Queue<Datagram> lane =
        switch (kind) {
          case DATA -> dataLane;
          case COOKIE_REQUEST, COOKIE_RESPONSE, HANDSHAKE -> controlLane;
        };
    if (!lane.offer(d)) {
      receiveDropped.increment();
      return;
    }
    signal();
  }

  private void signal() {
    if (wip.getAndIncrement() == 0) {
      schedule();
    }
  }

  private void schedule() {
    try {
      worker.schedule(this::drain);
    } catch (RuntimeException rejected) {
      tasks.clear();
      dataLane.clear();
      controlLane.clear();
      log.debug("net_crypto worker is gone: {}", rejected.toString());
    }
  }

  /**
   * Tasks, then a little control, then data, until all is done; with packets left over after a
   * pass's budgets, the drain schedules itself again (staying counted as running) so timers and
   * other work on the worker get their turn.
   */
  private void drain() {
    for (; ; ) {
      int missed = wip.get();
      runTasks();
      // control first, but only a few: a handshake and the data packet right behind it (the peer
      // sends both at once) must be opened in that order, and a flood of control packets still
      // costs the data of live sessions a wait of CONTROL_BUDGET packets at most per pass
      for (int i = 0; i < CONTROL_BUDGET; i++) {
        Datagram d = controlLane.poll();
        if (d == null) {
          break;
        }
        safely(d);
      }
      for (int i = 0; i < DATA_BUDGET; i++) {
        Datagram d = dataLane.poll();
        if (d == null) {
          break;
        }
        safely(d);
      }
      if (!dataLane.isEmpty() || !controlLane.isEmpty()) {
        schedule();
        return;
      }
      if (wip.addAndGet(-missed) == 0) {
        return;
      }
    }
  }

  private void runTasks() {
    Runnable t;
    while ((t = tasks.poll()) != null) {
      try {
        t.run();
      } catch (RuntimeException e) {
        log.error("net_crypto task failed", e);
      }
    }
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

  /** A cookie for a peer, sealed with our cookie key, for the other-cookie of our handshake. */
  byte[] mintCookie(PublicKey real, PublicKey dht, CryptoBox box) {
    return new Cookie(nowSeconds(), real, dht).seal(cookieKey, Nonce.random(), box);
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
    return dhtShared.computeIfAbsent(peerDht, this::computeDht);
  }

  SharedKey sharedReal(PublicKey peerReal) {
    return realShared.computeIfAbsent(peerReal, this::computeReal);
  }

  private SharedKey computeDht(PublicKey k) {
    keysComputed++;
    return CryptoBox.beforenm(k, dhtKeys.secretKey());
  }

  private SharedKey computeReal(PublicKey k) {
    keysComputed++;
    return CryptoBox.beforenm(k, realKeys.secretKey());
  }

  /** What the node counts (see {@link NetCryptoStats}); safe to call from any thread. */
  NetCryptoStats stats() {
    return new NetCryptoStats(
        receiveDropped.sum(),
        cookieRequestsRateLimited,
        handshakesRateLimited,
        sessionsRefused,
        replaysDropped,
        decryptFailures,
        keysComputed,
        requestsSent,
        dataPacketsSent,
        requestsReceived,
        dataPacketsReceived);
  }

  /** For tests in this package: packets waiting in the data and control lanes. */
  int queued() {
    return dataLane.size() + controlLane.size();
  }

  /** For tests in this package: sessions (all states, both directions). */
  int sessions() {
    return byReal.size();
  }

  // ------------------------------------------------------------------ connecting

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
    Session existing = byReal.get(peerReal);
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
      sharedDht(peerDht); // a bad key fails here, before anything is registered
      s = new Session(this, peerReal, peerDht);
    } catch (IllegalArgumentException badKey) {
      sink.error(
          new ConnectFailedException(
              ConnectFailedException.Reason.INVALID_ARGUMENT,
              "not a usable public key: " + badKey.getMessage()));
      return;
    }
    byReal.put(peerReal, s);
    byDht.put(peerDht, s);
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

  void established(Session s) {
    establishedCount++;
    if (s.source != null) {
      pendingIncoming--;
    }
    MonoSink<CryptoConnection> sink = connecting.remove(s);
    if (sink != null) {
      sink.success(s.connection);
    } else if (s.source != null) { // a peer opened it (ours from open() are the caller's already)
      incoming.tryEmitNext(s.connection);
    }
  }

  /** Ends a session: {@code error} null means a normal end (kill received or local close). */
  void closed(Session s, Throwable error, boolean byPeer) {
    if (s.isClosed()) {
      return;
    }
    if (s.isEstablished()) {
      establishedCount--;
    } else if (s.source != null) {
      pendingIncoming--;
    }
    if (s.source != null) {
      sessionsBySource.computeIfPresent(s.source, (k, n) -> n == 1 ? null : n - 1);
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
              : disposing
                  ? new ConnectFailedException(
                      ConnectFailedException.Reason.DISPOSED, "node disposed")
                  : new ConnectFailedException(
                      ConnectFailedException.Reason.REFUSED,
                      byPeer ? "peer killed the connection during the handshake" : "cancelled"));
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

  /** A session sent a data packet: a packet request or another one (worker thread only). */
  void countSent(boolean request) {
    if (request) {
      requestsSent++;
    } else {
      dataPacketsSent++;
    }
  }

  /** A session opened a peer's data packet: a packet request or another one (worker only). */
  void countReceived(boolean request) {
    if (request) {
      requestsReceived++;
    } else {
      dataPacketsReceived++;
    }
  }

  // ------------------------------------------------------------------ inbound

  private void safely(Datagram d) {
    try {
      onDatagram(d);
    } catch (RuntimeException e) {
      log.error("net_crypto failed on a packet from {}", d.path(), e);
    }
  }

  /**
   * One packet from a lane (its kind was checked by {@link #receive}). A switch expression: a new
   * packet kind fails to compile here until it is handled.
   */
  private void onDatagram(Datagram d) {
    Bytes data = d.data();
    Path from = d.path();
    NetCryptoPacketKind kind = NetCryptoPacketKind.of(data);
    boolean taken =
        switch (kind) {
          case DATA -> onDataPacket(data, from); // opened straight from the immutable bytes
          case COOKIE_REQUEST -> onCookieRequest(data.toArray(), from);
          case COOKIE_RESPONSE -> onCookieResponse(data.toArray(), from);
          case HANDSHAKE -> onHandshake(data.toArray(), from);
        };
    if (!taken && log.isTraceEnabled()) {
      log.trace("net_crypto: {} of {} bytes from {} dropped", kind.label(), data.length(), from);
    }
  }

  /** Returns whether a session took the packet (it may still fail to decrypt there). */
  private boolean onDataPacket(Bytes data, Path from) {
    Session s = byPath.get(from);
    if (s == null && from instanceof Path.Relay r) {
      // A relay the peer shares with us that we had not used yet: the relay authenticated the
      // peer's DHT key on its own link, so data that decrypts there is the peer's and the path
      // is added. A UDP source that is no session's path proves nothing (anyone can replay a
      // packet from anywhere): its data is dropped without a reply.
      s = byDht.get(r.peer());
    }
    if (s == null) {
      replaysDropped++;
      return false;
    }
    if (!DataPacket.isLength(data.length())) {
      return false;
    }
    s.onData(data, from);
    return true;
  }

  /** A cookie response is taken only from a path of the session that asked (docs 4.3). */
  private boolean onCookieResponse(byte[] b, Path from) {
    Session s = byPath.get(from);
    if (s == null) {
      return false;
    }
    s.onCookieResponse(b, from);
    return true;
  }

  /**
   * Where a packet came from, for per-source limits: the IP address of a UDP source (its host name
   * if unresolved, as on a simulated network), the peer's DHT key on a relay (the relay
   * authenticated it).
   */
  static Object sourceOf(Path p) {
    if (p instanceof Path.Udp u) {
      InetSocketAddress a = u.address();
      return a.getAddress() != null ? a.getAddress() : a.getHostString();
    }
    return ((Path.Relay) p).peer();
  }

  /**
   * Stateless: the cookie carries everything; answered on the path it came from. The source's
   * bucket and the key budget are checked before the X25519 that opening it may cost.
   */
  private boolean onCookieRequest(byte[] b, Path from) {
    if (b.length != CookieRequest.LENGTH) {
      return false;
    }
    long now = now();
    Object source = sourceOf(from);
    TokenBucket bucket = sourceBuckets.get(source);
    if (bucket == null) {
      bucket = new TokenBucket(SOURCE_BURST, SOURCE_PER_SECOND, now);
      sourceBuckets.put(source, bucket);
    }
    if (!bucket.tryTake(1, now)) {
      cookieRequestsRateLimited++;
      return false;
    }
    PublicKey senderDht = CookieRequest.senderDht(b);
    if (from instanceof Path.Relay r && !r.peer().equals(senderDht)) {
      return false; // an OOB cookie request must come from the DHT key inside it
    }
    if (!dhtShared.containsKey(senderDht) && !keyBudget.tryTake(1, now)) {
      cookieRequestsRateLimited++;
      return false;
    }
    CookieRequest ask = CookieRequest.open(b, this::sharedDht, box);
    if (ask == null) {
      return false;
    }
    byte[] cookie = mintCookie(ask.senderReal(), ask.senderDht(), box);
    send(
        from,
        new CookieResponse(cookie, ask.echoId())
            .encode(sharedDht(ask.senderDht()), Nonce.random(), box));
    return true;
  }

  /**
   * A handshake (its outer cookie, ours, opened first: symmetric and cheap). For a peer we have a
   * session with, under the same DHT key, it is taken only while we are still requesting a cookie
   * or have sent our handshake (then its source is a fresh path); once the session has its key it
   * is dropped, whatever its source: a replayed handshake neither adds a path nor draws a reply.
   * Under a different DHT key (the peer restarted) it ends the old session and opens a new one.
   * From an unknown real key it passes the session caps and the key budget before any X25519.
   */
  private boolean onHandshake(byte[] b, Path from) {
    Cookie c = Handshake.openCookie(cookieKey, b, nowSeconds(), box);
    if (c == null) {
      return false;
    }
    Session s = byReal.get(c.realKey());
    if (s != null && s.peerDht.equals(c.dhtKey()) && s.hasSessionKey()) {
      replaysDropped++; // a late resend of the peer's handshake, or a replay
      return false;
    }
    // The cookie's real key is only a claim (anyone may ask for a cookie naming any real key):
    // nothing changes before the handshake box opens with that key's shared secret.
    if (s != null) {
      Handshake h = Handshake.open(s.realShared(), b, box);
      if (h == null) {
        return false;
      }
      if (s.peerDht.equals(c.dhtKey())) {
        s.onHandshake(h, from);
        return true;
      }
      if (!s.hasSessionKey()) {
        byDht.remove(s.peerDht, s);
        s.peerDht = c.dhtKey();
        byDht.put(s.peerDht, s);
        s.onHandshake(h, from);
        return true;
      }
      closed(s, new NetCryptoException("peer restarted with a new DHT key"), false);
    }
    // A cookie that already opened a session here cannot open another: a peer that connects
    // again asks for a new cookie first, so a second session from one cookie is a replay (of a
    // captured handshake, within the cookie's lifetime) that would otherwise draw our handshake
    // and keepalives to whatever address sent it. c-toxcore does not check this.
    Bytes cookie = Handshake.cookieBytes(b);
    Long usedUntil = usedCookies.get(cookie);
    if (usedUntil != null && usedUntil >= nowSeconds()) {
      replaysDropped++;
      return false;
    }
    Object source = sourceOf(from);
    if (pendingIncoming >= limits.maxPendingSessions()
        || establishedCount + pendingIncoming >= limits.maxSessions()
        || sessionsBySource.getOrDefault(source, 0) >= limits.maxSessionsPerSource()) {
      sessionsRefused++;
      return false;
    }
    int cost = NEW_SESSION_KEYS + (realShared.containsKey(c.realKey()) ? 0 : 1);
    if (!keyBudget.tryTake(cost, now())) {
      handshakesRateLimited++;
      return false;
    }
    Handshake h = Handshake.open(sharedReal(c.realKey()), b, box);
    if (h == null) {
      return false;
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
      return false;
    }
    usedCookies.put(cookie, nowSeconds() + Cookie.TIMEOUT_SECONDS + 1);
    Session n = new Session(this, c.realKey(), c.dhtKey());
    n.source = source;
    pendingIncoming++;
    sessionsBySource.merge(source, 1, Integer::sum);
    byReal.put(c.realKey(), n);
    byDht.put(c.dhtKey(), n);
    n.addPath(from);
    n.onHandshake(h, from);
    return true;
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
