package org.toxreactive.netcrypto;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.transport.Path;

/**
 * Which path one session's data goes on, and when to change it (docs/protocol.md 4.15,
 * docs/architecture.md 2.2). {@link PathTable} holds the evidence and the sticky choice; this class
 * feeds it (what the peer was heard on, what the transports say, stalls and losses of our data) and
 * acts on a change: in-flight data lost with a dead path goes again on the new one, an ack goes at
 * once, the status is published, relay paths sleep while direct UDP carries the data.
 *
 * <p>Round trips come from the session's {@link RttEstimator}, not from the congestion controller,
 * so a different controller changes nothing here. Runs on the engine's worker.
 */
final class PathPolicy {
  /** Every path other than the chosen one carries a request this often, as its keepalive. */
  static final long KEEPALIVE_INTERVAL = 1000;

  /** Data unacknowledged this long (or 4 RTTs if longer) makes its path suspect. */
  static final long STALL_MILLIS = 250;

  /**
   * After leaving a path that died (down, failed, stalled), how long the new path has before a
   * stall verdict: the peer's replies were lost with the old path and it must notice the death
   * itself before they come on the new one.
   */
  static final long LOST_PATH_GRACE = 1_000;

  /**
   * After the chosen path died (its transport said so, or it failed), how long the peer's silence
   * is put down to the death rather than blamed on the path data moved to, while the peer has been
   * heard on no path since: it is still sending to the dead one. A c-toxcore peer finds out at its
   * next failed write to the dead relay (docs/protocol.md 8.12), which a loaded machine can delay
   * by seconds; our data meanwhile reaches it, only its acks are lost. Once it is heard anywhere,
   * or after this long, a stall is a stall again.
   */
  static final long PEER_NOTICE_MILLIS = 3_000;

  /**
   * After direct UDP has carried the data this long, the relay paths are put on standby (a relay
   * pool gives up their routes), and woken as soon as data leaves UDP (docs/protocol.md 4.15).
   */
  static final long SLEEP_RELAYS_AFTER = 10_000;

  /**
   * A path that loses more than this share of what we send on it, over a second with at least
   * {@link #LOSS_SAMPLE} packets, is left for another live path (a relay dropping packets). With no
   * other path the loss is only a congestion signal.
   */
  static final double LOSSY_PATH = 0.2;

