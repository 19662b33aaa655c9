package org.toxreactive.transport.tcp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Path;
import org.toxreactive.core.transport.PathEvent;

/**
 * The relay pool's rules as a pure state machine: no sockets, no threads, no clocks (the rules
 * themselves are in {@link RelayPool}'s javadoc; docs/protocol.md section 3). The I/O layer ({@link
 * RelayPool}) feeds it what its links report and what the user asks; it answers through {@link
 * Output}, synchronously, from inside the call. Decided here: which relays are active, spare or
 * dropped and who replaces whom; which relay carries a route to which peer (at most {@link
 * RelayPool#MAX_RELAYS_PER_PEER}); what a link coming up or going down does to the routes on it;
 * what the relay's routing response and connect/disconnect notifications do; verdicts and the blame
 * threshold; sleeping and waking; when the pool is first ready.
 *
 * <pre>{@code
 * RelayPoolRules rules = new RelayPoolRules(relays, active, output); // startLink for each active
 * rules.linkUp(relay, instance, link);        // requestRoute for every wanted, awake peer; ready
 * rules.route(peer);                          // wanted on every active relay, at most 6
 * rules.routeAssigned(relay, link, peer, id); // the relay answered the routing request
 * rules.peerOnline(relay, link, id, peer);    // pathEvent(up)
 * rules.pathFailed(relay, peer, "bad data");  // give up one path, or drop the relay
 * rules.exhausted(relay, instance, cause);    // reconnects gave up: the next spare takes over
 * rules.addRelay(relayE);                      // grows the pool (active, spare, or replaces a dead one)
 * }</pre>
 *
 * <p>A link is named by two numbers: the {@code instance} the rules give each relay when they make
 * it active (so a late report of an earlier stint of the same relay changes nothing), and the
 * {@code link} id the I/O layer gives each connection it makes (so a late event of a closed
 * connection changes nothing). Reconnect timing (the backoff) belongs to each link's {@link
 * RelayClient#connectForever()}; the rules only hear its outcome: up, down, exhausted.
 *
 * <p>Single writer: every mutating call must come from one lane at a time (the pool serialises
 * them). The read views ({@link #active}, {@link #isSpare}, {@link Relay#route}, {@link
 * Relay#givenUpReason}, {@link Relay#link}) may be read from any thread: the send path reads them
 * without joining the lane.
 */
final class RelayPoolRules {
  /** What the rules ask the I/O layer to do. Called from inside the rules' methods. */
  interface Output {
    /**
     * Start connecting to {@code relay} (forever, with backoff); its reports carry {@code
     * instance}.
     */
    void startLink(RelayAddress relay, long instance);

    /** Stop the links of {@code relay} for good and close the live one, if any. */
    void stopLink(PublicKey relay, long instance);

    /** Send a routing request for {@code peer} on live link {@code link} of {@code relay}. */
    void requestRoute(PublicKey relay, long link, PublicKey peer);

    /** Free {@code connectionId} on live link {@code link} of {@code relay}. */
    void release(PublicKey relay, long link, int connectionId);

    /** Tell the pool's subscribers. */
    void pathEvent(PathEvent event);

    /** A link to some relay came up for the first time in the pool's life. */
    void ready();
  }

  /** What {@link #addRelay} did with a relay. */
  enum Added {
    /** Taken as an active relay: its link starts. */
    ACTIVE,
    /** Taken as an active relay in the place of a dead one, which became the last spare. */
    REPLACED_ACTIVE,
    /** Queued as the last spare. */
    SPARE,
    /** Queued as the last spare in the place of a dead spare, which was forgotten. */
    REPLACED_SPARE,
    /** Already known (active, spare or dropped for good): nothing changed. */
    KNOWN,
    /** The pool holds {@link RelayPool#MAX_RELAYS} relays and none is dead: not taken. */
    FULL,
    /** The pool is closed. */
    CLOSED;

    /** Whether the relay was taken. */
    boolean taken() {
      return this == ACTIVE || this == REPLACED_ACTIVE || this == SPARE || this == REPLACED_SPARE;
    }
  }

  /**
   * A wanted route on one relay. {@code link} and {@code connectionId} are set once the relay
   * assigned an id on that link (link 0: not assigned); usable only while {@code link} is live.
   */
  record Route(long link, int connectionId, boolean online, boolean sleeping) {
    static final Route WANTED = new Route(0, -1, false, false);
    static final Route ASLEEP = new Route(0, -1, false, true);

    boolean assignedOn(long live) {
      return live != 0 && link == live;
    }

