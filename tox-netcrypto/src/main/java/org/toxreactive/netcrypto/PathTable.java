package org.toxreactive.netcrypto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.transport.Path;

/**
 * The paths of one connection (direct UDP and every relay both sides share) with the evidence about
 * each, and the choice of the path data goes out on (docs/protocol.md 4.15, docs/architecture.md
 * 2.2).
 *
 * <p>Evidence is the session's own: a path is <em>alive</em> while packets from the peer that
 * decrypt keep arriving on it (every path carries a keepalive each second, so a quiet connection
 * still knows which paths work); it is <em>suspect</em> for a while after data sent on it went
 * unacknowledged; <em>down</em> when its transport says so (relay link closed); <em>failed</em>
 * after {@link #DECRYPT_FAILURES} packets on it failed to decrypt (a relay tampering with them).
 *
 * <p>The choice is sticky, so status does not flap: fresh direct UDP wins; otherwise the current
 * path stays while it is alive; otherwise the first alive relay in relay-key order, which is the
 * same order on both sides, so the two peers converge on the same relay. Then a suspect relay the
 * peer is heard on now (a relay routes both ways). When nothing is alive, a path with a sign of the
 * peer (heard on it once, or reported up by its transport) goes before one without, suspect or not.
 * A path that is down is never chosen while another one is not (suspect or not). Not thread-safe.
 */
final class PathTable {
  /** A path is alive while the peer was heard on it this recently (three keepalives). */
  static final long ALIVE_MILLIS = 3_000;

  /** How long a path whose data went unacknowledged is passed over. */
  static final long SUSPECT_MILLIS = 5_000;

  /**
   * Packets failing to decrypt on one path within {@link #FAILURE_WINDOW_MILLIS} before it is given
   * up. An honest relay never corrupts a packet (TCP and the relay link's own encryption see to
   * that), so a few are proof enough; one alone could be a stray packet of an old session.
   */
  static final int DECRYPT_FAILURES = 3;

  static final long FAILURE_WINDOW_MILLIS = 10_000;

  /**
   * The peer moved: its traffic arrives on another path while the chosen one has been silent this
   * long. Three packets within this time are traffic, not keepalives (one a second).
   */
  static final long FOLLOW_MILLIS = 100;

  static final int FOLLOW_PACKETS = 3;

  static final class Entry {
    final Path path;
    long heardAt = Long.MIN_VALUE / 2;
    long suspectUntil = Long.MIN_VALUE / 2;
    boolean down;
    long downAt;
    boolean failed;

    /** The peer was heard on it, or its transport reported it up (a route to the peer there). */
    boolean vouched;

    int decryptFailures;
    long failureWindowStart = Long.MIN_VALUE / 2;
    long burstStart = Long.MIN_VALUE / 2;
    int burst;

    Entry(Path path) {
      this.path = path;
    }

    boolean alive(long now) {
      return now - heardAt < ALIVE_MILLIS;
    }

    boolean usable(long now) {
      return !down && !failed && now >= suspectUntil;
    }

    @Override
    public String toString() {
      return path
          + (down ? " down" : "")
          + (failed ? " failed" : "")
          + (vouched ? " vouched" : "")
          + " heard@"
          + heardAt
          + " suspect<"
          + suspectUntil;
    }
  }

  /** Direct UDP first, then relays by relay key: the same order on both sides of a connection. */
  private static final Comparator<Entry> PREFERENCE =
      Comparator.comparingInt((Entry e) -> e.path instanceof Path.Udp ? 0 : 1)
          .thenComparing(
              (x, y) ->
                  x.path instanceof Path.Relay a && y.path instanceof Path.Relay b
                      ? Arrays.compareUnsigned(a.relay().toArray(), b.relay().toArray())
                      : 0);

  private final Map<Path, Entry> entries = new LinkedHashMap<>();
  private @Nullable Entry best;

  /** Adds a path; false if it was known. */
  boolean add(Path p) {
    if (entries.containsKey(p)) {
      return false;
    }
    entries.put(p, new Entry(p));
    return true;
  }

  boolean contains(Path p) {
    return entries.containsKey(p);
  }

  List<Path> paths() {
    return List.copyOf(entries.keySet());
  }

  @Nullable Path best() {
    return best == null ? null : best.path;
  }

