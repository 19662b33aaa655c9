package org.toxreactive.transport.tcp;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.Path;
import org.toxreactive.core.transport.PathEvent;
import reactor.core.Disposable;

/**
 * The relay pool's serial lane and its I/O: every call into {@link RelayPoolRules} goes through
 * {@link #call}, one at a time; what the rules ask for ({@link RelayPoolRules.Output}) is queued
 * and then carried out in the order it was asked, by one thread at a time and with no lock held, so
 * subscriber code (path events) and Netty calls never run inside a transition, and a subscriber
 * that calls the pool back just queues more work behind its own. Also the thin glue to each relay's
 * links ({@link Links}): a {@link RelayClient#connectForever()} subscription per active relay whose
 * reports go back into the rules.
 */
final class PoolLane implements RelayPoolRules.Output {
  private static final Logger log = LoggerFactory.getLogger(PoolLane.class);

  /** A relay's live connection and the id the lane gave it (read together on the send path). */
  record Live(long id, RelayConnection connection) {}

  private final RelayPoolRules rules;
  private final PoolOutlets outlets;
  private final Function<RelayAddress, RelayClient> clients;
  private final Runnable onReady;
  private final Consumer<String> onUnreachable;
  private final Set<PublicKey> gaveUp = ConcurrentHashMap.newKeySet(); // relays exhausted once
  private final Map<PublicKey, Links> links = new ConcurrentHashMap<>();
  private final AtomicLong linkIds = new AtomicLong();
  private final Queue<Runnable> effects = new ArrayDeque<>(); // guarded by rules
  private final AtomicInteger wip = new AtomicInteger();

  PoolLane(
      RelayPoolConfig config,
      PoolOutlets outlets,
      Function<RelayAddress, RelayClient> clients,
      Runnable onReady,
      Consumer<String> onUnreachable) {
    this.outlets = outlets;
    this.clients = clients;
    this.onReady = onReady;
    this.onUnreachable = onUnreachable;
    this.rules = new RelayPoolRules(config.relays(), config.active(), this);
  }

  /** The rules' read views (any thread). */
  RelayPoolRules rules() {
    return rules;
  }

  /** Runs one transition of the rules, then carries out what it asked for; returns its result. */
  <T> T call(Function<RelayPoolRules, T> transition) {
    T result;
    synchronized (rules) {
      result = transition.apply(rules);
    }
    drain();
    return result;
  }

  /** As {@link #call} for a transition without a result. */
  void run(java.util.function.Consumer<RelayPoolRules> transition) {
    call(
        r -> {
          transition.accept(r);
          return null;
        });
  }

