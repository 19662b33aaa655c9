package org.toxreactive.benchmarks.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.RelayConnection;
import org.toxreactive.transport.tcp.RelayEvent;
import reactor.core.publisher.Flux;

/**
 * N pairs of relay links routed to each other through one relay: for each pair, links A and B with
 * fresh DHT keys, A routes to B's key and B to A's, and both wait for {@link
 * RelayEvent.PeerOnline}. Relayed data arriving on a link goes to the given handler, on that link's
 * event loop.
 */
final class Pairs implements AutoCloseable {
  /** Handshakes in flight while setting up (tox-bootstrapd queues at most 256 unconfirmed). */
  private static final int CONNECT_CONCURRENCY = 64;

  private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);

  /** One link of a pair. */
  static final class Endpoint {
    final RelayConnection connection;

    /** Our connection id towards the other side of the pair, once online. */
    volatile int peerId;

    final CompletableFuture<Integer> online = new CompletableFuture<>();

    /** The throughput sender whose packets arrive here, if any. */
    volatile ThroughputCommand.Sender inbound;

    Endpoint(RelayConnection connection) {
      this.connection = connection;
    }
  }

  /** Two links routed to each other. */
  record Pair(Endpoint a, Endpoint b) {}

  private final List<Pair> pairs;
  private final AtomicLong linksLost;

  private Pairs(List<Pair> pairs, AtomicLong linksLost) {
    this.pairs = pairs;
    this.linksLost = linksLost;
  }

  /**
   * Connects {@code 2 * n} links and pairs them up.
   *
   * @param onData called with (receiving endpoint, payload) for each relayed packet
   */
  static Pairs establish(LoadTarget.Opened target, int n, BiConsumer<Endpoint, Bytes> onData) {
    List<KeyPair> keys = new ArrayList<>(2 * n);
    for (int i = 0; i < 2 * n; i++) {
      keys.add(KeyPair.generate());
    }
    AtomicLong linksLost = new AtomicLong();
    List<RelayConnection> links =
        Flux.range(0, 2 * n)
            .flatMapSequential(i -> target.client(i, keys.get(i)).connect(), CONNECT_CONCURRENCY)
            .collectList()
            .block(SETUP_TIMEOUT);
    List<Pair> pairs = new ArrayList<>(n);
    try {
      for (int i = 0; i < n; i++) {
        Endpoint a = new Endpoint(links.get(2 * i));
        Endpoint b = new Endpoint(links.get(2 * i + 1));
        subscribe(a, onData, linksLost);
        subscribe(b, onData, linksLost);
        pairs.add(new Pair(a, b));
      }
      for (int i = 0; i < n; i++) {
        Pair p = pairs.get(i);
        p.a.connection.route(keys.get(2 * i + 1).publicKey()).subscribe();
        p.b.connection.route(keys.get(2 * i).publicKey()).subscribe();
      }
      long deadline = System.nanoTime() + SETUP_TIMEOUT.toNanos();
      for (Pair p : pairs) {
        for (Endpoint e : List.of(p.a, p.b)) {
          long left = Math.max(1, deadline - System.nanoTime());
          e.peerId = e.online.get(left, TimeUnit.NANOSECONDS);
        }
      }
    } catch (Exception e) {
      links.forEach(RelayConnection::dispose);
      throw new IllegalStateException("could not pair " + n + " link pairs: " + e, e);
    }
    return new Pairs(pairs, linksLost);
  }

  private static void subscribe(
      Endpoint e, BiConsumer<Endpoint, Bytes> onData, AtomicLong linksLost) {
    e.connection
        .events()
        .subscribe(
            ev -> {
              if (ev instanceof RelayEvent.DataReceived) {
                onData.accept(e, ((RelayEvent.DataReceived) ev).payload());
              } else if (ev instanceof RelayEvent.PeerOnline) {
                e.online.complete(((RelayEvent.PeerOnline) ev).connectionId());
              }
            },
            err -> {
              linksLost.incrementAndGet();
              e.online.completeExceptionally(err);
            });
  }

  List<Pair> pairs() {
    return pairs;
  }

  /** Links that ended because of the relay or the network (not our own close). */
  long linksLost() {
    return linksLost.get();
  }

  /** Events a link received but could not buffer, plus data it dropped under backpressure. */
  long droppedLocally() {
    long d = 0;
    for (Pair p : pairs) {
      d += p.a.connection.droppedPackets() + p.b.connection.droppedPackets();
    }
    return d;
  }

  @Override
  public void close() {
    for (Pair p : pairs) {
      p.a.connection.dispose();
      p.b.connection.dispose();
    }
    for (Pair p : pairs) {
      p.a.connection.onDispose().block(Duration.ofSeconds(5));
      p.b.connection.onDispose().block(Duration.ofSeconds(5));
    }
  }
}