  static final int LOSS_SAMPLE = 50;

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PathPolicy.class);

  private final Session s;
  private final PathTable paths;
  private final RttEstimator rtt;
  private final SendBuffer<?> out;

  private long lastKeepaliveAt = Long.MIN_VALUE / 2;
  private long switches;
  private long directSince = -1;
  private boolean relaysAsleep;
  private long lossWindowStart;
  private long stallGraceUntil;

  /**
   * The chosen path that last died under us, when, and whether the peer was heard since on another
   * path.
   */
  private @Nullable Path lostPath;

  private long lostPathAt = Long.MIN_VALUE / 2;

  private boolean heardSinceLost = true;
  private long sentAtWindowStart;
  private long lostAtWindowStart;

  /**
   * Stalls in a row with nothing acknowledged in between: each doubles the wait before the next
   * verdict (up to 32x), so a peer whose subscriber stopped reading (its window closed) is not sent
   * the whole flight again every quarter of a second.
   */
  private int stallsWithoutProgress;

  PathPolicy(Session s, PathTable paths, RttEstimator rtt, SendBuffer<?> out) {
    this.s = s;
    this.paths = paths;
    this.rtt = rtt;
    this.out = out;
  }

  /** The path data goes on now: the chosen one, or a first choice. */
  @Nullable Path sendPath() {
    Path p = paths.best();
    return p != null ? p : paths.choose(s.now());
  }

  /** Adds a path we were told about (a hint, or where an acceptor heard the peer). */
  void add(Path p) {
    if (paths.add(p)) {
      s.engine.pathAdded(s, p);
    }
  }

  /** A packet of the peer decrypted on {@code from}. */
  void heard(Path from, long now) {
    add(from);
    if (!from.equals(lostPath)) {
      heardSinceLost = true; // packets still coming in on the dead path say nothing
    }
    boolean peerMoved = paths.heard(from, now);
    if (peerMoved) {
      log.debug("net_crypto {}: the peer moved to {}", s, from);
    }
    if (!from.equals(paths.best())) {
      reselect(peerMoved); // hearing on the chosen path changes nothing; elsewhere it may
    }
  }

  /** A packet on {@code from} failed to decrypt: a few of them give the path up. */
  void decryptFailed(Path from, long now) {
    if (paths.decryptFailed(from, now)) {
      if (from.equals(paths.best())) {
        lostUnderUs(from, now);
      }
      s.engine.pathFailed(
          s,
          from,
          PathTable.DECRYPT_FAILURES
              + " packets failed to decrypt on this path within "
              + PathTable.FAILURE_WINDOW_MILLIS
              + " ms");
      reselect(true);
    }
  }

  /** The transport's news about a path. */
  void pathEvent(Path p, boolean usable) {
    if (!usable && p.equals(paths.best())) {
      lostUnderUs(p, s.now());
    }
    paths.down(p, !usable, s.now());
    if (usable) {
      paths.reportedUp(p);
    }
    if (!usable) {
      reselect(true); // a path coming up is weighed at the next tick, with its siblings' news
    }
  }

  private void lostUnderUs(Path p, long now) {
    lostPath = p;
    lostPathAt = now;
    heardSinceLost = false;
  }

  /**
   * Whether the peer's silence is explained by the death of the path data was on (see {@link
   * #PEER_NOTICE_MILLIS}).
   */
  private boolean peerUnaware(long now) {
    return !heardSinceLost && now - lostPathAt < PEER_NOTICE_MILLIS;
  }

  /** Something was acknowledged: the stall back-off starts again. */
  void progress() {
    stallsWithoutProgress = 0;
  }

  /**
   * Chooses the data path again. When the old one was given up ({@code lostOld}), what was in
   * flight on it is sent again on the new one: it is lost with its path, and waiting for the peer's
   * requests would cost round trips.
   */
  void reselect(boolean lostOld) {
    long now = s.now();
    Path before = paths.best();
    Path after = paths.choose(now);
    if (Objects.equals(before, after)) {
      return;
    }
    if (relaysAsleep && !(after instanceof Path.Udp)) {
      standbyRelays(false);
    }
    // the loss count starts again on the new path (losses reported now were the old path's)
    lossWindowStart = now;
    // the peer needs a moment to follow us to the new path; its acks come back there after that.
    // When the old path died, its replies in flight died with it, and the peer has to find out
    // for itself (c-toxcore: hundreds of milliseconds to give a dead relay up, then a repair over
    // TCP only for packets sent more than 500 ms ago): no stall verdict on the new path before.
    stallGraceUntil =
        now + Math.max(PathTable.FOLLOW_MILLIS + 2 * rtt.rtt(), lostOld ? LOST_PATH_GRACE : 0);
    sentAtWindowStart = out.sentNew();
    lostAtWindowStart = out.reportedLost();
    boolean keyed = s.handshake.channel() != null;
    if (before != null) {
      switches++;
      log.debug("net_crypto {}: data path {} -> {} (lost: {})", s, before, after, lostOld);
      if (lostOld && keyed) {
        s.send.resendInFlight(now);
      }
    }
    s.connection.statusChanged();
    if (keyed) {
      s.send
          .sendRequest(); // an ack on the new path at once: ours on the old one may have been lost
    }
    s.send.pump();
  }

  /** Every tick: keepalives, stall and loss verdicts, the paths' ageing, relays asleep or awake. */
  void tick(long now) {
    if (now - lastKeepaliveAt >= KEEPALIVE_INTERVAL) {
      lastKeepaliveAt = now;
      for (Path p : paths.others(now)) {
        s.send.sendKeepalive(p);
      }
    }
    // a repair waits resendAfter() before going out: a stall is longer than two of those
    long stallAfter =
        Math.max(STALL_MILLIS, Math.max(4 * rtt.rtt(), 2 * rtt.resendAfter()))
            << Math.min(stallsWithoutProgress, 5);
    // no verdict while the peer has not found out that the old path died: our data reaches it,
    // its acks go to the dead path; blaming the new path would send the data where the peer may
    // not be (a relay it holds no route for us on drops it)
    if (now >= stallGraceUntil && out.stalled(now, stallAfter) && !peerUnaware(now)) {
      stallsWithoutProgress++;
      if (relaysAsleep) {
        standbyRelays(false); // the relays are the way out: wake them before choosing
      }
      if (paths.hasOtherUp()) {
        log.debug("net_crypto {}: stalled on {}", s, paths.best());
        paths.suspectBest(now);
        reselect(true);
      } else {
        // no other path to try (the rest are down): no verdict, which would only make a path
        // coming back look better than this one; send what is in flight again, here
        log.debug("net_crypto {}: stalled on {}, the only path up", s, paths.best());
        s.send.resendInFlight(now);
      }
    }
    reselect(false); // paths age: the chosen one may have gone quiet
    leaveALossyPath(now);
    sleepOrWakeRelays(now);
  }

  private void leaveALossyPath(long now) {
    if (now - lossWindowStart < 1_000) {
      return;
    }
    long sent = out.sentNew() - sentAtWindowStart;
    long lost = out.reportedLost() - lostAtWindowStart;
    lossWindowStart = now;
    sentAtWindowStart = out.sentNew();
    lostAtWindowStart = out.reportedLost();
    if (sent >= LOSS_SAMPLE && lost > LOSSY_PATH * sent && paths.hasAlternative(now)) {
      log.debug("net_crypto {}: {} of {} packets lost on {}", s, lost, sent, paths.best());
      paths.suspectBest(now);
      reselect(true);
    }
  }

  private void sleepOrWakeRelays(long now) {
    if (relaysAsleep && !paths.bestIsAlive(now)) {
      standbyRelays(false); // UDP went quiet (8 s in c-toxcore; 3 s here)
      reselect(true);
      return;
    }
    if (paths.best() instanceof Path.Udp) {
      if (directSince < 0) {
        directSince = now;
      } else if (!relaysAsleep && now - directSince >= SLEEP_RELAYS_AFTER) {
        standbyRelays(true);
      }
    } else {
      directSince = -1;
      if (relaysAsleep) {
        standbyRelays(false);
      }
    }
  }

  private void standbyRelays(boolean asleep) {
    relaysAsleep = asleep;
    for (Path p : paths.paths()) {
      if (p instanceof Path.Relay) {
        s.engine.standby(p, asleep);
        if (!asleep) {
          // "down" while asleep was our own doing, not news about the relay: it may carry data
          // again at once (out of band until the route is back), the transport says if it cannot
          paths.down(p, false, s.now());
        }
      }
    }
  }

  /** Whether the relay paths are on standby (direct UDP carries the data). */
  boolean relaysAsleep() {
    return relaysAsleep;
  }

  /** How often the data path changed. */
  long switches() {
    return switches;
  }
}