    PeerRoute.State state(long live) {
      if (sleeping) {
        return PeerRoute.State.SLEEPING;
      }
      if (!assignedOn(live)) {
        return PeerRoute.State.REQUESTED;
      }
      return online ? PeerRoute.State.ONLINE : PeerRoute.State.REGISTERED;
    }
  }

  /** An active relay: its live link and the routes wanted on it (they outlive each link). */
  static final class Relay {
    final RelayAddress address;
    final long instance;
    private final Map<PublicKey, Route> routes = new ConcurrentHashMap<>();
    private final Map<PublicKey, String> givenUp = new ConcurrentHashMap<>();
    private final Set<PublicKey> blamed = new HashSet<>();
    private volatile long link; // 0 while (re)connecting
    private long connects;
    private String lastFailure = "";

    Relay(RelayAddress address, long instance) {
      this.address = address;
      this.instance = instance;
    }

    PublicKey key() {
      return address.publicKey();
    }

    /** Whether its link is down after a failure (not merely connecting for the first time). */
    boolean dead() {
      return link == 0 && !lastFailure.isEmpty();
    }

    /** The live link's id, or 0 while (re)connecting. Any thread. */
    long link() {
      return link;
    }

    /** The route wanted to {@code peer}, or null. Any thread. */
    @Nullable Route route(PublicKey peer) {
      return routes.get(peer);
    }

    /** Why this relay was given up for {@code peer}, or null. Any thread. */
    @Nullable String givenUpReason(PublicKey peer) {
      return givenUp.get(peer);
    }

    Path path(PublicKey peer) {
      return Path.relay(address.publicKey(), peer);
    }

    RelayStatus status(RelayStatus.Role role) {
      long live = link;
      int wanted = 0;
      int online = 0;
      for (Route r : routes.values()) {
        if (!r.sleeping()) {
          wanted++;
          if (r.online() && r.assignedOn(live)) {
            online++;
          }
        }
      }
      return new RelayStatus(address, role, live != 0, wanted, online, connects, lastFailure);
    }
  }

  private final Output out;
  private final Map<PublicKey, Relay> active = new ConcurrentHashMap<>();
  private final Set<PublicKey> spareKeys = ConcurrentHashMap.newKeySet();
  private final List<Relay> order = new ArrayList<>();
  private final Deque<RelayAddress> spares = new ArrayDeque<>();
  private final Map<PublicKey, RelayStatus> retired = new LinkedHashMap<>();
  private final Set<PublicKey> routed =
      new java.util.LinkedHashSet<>(); // route() wanted, awake or not
  private final int activeLimit;
  private @Nullable List<Relay> pending; // active relays whose links start() starts
  private long instances;
  private boolean ready;
  private boolean closed;

  /**
   * The first {@code activeCount} of {@code relays} become active (startLink each), the rest spare.
   */
  RelayPoolRules(List<RelayAddress> relays, int activeCount, Output out) {
    this.out = out;
    this.activeLimit = activeCount;
    List<Relay> started = new ArrayList<>();
    for (RelayAddress relay : relays) {
      if (order.size() < activeCount) {
        Relay r = new Relay(relay, ++instances);
        order.add(r);
        active.put(r.key(), r);
        started.add(r);
      } else {
        spares.addLast(relay);
        spareKeys.add(relay.publicKey());
      }
    }
    this.pending = started;
  }

  /** Starts the links of the first active relays (once, after construction). */
  void start() {
    List<Relay> p = pending;
    pending = null;
    if (p != null && !closed) {
      p.forEach(r -> out.startLink(r.address, r.instance));
    }
  }

  // ---------------------------------------------------------------- read views (any thread)

  @Nullable Relay active(PublicKey relay) {
    return active.get(relay);
  }

  boolean isSpare(PublicKey relay) {
    return spareKeys.contains(relay);
  }

  int activeCount() {
    return active.size();
  }

  int spareCount() {
    return spareKeys.size();
  }

  // ---------------------------------------------------------------- link reports

  /** Link {@code link} of {@code relay} is up: every wanted, awake peer is requested on it. */
  void linkUp(PublicKey relay, long instance, long link) {
    Relay r = current(relay, instance);
    if (r == null) {
      return; // the I/O layer closes a link that is no longer wanted
    }
    r.link = link;
    r.connects++;
    r.lastFailure = "";
    List<PublicKey> awake = new ArrayList<>();
    r.routes.replaceAll((peer, route) -> route.sleeping() ? route : Route.WANTED);
    r.routes.forEach(
        (peer, route) -> {
          if (!route.sleeping()) {
            awake.add(peer);
          }
        });
    awake.forEach(peer -> out.requestRoute(relay, link, peer));
    if (!ready) {
      ready = true;
      out.ready();
    }
  }