  /**
   * Whether the chosen path is alive: the peer was heard on it within {@link #ALIVE_MILLIS} and its
   * transport has not said it is down or failed (suspect or not: a suspect path still works).
   */
  boolean bestIsHeard(long now) {
    return best != null && !best.down && !best.failed && best.alive(now);
  }

  /** Whether the chosen path is usable and the peer was heard on it lately. */
  boolean bestIsAlive(long now) {
    return best != null && best.usable(now) && best.alive(now);
  }

  /**
   * A packet from the peer decrypted on {@code p}. Returns true if the peer has visibly moved to
   * {@code p}: traffic on it while the chosen path has gone quiet (the peer found the chosen path
   * dead before we did; the chosen one is then made suspect, the caller chooses again).
   */
  boolean heard(Path p, long now) {
    Entry e = entries.get(p);
    if (e == null) {
      return false;
    }
    if (now - e.burstStart > FOLLOW_MILLIS) {
      e.burstStart = now;
      e.burst = 0;
    }
    e.burst++;
    Entry chosen = best;
    boolean moved = false;
    if (chosen != null
        && e != chosen
        && e.burst >= FOLLOW_PACKETS
        && now - chosen.heardAt > FOLLOW_MILLIS
        && e.usable(now)) {
      chosen.suspectUntil = now + SUSPECT_MILLIS;
      moved = true;
    }
    {
      e.heardAt = now;
      e.vouched = true;
      if (e.down && now - e.downAt > ALIVE_MILLIS) {
        e.down = false; // a stale verdict: the transport may not report recovery, packets do
      }
      // a suspect path stays suspect for its time even if the peer's packets still come in:
      // that it works towards us says nothing about our data going the other way
    }
    return moved;
  }

  /**
   * The peer's handshake came on {@code p}: its end of the connection lives there, so data goes
   * there unless fresh direct UDP wins (see {@link #choose}). A c-toxcore peer accepts our
   * handshake on one relay and is routed to us on that relay only; data reaching it out of band on
   * another relay (where its stateless cookie response may have come from first) is dropped.
   * Returns true if the choice changed.
   */
  boolean adopt(Path p, long now) {
    Entry e = entries.get(p);
    if (e == null || e == best || !e.usable(now)) {
      return false;
    }
    if (best != null && best.path instanceof Path.Udp && best.usable(now) && best.alive(now)) {
      return false;
    }
    best = e;
    return true;
  }

  /** Returns true when this failure makes the path failed (report it once). */
  boolean decryptFailed(Path p, long now) {
    Entry e = entries.get(p);
    if (e == null || e.failed) {
      return false;
    }
    if (now - e.failureWindowStart > FAILURE_WINDOW_MILLIS) {
      e.failureWindowStart = now;
      e.decryptFailures = 0;
    }
    e.decryptFailures++;
    if (e.decryptFailures >= DECRYPT_FAILURES) {
      e.failed = true;
      return true;
    }
    return false;
  }

  void down(Path p, boolean isDown, long now) {
    Entry e = entries.get(p);
    if (e != null) {
      e.down = isDown;
      e.downAt = now;
    }
  }

  /**
   * The transport reported {@code p} usable: a relay that routes us to the peer. Such a path, like
   * one the peer was heard on, is preferred over a path with no sign of the peer at all (a relay we
   * were told of and the peer is not routed on: data sent there is dropped).
   */
  void reportedUp(Path p) {
    Entry e = entries.get(p);
    if (e != null) {
      e.vouched = true;
    }
  }

  /** Data on the chosen path went unacknowledged (none chosen yet: nothing to suspect). */
  void suspectBest(long now) {
    if (best != null) {
      best.suspectUntil = now + SUSPECT_MILLIS;
    }
  }

  void suspect(Path p, long now) {
    Entry e = entries.get(p);
    if (e != null) {
      e.suspectUntil = now + SUSPECT_MILLIS;
    }
  }

  /** Whether a path other than the chosen one is neither down nor failed (suspect or not). */
  boolean hasOtherUp() {
    for (Entry e : entries.values()) {
      if (e != best && !e.down && !e.failed) {
        return true;
      }
    }
    return false;
  }

  /** Whether a path other than the chosen one is usable and alive. */
  boolean hasAlternative(long now) {
    for (Entry e : entries.values()) {
      if (e != best && e.usable(now) && e.alive(now)) {
        return true;
      }
    }
    return false;
  }

