package org.toxreactive.netcrypto;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.core.TokenBucket;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.packet.Cookie;
import org.toxreactive.netcrypto.packet.CookieRequest;
import org.toxreactive.netcrypto.packet.CookieResponse;
import org.toxreactive.netcrypto.packet.Handshake;

/**
 * The control packets anyone may send us, cookie requests and handshakes (docs/protocol.md 4.2-4.5,
 * 4.16), and the rules that decide what they may make us do: who gets a cookie, whose handshake
 * opens a session. The cookie key lives here.
 *
 * <p>Work an unknown party can make us do costs an X25519 at most after cheap checks, and every
 * such computation takes a token from one budget ({@link Limits#keysPerSecond}): a cookie request
 * first passes a per-source bucket (10 at once, one more each 100 ms, as c-toxcore does per IP),
 * then needs a token unless the shared key with its DHT key is cached; a handshake from an unknown
 * real key passes the session caps first, then needs tokens for its real key's shared key (if not
 * cached) and the two computations of a new session. A session holds its own shared keys, so a
 * flood of new keys through the cache cannot make a live session pay again. Runs on the engine's
 * worker.
 */
final class ControlPlane {
  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);

  /** Cookie requests one source may send at once, and how many more it gets a second. */
  static final int SOURCE_BURST = 10;

  static final int SOURCE_PER_SECOND = 10;

  /** Cookies remembered as used: more than the sessions a cookie's lifetime can open. */
  static final int USED_COOKIES = 4096;

  /** Sources whose cookie request buckets are remembered (the least recent one is forgotten). */
  static final int SOURCES = 4096;

  /** X25519 computations a handshake from an unknown real key may need: real key, session. */
  private static final int NEW_SESSION_KEYS = 2;

  private final Engine engine;
  private final Limits limits;
  private final Predicate<PeerInfo> acceptor;
  private final CryptoBox box = new CryptoBox();

  /** Seals and opens our cookies (docs/protocol.md 4.4): random, never leaves this node. */
  private final SharedKey cookieKey = SharedKey.random();

  private final TokenBucket keyBudget;
  private final Map<Object, TokenBucket> sourceBuckets = lru(SOURCES);
  private final Map<Object, Integer> sessionsBySource = new HashMap<>();

  /** Cookies that opened a session, until they expire (see onHandshake); the eldest go first. */
  private final Map<Bytes, Long> usedCookies = lru(USED_COOKIES);

  private int pendingIncoming;
  private int establishedCount;

  // counters, written on the worker only
  private volatile long cookieRequestsRateLimited;
  private volatile long handshakesRateLimited;
  private volatile long sessionsRefused;

  ControlPlane(Engine engine, Limits limits, Predicate<PeerInfo> acceptor) {
    this.engine = engine;
    this.limits = limits;
    this.acceptor = acceptor;
    this.keyBudget = new TokenBucket(limits.keyBurst(), limits.keysPerSecond(), engine.now());
  }

  static <K, V> Map<K, V> lru(int max) {
    return new LinkedHashMap<>(64, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> e) {
        return size() > max;
      }
    };
  }

  /** A cookie for a peer, sealed with our cookie key (the other-cookie of our handshake too). */
  byte[] mintCookie(PublicKey real, PublicKey dht) {
    return new Cookie(engine.nowSeconds(), real, dht).seal(cookieKey, Nonce.random(), box);
  }

  /** A session reached ESTABLISHED. */
  void established(Session s) {
    establishedCount++;
    if (s.source != null) {
      pendingIncoming--;
    }
  }

  /** A session ended; {@code wasEstablished} as it was before. */
  void closed(Session s, boolean wasEstablished) {
    if (wasEstablished) {
      establishedCount--;
    } else if (s.source != null) {
      pendingIncoming--;
    }
    if (s.source != null) {
      sessionsBySource.computeIfPresent(s.source, (k, n) -> n == 1 ? null : n - 1);
    }
  }

  long cookieRequestsRateLimited() {
    return cookieRequestsRateLimited;
  }

  long handshakesRateLimited() {
    return handshakesRateLimited;
  }

  long sessionsRefused() {
    return sessionsRefused;
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
  boolean onCookieRequest(byte[] b, Path from) {
    if (b.length != CookieRequest.LENGTH) {
      return false;
    }
    long now = engine.now();
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
    if (!engine.keys.hasDht(senderDht) && !keyBudget.tryTake(1, now)) {
      cookieRequestsRateLimited++;
      return false;
    }
    CookieRequest ask = CookieRequest.open(b, engine.keys::dht, box);
    if (ask == null) {
      return false;
    }
    byte[] cookie = mintCookie(ask.senderReal(), ask.senderDht());
    engine.send(
        from,
        new CookieResponse(cookie, ask.echoId())
            .encode(engine.keys.dht(ask.senderDht()), Nonce.random(), box));
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
  boolean onHandshake(byte[] b, Path from) {
    Cookie c = Handshake.openCookie(cookieKey, b, engine.nowSeconds(), box);
    if (c == null) {
      return false;
    }
    Session s = engine.session(c.realKey());
    if (s != null && s.peerDht.equals(c.dhtKey()) && s.hasSessionKey()) {
      engine.counters.replaysDropped++; // a late resend of the peer's handshake, or a replay
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
        engine.peerDhtChanged(s, c.dhtKey());
        s.onHandshake(h, from);
        return true;
      }
      engine.closed(s, new NetCryptoException("peer restarted with a new DHT key"), false);
    }
    // A cookie that already opened a session here cannot open another: a peer that connects
    // again asks for a new cookie first, so a second session from one cookie is a replay (of a
    // captured handshake, within the cookie's lifetime) that would otherwise draw our handshake
    // and keepalives to whatever address sent it. c-toxcore does not check this.
    Bytes cookie = Handshake.cookieBytes(b);
    Long usedUntil = usedCookies.get(cookie);
    if (usedUntil != null && usedUntil >= engine.nowSeconds()) {
      engine.counters.replaysDropped++;
      return false;
    }
    Object source = sourceOf(from);
    if (pendingIncoming >= limits.maxPendingSessions()
        || establishedCount + pendingIncoming >= limits.maxSessions()
        || sessionsBySource.getOrDefault(source, 0) >= limits.maxSessionsPerSource()) {
      sessionsRefused++;
      return false;
    }
    int cost = NEW_SESSION_KEYS + (engine.keys.hasReal(c.realKey()) ? 0 : 1);
    if (!keyBudget.tryTake(cost, engine.now())) {
      handshakesRateLimited++;
      return false;
    }
    Handshake h = Handshake.open(engine.keys.real(c.realKey()), b, box);
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
    usedCookies.put(cookie, engine.nowSeconds() + Cookie.TIMEOUT_SECONDS + 1);
    Session n = new Session(engine, c.realKey(), c.dhtKey(), source);
    pendingIncoming++;
    sessionsBySource.merge(source, 1, Integer::sum);
    engine.register(n);
    n.addPath(from);
    n.onHandshake(h, from);
    return true;
  }
}
