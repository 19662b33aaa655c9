package org.toxreactive.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Path;
import org.toxreactive.core.transport.PathEvent;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * {@link PoolLane}, the relay pool's serial lane: transitions run one at a time, what they ask for
 * is carried out in the order asked, by one thread at a time, with no lock held, and by the thread
 * that is already draining when the lane is busy. Effects are observed through the path events they
 * publish (the lane's {@code pathEvent} output, called from inside a transition as the rules call
 * it). No sleeps: threads meet on latches, every wait is bounded.
 */
class PoolLaneTest {
  private static final KeyPair ME = KeyPair.generate();
  private final List<Disposable> subscriptions = new ArrayList<>();

  @AfterEach
  void cancel() {
    subscriptions.forEach(Disposable::dispose);
  }

  private static PublicKey key(int n) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) n);
    return PublicKey.of(b);
  }

  private static final Path PATH = Path.relay(key(1), key(2));

  /** A lane over rules with the given relays; links are made by {@code clients}. */
  private static PoolLane lane(
      List<RelayAddress> relays,
      PoolOutlets outlets,
      Function<RelayAddress, RelayClient> clients,
      Runnable onReady) {
    RelayPoolConfig config =
        RelayPool.create(ME).relays(relays).active(Math.max(1, relays.size())).configuration();
    return new PoolLane(config, outlets, clients, onReady, why -> {});
  }

  private static PoolLane lane(PoolOutlets outlets, Runnable onReady) {
    return lane(
        List.of(),
        outlets,
        r -> {
          throw new AssertionError("no link expected");
        },
        onReady);
  }

  /** Publishes an event whose reason is {@code tag}, as a transition of the rules would. */
  private static void publish(PoolLane lane, String tag) {
    lane.run(r -> lane.pathEvent(PathEvent.down(PATH, tag)));
  }

  @Test
  void concurrentSubmissionsAreCarriedOutOneAtATimeInTheOrderTheTransitionsRan() throws Exception {
    PoolOutlets outlets = new PoolOutlets(16);
    PoolLane lane = lane(outlets, () -> {});
    int threads = 4;
    int each = 500;
    List<Integer> carriedOut = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    subscriptions.add(
        outlets
            .pathEvents()
            .subscribe(
                e -> {
                  if (inside.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                  }
                  carriedOut.add(Integer.parseInt(e.reason()));
                  inside.decrementAndGet();
                }));
    int[] transitions = {0}; // numbered inside the transition, under the rules' lock
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread w =
          new Thread(
              () -> {
                try {
                  go.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 0; i < each; i++) {
                  lane.run(r -> lane.pathEvent(PathEvent.down(PATH, "" + transitions[0]++)));
                }
              },
              "submitter-" + t);
      workers.add(w);
      w.start();
    }
    go.countDown();
    for (Thread w : workers) {
      w.join(30_000);
      assertThat(w.isAlive()).as(w.getName() + " finished").isFalse();
    }

    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < threads * each; i++) {
      expected.add(i);
    }
    assertThat(carriedOut).as("every effect, once, in transition order").isEqualTo(expected);
    assertThat(overlaps.get()).as("effects that ran while another ran").isZero();
  }

  @Test
  void aCallWhileTheLaneIsBusyReturnsAtOnceAndTheBusyThreadCarriesItsEffectOut() throws Exception {
    PoolOutlets outlets = new PoolOutlets(16);
    PoolLane lane = lane(outlets, () -> {});
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    subscriptions.add(
        outlets
            .pathEvents()
            .subscribe(
                e -> {
                  ran.add(e.reason() + "@" + Thread.currentThread().getName());
                  if (e.reason().equals("first")) {
                    entered.countDown();
                    try {
                      release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException ie) {
                      Thread.currentThread().interrupt();
                    }
                  }
                }));
    Thread busy = new Thread(() -> publish(lane, "first"), "busy");
    busy.start();
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    publish(lane, "second"); // returns although its effect has not run
    assertThat(ran).containsExactly("first@busy");

    release.countDown();
    busy.join(10_000);
    assertThat(busy.isAlive()).isFalse();
    assertThat(ran).containsExactly("first@busy", "second@busy");
  }

  @Test
  void aSubscriberThatCallsTheLaneBackSeesItsCallTakeEffectAfterTheEventItHandles() {
    PoolOutlets outlets = new PoolOutlets(16);
    PoolLane lane = lane(outlets, () -> {});
    List<String> log = new ArrayList<>();
    subscriptions.add(
        outlets
            .pathEvents()
            .subscribe(
                e -> {
                  log.add("begin " + e.reason());
                  if (e.reason().equals("outer")) {
                    publish(lane, "inner");
                  }
                  log.add("end " + e.reason());
                }));
    publish(lane, "outer");
    assertThat(log).containsExactly("begin outer", "end outer", "begin inner", "end inner");
  }

  @Test
  void aFailingEffectDoesNotStopTheLane() {
    PoolOutlets outlets = new PoolOutlets(16);
    AtomicInteger readyCalls = new AtomicInteger();
    PoolLane lane =
        lane(
            outlets,
            () -> {
              readyCalls.incrementAndGet();
              throw new IllegalStateException("a subscriber's bug");
            });
    List<String> seen = new ArrayList<>();
    subscriptions.add(outlets.pathEvents().subscribe(e -> seen.add(e.reason())));
    lane.run(
        r -> {
          lane.ready();
          lane.pathEvent(PathEvent.down(PATH, "after the failure"));
        });
    publish(lane, "next call");
    assertThat(readyCalls.get()).isEqualTo(1);
    assertThat(seen).containsExactly("after the failure", "next call");
  }

  @Test
  void closingTheRulesStopsEveryLinkTheLaneStarted() {
    try (TestRelayServer a = TestRelayServer.silent();
        TestRelayServer b = TestRelayServer.silent()) {
      // silent relays and virtual-time timers: a link stays connecting until the lane stops it
      VirtualTimeScheduler clock = VirtualTimeScheduler.create();
      List<RelayAddress> made = Collections.synchronizedList(new ArrayList<>());
      PoolLane lane =
          lane(
              List.of(a.address(), b.address()),
              new PoolOutlets(16),
              relay -> {
                made.add(relay);
                return RelayClient.create(relay, ME).scheduler(clock);
              },
              () -> {});
      lane.run(RelayPoolRules::start);
      StepVerifier.create(a.linkEvents().take(1))
          .expectNext("open")
          .expectComplete()
          .verify(Duration.ofSeconds(10));
      StepVerifier.create(b.linkEvents().take(1))
          .expectNext("open")
          .expectComplete()
          .verify(Duration.ofSeconds(10));
      assertThat(made).containsExactly(a.address(), b.address());

      lane.run(RelayPoolRules::close);

      for (TestRelayServer relay : List.of(a, b)) {
        StepVerifier.create(relay.linkEvents().take(2))
            .expectNext("open", "closed")
            .expectComplete()
            .verify(Duration.ofSeconds(10));
      }
      lane.run(RelayPoolRules::start); // closed rules start nothing again
      assertThat(made).hasSize(2);
      assertThat(lane.live(a.keys.publicKey())).isNull();
      assertThat(lane.live(b.keys.publicKey())).isNull();
    }
  }
}