  /** Paths other than the best that may carry a keepalive now. */
  List<Path> others(long now) {
    List<Path> out = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e != best && !e.down && !e.failed) {
        out.add(e.path);
      }
    }
    return out;
  }

  /** Paths a handshake or a kill goes out on: all but the failed and the down ones. */
  List<Path> live() {
    List<Path> out = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (!e.down && !e.failed) {
        out.add(e.path);
      }
    }
    return out.isEmpty() ? paths() : out;
  }

  /**
   * Chooses the path for data (see the class javadoc) and returns it; {@code null} only if no path
   * is known.
   */
  @Nullable Path choose(long now) {
    List<Entry> ordered = new ArrayList<>(entries.values());
    ordered.sort(PREFERENCE);
    Entry pick = null;
    for (Entry e : ordered) {
      if (e.path instanceof Path.Udp && e.usable(now) && e.alive(now)) {
        pick = e;
        break;
      }
    }
    if (pick == null && best != null && best.usable(now) && best.alive(now)) {
      pick = best;
    }
    if (pick == null) {
      pick = first(ordered, e -> e.usable(now) && e.alive(now));
    }
    if (pick == null && best != null && hearsThePeer(best, now)) {
      pick = best;
    }
    if (pick == null) {
      // a relay passed over for losing our data, on which the peer is heard now: it is routed to
      // us there, and a relay routes a pair both ways or not at all (docs/protocol.md 2.5), so our
      // data reaches it there too. What went unacknowledged went while its replies died with a
      // relay it had not given up yet. Before the relays with no sign of the peer, or one with a
      // stale sign (a cookie response, answered out of band even where it holds no route for us
      // and drops our data: docs/protocol.md 3). Without this, data stayed on such a relay until
      // the suspicion of the one the peer was on ran out (RelayKillCToxcorePeerTest: 6 s)
      pick = lastHeard(ordered, e -> hearsThePeer(e, now));
    }
    if (pick == null && best != null && best.usable(now)) {
      pick = best; // nothing alive: keep trying where we were
    }
    if (pick == null) {
      pick = first(ordered, e -> e.usable(now) && e.vouched);
    }
    if (pick == null && best != null && !best.down && !best.failed && best.vouched) {
      // a suspect path the peer uses beats one with no sign of the peer: a c-toxcore peer is
      // heard only on the relay it sends on, and a relay it is not routed on drops our data
      pick = best;
    }
    if (pick == null) {
      // the same for another suspect path, the one heard last first: when the peer moved off a
      // relay (which made it suspect) to one that then died, the relay it left still routes us
      // to it (seen: 4.7 s on a relay c-toxcore was not on, until the suspicion ran out)
      pick = lastHeard(ordered, e -> !e.down && !e.failed && e.vouched);
    }
    if (pick == null) {
      pick = first(ordered, e -> e.usable(now));
    }
    if (pick == null && best != null && !best.down && !best.failed) {
      pick = best; // only suspect paths left: stay where we are
    }
    if (pick == null) {
      // one that lost our data may work again; a path whose transport says it is down does not
      // (its relay link closed): it is chosen only when every other path is down or failed
      pick = first(ordered, e -> !e.down && !e.failed);
    }
    if (pick == null) {
      pick = first(ordered, e -> !e.failed);
    }
    if (pick == null && !ordered.isEmpty()) {
      pick = ordered.get(0);
    }
    best = pick;
    return best();
  }

  /**
   * A relay, suspect or not, neither down nor failed, the peer was heard on lately. Not direct UDP:
   * that the peer's datagrams reach us says nothing about ours reaching it.
   */
  private static boolean hearsThePeer(Entry e, long now) {
    return e.path instanceof Path.Relay && !e.down && !e.failed && e.alive(now);
  }

  /** Of the entries matching {@code p}, the one the peer was heard on last (ties: list order). */
  private static @Nullable Entry lastHeard(List<Entry> es, java.util.function.Predicate<Entry> p) {
    Entry found = null;
    for (Entry e : es) {
      if (p.test(e) && (found == null || e.heardAt > found.heardAt)) {
        found = e;
      }
    }
    return found;
  }

  private static @Nullable Entry first(List<Entry> es, java.util.function.Predicate<Entry> p) {
    for (Entry e : es) {
      if (p.test(e)) {
        return e;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "paths=" + entries.values() + " best=" + best();
  }
}