  /** Link {@code link} of {@code relay} closed: every awake route on it goes down. */
  void linkDown(PublicKey relay, long instance, long link, String cause) {
    Relay r = current(relay, instance);
    if (r == null || r.link != link || link == 0) {
      return;
    }
    r.link = 0;
    r.lastFailure = cause;
    String reason = "relay link closed: " + cause;
    r.routes.forEach(
        (peer, route) -> {
          if (!route.sleeping()) {
            out.pathEvent(PathEvent.down(r.path(peer), reason));
          }
        });
    r.routes.replaceAll((peer, route) -> route.sleeping() ? route : Route.WANTED);
  }

  /** {@code relay}'s reconnect policy gave up: it becomes the last spare. */
  void exhausted(PublicKey relay, long instance, String cause) {
    Relay r = current(relay, instance);
    if (r != null) {
      drop(r, "relay unreachable: " + cause, false);
    }
  }

  // ---------------------------------------------------------------- relay notifications

  /** The relay answered our routing request for {@code peer} with {@code connectionId}. */
  void routeAssigned(PublicKey relay, long link, PublicKey peer, int connectionId) {
    Relay r = live(relay, link);
    if (r == null) {
      return;
    }
    Route route = r.routes.get(peer);
    if (route == null || route.sleeping()) {
      out.release(relay, link, connectionId); // given up or put to sleep while the request was out
      return;
    }
    boolean online = route.assignedOn(link) && route.online();
    r.routes.put(peer, new Route(link, connectionId, online, false));
  }

  /** The relay says {@code peer} routed to us too: data can flow. */
  void peerOnline(PublicKey relay, long link, int connectionId, PublicKey peer) {
    Relay r = live(relay, link);
    if (r == null) {
      return;
    }
    Route route = r.routes.get(peer);
    if (route == null || route.sleeping()) {
      out.release(relay, link, connectionId);
      return;
    }
    r.routes.put(peer, new Route(link, connectionId, true, false));
    if (!(route.assignedOn(link) && route.online())) {
      out.pathEvent(PathEvent.up(r.path(peer)));
    }
  }

  /** The relay says {@code peer} went away (its route stays registered). */
  void peerOffline(PublicKey relay, long link, int connectionId, PublicKey peer) {
    Relay r = live(relay, link);
    if (r == null) {
      return;
    }
    Route route = r.routes.get(peer);
    if (route != null && route.assignedOn(link) && route.online()) {
      r.routes.put(peer, new Route(link, connectionId, false, false));
      out.pathEvent(PathEvent.down(r.path(peer), "peer went offline on the relay"));
    }
  }

  // ---------------------------------------------------------------- user commands

  /** Wants {@code peer} on every active relay up to the per-peer limit; relays holding it. */
  int route(PublicKey peer) {
    if (!closed) {
      routed.add(peer);
    }
    int n = relaysOf(peer);
    for (Relay r : order) {
      if (n >= RelayPool.MAX_RELAYS_PER_PEER) {
        break;
      }
      if (addRoute(r, peer, false)) {
        n++;
      }
    }
    return n;
  }

  /**
   * A send to {@code peer} via {@code relay} found no route there: want one, within the limit, and
   * asleep if the peer sleeps elsewhere.
   */
  void autoRoute(PublicKey relay, PublicKey peer) {
    Relay r = active.get(relay);
    if (closed || r == null || relaysOf(peer) >= RelayPool.MAX_RELAYS_PER_PEER) {
      return;
    }
    addRoute(r, peer, sleepsElsewhere(peer));
  }

  /** Forgets {@code peer} on every relay: routes disconnected, not made again. */
  void unroute(PublicKey peer) {
    routed.remove(peer);
    for (Relay r : order) {
      unroute(r, peer, null);
    }
  }

  /** Gives up {@code peer}'s routes for now, remembering them; online ones go down. */
  void sleep(PublicKey peer) {
    for (Relay r : order) {
      Route route = r.routes.get(peer);
      if (route == null || route.sleeping()) {
        continue;
      }
      r.routes.put(peer, Route.ASLEEP);
      release(r, route);
      if (route.online() && route.assignedOn(r.link)) {
        out.pathEvent(PathEvent.down(r.path(peer), "peer asleep: reachable directly"));
      }
    }
  }

  /** Requests again the routes {@link #sleep} gave up. */
  void wake(PublicKey peer) {
    for (Relay r : order) {
      Route route = r.routes.get(peer);
      if (route == null || !route.sleeping()) {
        continue;
      }
      r.routes.put(peer, Route.WANTED);
      if (r.link != 0) {
        out.requestRoute(r.key(), r.link, peer);
      }
    }
  }

