package org.toxreactive.transport.tcp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.PathEvent;

/**
 * Which relays a {@link RelayPool} uses: the active links in order, the spares, the dropped ones,
 * and the verdicts against each active relay. Decides when a relay is dropped and who replaces it
 * (the rules are in {@link RelayPool}'s javadoc).
 *
 * <p>One monitor guards membership. Lookups on the send path ({@link #active}, {@link #isSpare})
 * read concurrent maps without it. Lock order is roster, then link; path events are emitted and new
 * links started only after the monitor is released, so subscriber code never runs under it.
 */
final class RelayRoster {
  private final PoolOutlets outlets;
  private final Function<RelayAddress, RelayLink> newLink;
  private final Map<PublicKey, RelayLink> active = new ConcurrentHashMap<>();
  private final Set<PublicKey> spareKeys = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();
  // Guarded by lock:
  private final List<RelayLink> order = new ArrayList<>();
  private final Deque<RelayAddress> spares = new ArrayDeque<>();
  private final Map<PublicKey, RelayStatus> retired = new LinkedHashMap<>();
  private final Map<PublicKey, Set<PublicKey>> blamed = new HashMap<>();
  private boolean closed;

  /** Path events to emit and links to start once the monitor is released. */
  private static final class Effects {
    final List<PathEvent> events = new ArrayList<>();
    final List<RelayLink> toStart = new ArrayList<>();
  }

  RelayRoster(
      List<RelayAddress> relays,
      int activeCount,
      PoolOutlets outlets,
      Function<RelayAddress, RelayLink> newLink) {
    this.outlets = outlets;
    this.newLink = newLink;
    for (RelayAddress relay : relays) {
      if (order.size() < activeCount) {
        RelayLink link = newLink.apply(relay);
        order.add(link);
        active.put(link.key(), link);
      } else {
        spares.addLast(relay);
        spareKeys.add(relay.publicKey());
      }
    }
  }

  void startAll() {
    links().forEach(RelayLink::start);
  }