  /** {@code relay}'s live connection, or null while it is down or not active. Any thread. */
  @Nullable Live live(PublicKey relay) {
    Links l = links.get(relay);
    return l == null ? null : l.live;
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      while (true) {
        Runnable next;
        synchronized (rules) {
          next = effects.poll();
        }
        if (next == null) {
          break;
        }
        try {
          next.run();
        } catch (RuntimeException e) { // a subscriber's bug must not stop the lane
          log.warn("relay pool effect failed", e);
        }
      }
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  // ---------------------------------------------------------------- Output (inside a transition)

  @Override
  public void startLink(RelayAddress relay, long instance) {
    effects.add(
        () -> {
          Links l = new Links(relay, instance, clients.apply(relay));
          Links before = links.put(relay.publicKey(), l);
          if (before != null) {
            before.stop();
          }
          l.start();
        });
  }

  @Override
  public void stopLink(PublicKey relay, long instance) {
    effects.add(
        () -> {
          Links l = links.get(relay);
          if (l != null && l.instance == instance) {
            links.remove(relay, l);
            l.stop();
          }
        });
  }

  @Override
  public void requestRoute(PublicKey relay, long link, PublicKey peer) {
    effects.add(
        () -> {
          RelayConnection c = connection(relay, link);
          if (c != null) {
            c.route(peer)
                .subscribe(
                    id -> {},
                    err -> log.debug("route to {} on {} not made: {}", peer, relay, describe(err)));
          }
        });
  }

  @Override
  public void release(PublicKey relay, long link, int connectionId) {
    effects.add(
        () -> {
          RelayConnection c = connection(relay, link);
          if (c != null) {
            c.disconnect(connectionId)
                .subscribe(
                    v -> {},
                    err ->
                        log.debug(
                            "disconnect {} on {} failed: {}", connectionId, relay, describe(err)));
          }
        });
  }

  @Override
  public void pathEvent(PathEvent event) {
    effects.add(() -> outlets.pathEvents(List.of(event)));
  }

  @Override
  public void ready() {
    effects.add(onReady);
  }

  private @Nullable RelayConnection connection(PublicKey relay, long link) {
    Live l = live(relay);
    return l != null && l.id() == link ? l.connection() : null;
  }

  /** Stops every relay's links (after {@link RelayPoolRules#close}, for those it missed). */
  void stopAll() {
    links.values().forEach(Links::stop);
    links.clear();
  }

  static String describe(Throwable error) {
    return error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
  }

  // ---------------------------------------------------------------- one relay's links

  /** One stint of one active relay: its connectForever subscription and its live connection. */
  private final class Links {
    final RelayAddress address;
    final long instance;
    final RelayClient client;
    volatile @Nullable Live live;
    private @Nullable Disposable subscription; // guarded by this
    private boolean stopped; // guarded by this

    Links(RelayAddress address, long instance, RelayClient client) {
      this.address = address;
      this.instance = instance;
      this.client = client;
    }

    PublicKey key() {
      return address.publicKey();
    }

    void start() {
      Disposable d = client.connectForever().subscribe(this::connected, this::exhausted);
      synchronized (this) {
        if (!stopped) {
          subscription = d;
          return;
        }
      }
      d.dispose();
    }

    void stop() {
      Disposable d;
      Live l;
      synchronized (this) {
        stopped = true;
        d = subscription;
        subscription = null;
        l = live;
        live = null;
      }
      if (d != null) {
        d.dispose(); // connectForever disposes its current link on cancel
      }
      if (l != null) {
        l.connection().dispose();
      }
    }

    private void connected(RelayConnection c) {
      long id = linkIds.incrementAndGet();
      synchronized (this) {
        if (stopped) {
          c.dispose();
          return;
        }
        live = new Live(id, c);
      }
      run(r -> r.linkUp(key(), instance, id));
      // The link's events are buffered until this subscription (the route requests above went out
      // already) and may be replayed on this thread.
      c.events()
          .subscribe(
              e -> event(id, e),
              err -> closed(id, describe(err)),
              () -> closed(id, "closed locally"));
    }

    private void closed(long id, String cause) {
      synchronized (this) {
        Live l = live;
        if (l != null && l.id() == id) {
          live = null;
        }
      }
      run(r -> r.linkDown(key(), instance, id, cause));
    }

    private void exhausted(Throwable error) {
      synchronized (this) {
        if (stopped) {
          return;
        }
      }
      String cause = describe(error);
      run(r -> r.exhausted(key(), instance, cause));
      gaveUp.add(key());
      int relays = rules.activeCount() + rules.spareCount();
      if (gaveUp.size() >= relays) { // ignored once the pool was ready
        onUnreachable.accept(
            "none of "
                + relays
                + " relays could be reached (last: "
                + address.hostPort()
                + ": "
                + cause
                + ")");
      }
    }

    /** Data, OOB and onion go to the outlets; route notifications into the rules. */
    private void event(long id, RelayEvent e) {
      if (e instanceof RelayEvent.DataReceived d) {
        PublicKey peer = d.peer();
        if (peer == null) {
          outlets.unroutedData(d.payload());
        } else {
          outlets.datagram(new Datagram(Path.relay(key(), peer), d.payload()));
        }
      } else if (e instanceof RelayEvent.OobReceived o) {
        outlets.datagram(new Datagram(Path.relay(key(), o.sender()), o.data()));
      } else if (e instanceof RelayEvent.OnionResponseReceived o) {
        Live l = live;
        if (l != null && l.id() == id) {
          outlets.onionResponse(new RelayOnionResponse(key(), o.packet()));
        }
      } else if (e instanceof RelayEvent.RouteAssigned a) {
        run(r -> r.routeAssigned(key(), id, a.peer(), a.connectionId()));
      } else if (e instanceof RelayEvent.PeerOnline o) {
        run(r -> r.peerOnline(key(), id, o.connectionId(), o.peer()));
      } else if (e instanceof RelayEvent.PeerOffline o) {
        run(r -> r.peerOffline(key(), id, o.connectionId(), o.peer()));
      }
      // RouteRefused: the request's Mono errors and is logged there; forwarding is not used here
    }
  }
}
