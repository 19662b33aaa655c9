package org.toxreactive.transport.tcp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.Path;
import org.toxreactive.core.transport.PathEvent;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * One relay of a {@link RelayPool}: a link kept up by {@link RelayClient#connectForever()} and the
 * routes the pool wants on it, which outlive each link (docs/protocol.md section 3: on every new
 * link a routing request goes out again for every wanted peer).
 *
 * <p>State changes happen under this object's monitor; the route table is a concurrent map of
 * immutable {@link Route}s, so the send path reads it without locking. Nothing is emitted and no
 * foreign code runs while the monitor is held: events are collected and handed to the {@link
 * Listener} afterwards, or returned to the pool, which emits them after releasing its own lock.
 * Events of a link are only believed while that link is {@link #current}: a late event from a
 * closed link changes nothing.
 */
final class RelayLink {
  private static final Logger log = LoggerFactory.getLogger(RelayLink.class);

  /** What the pool hears from its links. Called without any lock held. */
  interface Listener {
    void datagram(Datagram datagram);

    /** Relayed data on a connection id we hold no route on (the peer is unknown). */
    void unroutedData();

    void pathEvents(List<PathEvent> events);

    /** The reconnect policy gave up: the relay is unreachable. */
    void exhausted(RelayLink link, Throwable error);

    /** A link to the relay is up (handshake done), the first time or again. */
    default void connected(RelayLink link) {}

    /** An onion response (packet 9) on the link's current connection. */
    default void onionResponse(RelayLink link, Bytes packet) {}
  }

  /**
   * A wanted route. {@code conn} and {@code connectionId} are set once the relay assigned an id on
   * that link; the route is only usable while {@code conn} is still the current link.
   */
  record Route(RelayConnection conn, int connectionId, boolean online, boolean sleeping) {
    static final Route WANTED = new Route(null, -1, false, false);
    static final Route ASLEEP = new Route(null, -1, false, true);

    boolean assignedOn(RelayConnection c) {
      return c != null && conn == c;
    }

    PeerRoute.State state(RelayConnection current) {
      if (sleeping) {
        return PeerRoute.State.SLEEPING;
      }
      if (!assignedOn(current)) {
        return PeerRoute.State.REQUESTED;
      }
      return online ? PeerRoute.State.ONLINE : PeerRoute.State.REGISTERED;
    }
  }

  private final RelayAddress address;
  private final RelayClient client;
  private final Listener listener;
  private final Map<PublicKey, Route> routes = new ConcurrentHashMap<>();
  private final Map<PublicKey, String> givenUp = new ConcurrentHashMap<>();
  private volatile RelayConnection current;
  private volatile boolean closed;
  private volatile long connects;
  private volatile String lastFailure = "";
  private Disposable subscription; // guarded by this

  RelayLink(RelayAddress address, RelayClient client, Listener listener) {
    this.address = address;
    this.client = client;
    this.listener = listener;
  }

  RelayAddress address() {
    return address;
  }

  PublicKey key() {
    return address.publicKey();
  }

  /** The link now, or null while (re)connecting. */
  RelayConnection connection() {
    return current;
  }

  /**
   * Whether the link was up once and is down now (reconnecting); false while the first connect is
   * still under way.
   */
  boolean linkLost() {
    return current == null && connects > 0;
  }

  Route route(PublicKey peer) {
    return routes.get(peer);
  }

  boolean hasRoute(PublicKey peer) {
    return routes.containsKey(peer);
  }

  /** Why the pool stopped using this relay for {@code peer}, or null if it did not. */
  String givenUpReason(PublicKey peer) {
    return givenUp.get(peer);
  }

  void start() {
    Disposable d = client.connectForever().subscribe(this::onConnected, this::onExhausted);
    synchronized (this) {
      if (!closed) {
        subscription = d;
        return;
      }
    }
    d.dispose();
  }

  // ---------------------------------------------------------------- link life

  private void onConnected(RelayConnection c) {
    List<PublicKey> toRoute = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        c.dispose();
        return;
      }
      current = c;
      connects++;
      lastFailure = "";
      routes.replaceAll((peer, r) -> r.sleeping() ? r : Route.WANTED);
      routes.forEach(
          (peer, r) -> {
            if (!r.sleeping()) {
              toRoute.add(peer);
            }
          });
    }
    // Outside the monitor: the link's events are buffered until this subscription and may be
    // replayed on this thread.
    c.events().subscribe(e -> onEvent(c, e), err -> onClosed(c, err), () -> onClosed(c, null));
    toRoute.forEach(peer -> requestRoute(c, peer));
    listener.connected(this);
  }

  private void onClosed(RelayConnection c, Throwable error) {
    List<PathEvent> events = new ArrayList<>();
    synchronized (this) {
      if (c != current) {
        return;
      }
      current = null;
      String cause = error == null ? "closed locally" : describe(error);
      lastFailure = cause;
      String reason = "relay link closed: " + cause;
      routes.forEach(
          (peer, r) -> {
            if (!r.sleeping()) {
              events.add(PathEvent.down(path(peer), reason));
            }
          });
      routes.replaceAll((peer, r) -> r.sleeping() ? r : Route.WANTED);
    }
    listener.pathEvents(events);
  }

  private void onExhausted(Throwable error) {
    lastFailure = describe(error);
    if (!closed) {
      listener.exhausted(this, error);
    }
  }

  // ---------------------------------------------------------------- relay events

  private void onEvent(RelayConnection c, RelayEvent e) {
    if (e instanceof RelayEvent.DataReceived d) {
      if (d.peer() == null) {
        listener.unroutedData();
      } else {
        listener.datagram(new Datagram(path(d.peer()), d.payload()));
      }
      return;
    }
    if (e instanceof RelayEvent.OobReceived o) {
      listener.datagram(new Datagram(path(o.sender()), o.data()));
      return;
    }
    if (e instanceof RelayEvent.OnionResponseReceived o) {
      if (c == current) {
        listener.onionResponse(this, o.packet());
      }
      return;
    }
    PathEvent event = null;
    int unwanted = -1;
    synchronized (this) {
      if (c != current) {
        return;
      }
      if (e instanceof RelayEvent.RouteAssigned a) {
        Route r = routes.get(a.peer());
        if (r == null || r.sleeping()) {
          unwanted = a.connectionId(); // given up or put to sleep while the request was out
        } else {
          boolean online = r.assignedOn(c) && r.online();
          routes.put(a.peer(), new Route(c, a.connectionId(), online, false));
        }
      } else if (e instanceof RelayEvent.PeerOnline o) {
        Route r = routes.get(o.peer());
        if (r == null || r.sleeping()) {
          unwanted = o.connectionId();
        } else {
          routes.put(o.peer(), new Route(c, o.connectionId(), true, false));
          if (!(r.assignedOn(c) && r.online())) {
            event = PathEvent.up(path(o.peer()));
          }
        }
      } else if (e instanceof RelayEvent.PeerOffline o) {
        Route r = routes.get(o.peer());
        if (r != null && r.assignedOn(c) && r.online()) {
          routes.put(o.peer(), new Route(c, o.connectionId(), false, false));
          event = PathEvent.down(path(o.peer()), "peer went offline on the relay");
        }
      }
    }
    if (unwanted >= 0) {
      release(c, unwanted);
    }
    if (event != null) {
      listener.pathEvents(List.of(event));
    }
  }

  // ---------------------------------------------------------------- commands from the pool

  /**
   * Wants a route to {@code peer} from now on (asleep or awake). False if it is already wanted,
   * given up on this relay, or the link is closed for good.
   */
  boolean addRoute(PublicKey peer, boolean sleeping) {
    RelayConnection c;
    synchronized (this) {
      if (closed || givenUp.containsKey(peer) || routes.containsKey(peer)) {
        return false;
      }
      routes.put(peer, sleeping ? Route.ASLEEP : Route.WANTED);
      c = current;
    }
    if (c != null && !sleeping) {
      requestRoute(c, peer);
    }
    return true;
  }

  /** Gives up the route of {@code peer} for now, remembering it; events to emit. */
  List<PathEvent> sleep(PublicKey peer) {
    Route r;
    RelayConnection c;
    synchronized (this) {
      r = routes.get(peer);
      if (r == null || r.sleeping()) {
        return List.of();
      }
      routes.put(peer, Route.ASLEEP);
      c = current;
    }
    release(c, r);
    return r.online() && r.assignedOn(c)
        ? List.of(PathEvent.down(path(peer), "peer asleep: reachable directly"))
        : List.of();
  }

  /** Requests the route of a sleeping {@code peer} again. */
  void wake(PublicKey peer) {
    RelayConnection c;
    synchronized (this) {
      Route r = routes.get(peer);
      if (r == null || !r.sleeping()) {
        return;
      }
      routes.put(peer, Route.WANTED);
      c = current;
    }
    if (c != null) {
      requestRoute(c, peer);
    }
  }

  /** Stops routing to {@code peer}; with a reason, for good (a verdict). Events to emit. */
  List<PathEvent> unroute(PublicKey peer, String verdict) {
    Route r;
    RelayConnection c;
    synchronized (this) {
      if (verdict != null) {
        givenUp.put(peer, verdict);
      }
      r = routes.remove(peer);
      c = current;
    }
    if (r != null) {
      release(c, r);
    }
    if (verdict != null) {
      return List.of(PathEvent.down(path(peer), "path given up: " + verdict));
    }
    return r != null && r.online() && r.assignedOn(c)
        ? List.of(PathEvent.down(path(peer), "route released"))
        : List.of();
  }

  /**
   * Closes the link for good and forgets its routes. Returns the peers that were wanted here, each
   * with whether it was asleep, so that a spare relay can take them over.
   */
  Map<PublicKey, Boolean> close() {
    Map<PublicKey, Boolean> known = new HashMap<>();
    RelayConnection c;
    Disposable sub;
    synchronized (this) {
      closed = true;
      c = current;
      current = null;
      routes.forEach((peer, r) -> known.put(peer, r.sleeping()));
      routes.clear();
      sub = subscription;
      subscription = null;
    }
    if (sub != null) {
      sub.dispose(); // connectForever disposes its current link on cancel
    }
    if (c != null) {
      c.dispose();
    }
    return known;
  }

  RelayStatus status(RelayStatus.Role role) {
    RelayConnection c = current;
    int wanted = 0;
    int online = 0;
    for (Route r : routes.values()) {
      if (!r.sleeping()) {
        wanted++;
        if (r.online() && r.assignedOn(c)) {
          online++;
        }
      }
    }
    return new RelayStatus(address, role, c != null, wanted, online, connects, lastFailure);
  }

  // ---------------------------------------------------------------- helpers

  Mono<Void> sendRouted(Route r, Bytes data) {
    return r.conn().send(r.connectionId(), data);
  }

  Path path(PublicKey peer) {
    return Path.relay(address.publicKey(), peer);
  }

  private void requestRoute(RelayConnection c, PublicKey peer) {
    c.route(peer)
        .subscribe(
            id -> {},
            err -> log.debug("route to {} on {} not made: {}", peer, address, describe(err)));
  }

  /** Frees {@code r}'s connection id if it was assigned on the live link {@code c}. */
  private void release(RelayConnection c, Route r) {
    if (r.assignedOn(c)) {
      release(c, r.connectionId());
    }
  }

  private void release(RelayConnection c, int connectionId) {
    c.disconnect(connectionId)
        .subscribe(
            v -> {},
            err ->
                log.debug("disconnect {} on {} failed: {}", connectionId, address, describe(err)));
  }

  static String describe(Throwable error) {
    return error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
  }

  @Override
  public String toString() {
    return "RelayLink[" + address + (current != null ? ", up" : ", down") + "]";
  }
}