  /** A verdict on the path to {@code peer} (not the relay's own key) via {@code relay}. */
  void pathFailed(PublicKey relay, PublicKey peer, String why) {
    Relay r = active.get(relay);
    if (closed || r == null) {
      return;
    }
    if (r.routes.containsKey(peer)) {
      r.blamed.add(peer); // only routed peers are evidence: anyone can OOB us garbage
    }
    if (r.blamed.size() >= RelayPool.BLAME_THRESHOLD) {
      drop(r, "paths to " + r.blamed.size() + " peers failed, last: " + why, true);
    } else {
      unroute(r, peer, why);
    }
  }

  /**
   * Grows the pool by {@code relay} (docs/protocol.md 14.5). Idempotent: a relay already active,
   * spare or dropped for good changes nothing. While fewer than the pool's active count are active
   * it becomes active at once (its link starts) and every peer {@link #route}d that has fewer than
   * {@link RelayPool#MAX_RELAYS_PER_PEER} relays is wanted on it. Otherwise it takes the place of
   * the first dead active relay (link down after a failure), which becomes the last spare and
   * leaves it its peers; else it is queued as the last spare while the pool holds fewer than {@link
   * RelayPool#MAX_RELAYS}; else it replaces the first dead spare (one that left the active set
   * unreachable or dead), which is forgotten; else it is refused.
   */
  Added addRelay(RelayAddress relay) {
    if (closed) {
      return Added.CLOSED;
    }
    PublicKey key = relay.publicKey();
    if (active.containsKey(key) || spareKeys.contains(key) || retired.containsKey(key)) {
      return Added.KNOWN;
    }
    List<Relay> notStarted = pending;
    if (notStarted != null) { // before start(): queued as the constructor would have
      if (order.size() < activeLimit) {
        Relay r = new Relay(relay, ++instances);
        order.add(r);
        active.put(key, r);
        notStarted.add(r);
        return Added.ACTIVE;
      }
    } else if (order.size() < activeLimit) {
      Relay r = new Relay(relay, ++instances);
      for (PublicKey peer : routed) {
        if (relaysOf(peer) < RelayPool.MAX_RELAYS_PER_PEER) {
          addRoute(r, peer, sleepsElsewhere(peer));
        }
      }
      order.add(r);
      active.put(key, r);
      out.startLink(relay, r.instance);
      return Added.ACTIVE;
    } else {
      for (Relay r : order) {
        if (r.dead()) {
          spares.addFirst(relay); // drop() takes the first spare as the replacement
          spareKeys.add(key);
          drop(r, "replaced while down: " + r.lastFailure, false);
          return Added.REPLACED_ACTIVE;
        }
      }
    }
    if (order.size() + spares.size() < RelayPool.MAX_RELAYS) {
      spares.addLast(relay);
      spareKeys.add(key);
      return Added.SPARE;
    }
    for (RelayAddress spare : spares) {
      RelayStatus before = retired.get(spare.publicKey());
      if (before != null && before.role() == RelayStatus.Role.SPARE) {
        spares.remove(spare);
        spareKeys.remove(spare.publicKey());
        retired.remove(spare.publicKey());
        spares.addLast(relay);
        spareKeys.add(key);
        return Added.REPLACED_SPARE;
      }
    }
    return Added.FULL;
  }

  private boolean sleepsElsewhere(PublicKey peer) {
    for (Relay other : order) {
      Route route = other.routes.get(peer);
      if (route != null && route.sleeping()) {
        return true;
      }
    }
    return false;
  }

  /** Drops {@code relay} for good, if it is active. */
  void dropRelay(PublicKey relay, String why) {
    Relay r = active.get(relay);
    if (!closed && r != null) {
      drop(r, why, true);
    }
  }

  /** Closes every link for good; later calls change nothing. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    pending = null;
    List<Relay> all = List.copyOf(order);
    order.clear();
    active.clear();
    spares.clear();
    spareKeys.clear();
    routed.clear();
    for (Relay r : all) {
      r.routes.clear();
      r.link = 0;
      out.stopLink(r.key(), r.instance);
    }
  }

  // ---------------------------------------------------------------- status

  /** The active relays in order (a copy). */
  List<Relay> activeRelays() {
    return List.copyOf(order);
  }