  RelayLink active(PublicKey relay) {
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

  List<RelayLink> links() {
    synchronized (lock) {
      return List.copyOf(order);
    }
  }

  /** Closes every link for good; later calls change nothing. */
  void closeAll() {
    List<RelayLink> links;
    synchronized (lock) {
      closed = true;
      links = List.copyOf(order);
      order.clear();
      active.clear();
      spares.clear();
      spareKeys.clear();
    }
    links.forEach(RelayLink::close);
  }

  // ---------------------------------------------------------------- routes

  /** Wants {@code peer} on every active relay up to the per-peer limit; relays holding it. */
  int route(PublicKey peer) {
    synchronized (lock) {
      int n = relaysOf(peer);
      for (RelayLink link : order) {
        if (n >= RelayPool.MAX_RELAYS_PER_PEER) {
          break;
        }
        if (link.addRoute(peer, false)) {
          n++;
        }
      }
      return n;
    }
  }

  /** A send found no route to {@code peer} on {@code link}: want one, within the limit. */
  void autoRoute(RelayLink link, PublicKey peer) {
    synchronized (lock) {
      if (closed
          || active.get(link.key()) != link
          || relaysOf(peer) >= RelayPool.MAX_RELAYS_PER_PEER) {
        return;
      }
      boolean asleep = false;
      for (RelayLink l : order) {
        RelayLink.Route r = l.route(peer);
        asleep |= r != null && r.sleeping();
      }
      link.addRoute(peer, asleep);
    }
  }

  /** Applies {@code op} to every active link and emits the path events it returns. */
  void forEachLink(Function<RelayLink, List<PathEvent>> op) {
    Effects fx = new Effects();
    synchronized (lock) {
      order.forEach(link -> fx.events.addAll(op.apply(link)));
    }
    run(fx);
  }

  // ---------------------------------------------------------------- verdicts and drops

  /** A verdict on the path to {@code peer} (not the relay's own key) via {@code relay}. */
  void pathFailed(PublicKey relay, PublicKey peer, String why) {
    Effects fx = new Effects();
    synchronized (lock) {
      RelayLink link = active.get(relay);
      if (closed || link == null) {
        return;
      }
      Set<PublicKey> blamedHere = blamed.computeIfAbsent(relay, k -> new HashSet<>());
      if (link.hasRoute(peer)) {
        blamedHere.add(peer); // only routed peers are evidence: anyone can OOB us garbage
      }
      if (blamedHere.size() >= RelayPool.BLAME_THRESHOLD) {
        drop(link, "paths to " + blamedHere.size() + " peers failed, last: " + why, true, fx);
      } else {
        fx.events.addAll(link.unroute(peer, why));
      }
    }
    run(fx);
  }

  /** Drops {@code relay} for good, if it is active. */
  void dropRelay(PublicKey relay, String why) {
    Effects fx = new Effects();
    synchronized (lock) {
      RelayLink link = active.get(relay);
      if (closed || link == null) {
        return;
      }
      drop(link, why, true, fx);
    }
    run(fx);
  }

  /** {@code link}'s reconnect policy gave up: it becomes the last spare. */
  void exhausted(RelayLink link, Throwable error) {
    Effects fx = new Effects();
    synchronized (lock) {
      if (closed || active.get(link.key()) != link) {
        return;
      }
      drop(link, "relay unreachable: " + RelayLink.describe(error), false, fx);
    }
    run(fx);
  }

  /**
   * Takes {@code link} out of service, for good or to the back of the spares, and lets the first
   * spare take its place and its peers (those blamed on it included: the relay is the suspect now,
   * not them). Under the monitor.
   */
  private void drop(RelayLink link, String note, boolean forGood, Effects fx) {
    boolean wasUp = link.connection() != null;
    active.remove(link.key());
    order.remove(link);
    Map<PublicKey, Boolean> known = new LinkedHashMap<>(link.close());
    blamed.getOrDefault(link.key(), Set.of()).forEach(peer -> known.putIfAbsent(peer, false));
    blamed.remove(link.key());
    if (wasUp) {
      known.forEach(
          (peer, asleep) -> {
            if (!asleep) {
              fx.events.add(PathEvent.down(link.path(peer), "relay dropped: " + note));
            }
          });
    }
    RelayAddress next = spares.pollFirst(); // before re-queuing, so a relay never replaces itself
    RelayStatus.Role role = forGood ? RelayStatus.Role.DROPPED : RelayStatus.Role.SPARE;
    retired.put(
        link.key(),
        new RelayStatus(link.address(), role, false, 0, 0, link.status(role).connects(), note));
    if (!forGood) {
      spares.addLast(link.address());
      spareKeys.add(link.key());
    }
    if (next != null) {
      spareKeys.remove(next.publicKey());
      retired.remove(next.publicKey());
      RelayLink replacement = newLink.apply(next);
      known.forEach(replacement::addRoute);
      order.add(replacement);
      active.put(replacement.key(), replacement);
      fx.toStart.add(replacement);
    }
  }

  // ---------------------------------------------------------------- status

  /** Active relays in order, then spares, then dropped ones. */
  List<RelayStatus> statuses() {
    List<RelayStatus> out = new ArrayList<>();
    synchronized (lock) {
      order.forEach(link -> out.add(link.status(RelayStatus.Role.ACTIVE)));
      for (RelayAddress spare : spares) {
        RelayStatus before = retired.get(spare.publicKey());
        out.add(
            before != null
                ? before
                : new RelayStatus(spare, RelayStatus.Role.SPARE, false, 0, 0, 0, ""));
      }
      retired.values().stream().filter(s -> s.role() == RelayStatus.Role.DROPPED).forEach(out::add);
    }
    return out;
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Active relays holding a route to {@code peer}, those whose link was lost left out: a relay that
   * died must not hold one of the peer's {@value RelayPool#MAX_RELAYS_PER_PEER} places while it
   * reconnects (perhaps for ever), or the peer is never routed on the relays still up (as
   * c-toxcore, which frees a dead relay's place once its one reconnect failed, docs/protocol.md
   * 8.12). Its route stays wanted and comes back with its link. Under the monitor.
   */
  private int relaysOf(PublicKey peer) {
    int n = 0;
    for (RelayLink link : order) {
      if (link.hasRoute(peer) && !link.linkLost()) {
        n++;
      }
    }
    return n;
  }

  private void run(Effects fx) {
    outlets.pathEvents(fx.events);
    fx.toStart.forEach(RelayLink::start);
  }
}