  /** Active relays in order, then spares, then dropped ones. */
  List<RelayStatus> statuses() {
    List<RelayStatus> statuses = new ArrayList<>();
    order.forEach(r -> statuses.add(r.status(RelayStatus.Role.ACTIVE)));
    for (RelayAddress spare : spares) {
      RelayStatus before = retired.get(spare.publicKey());
      statuses.add(
          before != null
              ? before
              : new RelayStatus(spare, RelayStatus.Role.SPARE, false, 0, 0, 0, ""));
    }
    retired.values().stream()
        .filter(s -> s.role() == RelayStatus.Role.DROPPED)
        .forEach(statuses::add);
    return statuses;
  }

  // ---------------------------------------------------------------- rules

  private boolean addRoute(Relay r, PublicKey peer, boolean sleeping) {
    if (closed || r.givenUp.containsKey(peer) || r.routes.containsKey(peer)) {
      return false;
    }
    r.routes.put(peer, sleeping ? Route.ASLEEP : Route.WANTED);
    if (r.link != 0 && !sleeping) {
      out.requestRoute(r.key(), r.link, peer);
    }
    return true;
  }

  /** Stops routing to {@code peer} on {@code r}; with a verdict, for good. */
  private void unroute(Relay r, PublicKey peer, @Nullable String verdict) {
    if (verdict != null) {
      r.givenUp.put(peer, verdict);
    }
    Route route = r.routes.remove(peer);
    if (route != null) {
      release(r, route);
    }
    if (verdict != null) {
      out.pathEvent(PathEvent.down(r.path(peer), "path given up: " + verdict));
    } else if (route != null && route.online() && route.assignedOn(r.link)) {
      out.pathEvent(PathEvent.down(r.path(peer), "route released"));
    }
  }

  /**
   * Takes {@code r} out of service, for good or to the back of the spares, and lets the first spare
   * take its place and its peers (those blamed on it included: the relay is the suspect now, not
   * them).
   */
  private void drop(Relay r, String note, boolean forGood) {
    boolean wasUp = r.link != 0;
    active.remove(r.key());
    order.remove(r);
    Map<PublicKey, Boolean> known = new LinkedHashMap<>();
    r.routes.forEach((peer, route) -> known.put(peer, route.sleeping()));
    r.blamed.forEach(peer -> known.putIfAbsent(peer, false));
    r.routes.clear();
    r.link = 0;
    out.stopLink(r.key(), r.instance);
    if (wasUp) {
      known.forEach(
          (peer, asleep) -> {
            if (!asleep) {
              out.pathEvent(PathEvent.down(r.path(peer), "relay dropped: " + note));
            }
          });
    }
    RelayAddress next = spares.pollFirst(); // before re-queuing, so a relay never replaces itself
    RelayStatus.Role role = forGood ? RelayStatus.Role.DROPPED : RelayStatus.Role.SPARE;
    retired.put(r.key(), new RelayStatus(r.address, role, false, 0, 0, r.connects, note));
    if (!forGood) {
      spares.addLast(r.address);
      spareKeys.add(r.key());
    }
    if (next != null) {
      spareKeys.remove(next.publicKey());
      retired.remove(next.publicKey());
      Relay replacement = new Relay(next, ++instances);
      known.forEach((peer, asleep) -> addRoute(replacement, peer, asleep));
      order.add(replacement);
      active.put(replacement.key(), replacement);
      out.startLink(next, replacement.instance);
    }
  }

  private void release(Relay r, Route route) {
    if (route.assignedOn(r.link)) {
      out.release(r.key(), r.link, route.connectionId());
    }
  }

  /**
   * Active relays holding a route to {@code peer}, those whose link was lost left out: a relay that
   * died must not hold one of the peer's {@value RelayPool#MAX_RELAYS_PER_PEER} places while it
   * reconnects (perhaps for ever), or the peer is never routed on the relays still up (as
   * c-toxcore, which frees a dead relay's place once its one reconnect failed, docs/protocol.md
   * 8.12). Its route stays wanted and comes back with its link.
   */
  private int relaysOf(PublicKey peer) {
    int n = 0;
    for (Relay r : order) {
      boolean linkLost = r.link == 0 && r.connects > 0;
      if (r.routes.containsKey(peer) && !linkLost) {
        n++;
      }
    }
    return n;
  }

  /** The active relay {@code relay} if it is still the stint {@code instance}. */
  private @Nullable Relay current(PublicKey relay, long instance) {
    Relay r = active.get(relay);
    return closed || r == null || r.instance != instance ? null : r;
  }

  /** The active relay {@code relay} if {@code link} is its live link. */
  private @Nullable Relay live(PublicKey relay, long link) {
    Relay r = active.get(relay);
    return closed || r == null || link == 0 || r.link != link ? null : r;
  }
}
