package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.test.sim.LinkStats;

/**
 * Backpressure, RTT and congestion control on the simulated network (virtual time). The bottleneck
 * tests compare with c-toxcore's figures (docs/protocol.md 4.14 and 8.8): its rate controller
 * starts near 64 packets/s-worth and grows 1.2x per 50 ms sample from what it measured got through,
 * so on loopback it needs seconds to reach speed; ours must fill a bottleneck within one second.
 */
class NetCryptoFlowTest {
  private static final int SIZE = 1300;
  private static final long LINK_BYTES_PER_SECOND = 2_000_000;

  private final SimPair p = new SimPair(21);

  @AfterEach
  void stop() {
    p.close();
  }

  private record Run(List<Integer> got, long[] deliveredAt, long startedAt, AtomicBoolean done) {}

  private Run transfer(CryptoConnection from, CryptoConnection to, int n) {
    List<Integer> got = new ArrayList<>();
    long[] at = new long[n];
    to.lossless()
        .subscribe(
            m -> {
              int i = SimPair.numberOf(m);
              if (got.size() < n) {
                at[got.size()] = p.nowMillis();
              }
              got.add(i);
            });
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    long startedAt = p.nowMillis();
    from.send(SimPair.bulk(n, SIZE)).subscribe(null, failed::set, () -> done.set(true));
    p.advanceUntil(
        () -> done.get() || failed.get() != null, Duration.ofMillis(10), Duration.ofSeconds(120));
    assertThat(failed.get()).isNull();
    assertThat(done).as("all %d acknowledged; got %d", n, got.size()).isTrue();
    for (int i = 0; i < n; i++) {
      assertThat(got.get(i)).isEqualTo(i);
    }
    assertThat(got).hasSize(n);
    return new Run(got, at, startedAt, done);
  }

  private static int deliveredBy(Run r, long millisAfterStart) {
    int k = 0;
    while (k < r.deliveredAt.length && r.deliveredAt[k] - r.startedAt <= millisAfterStart) {
      k++;
    }
    return k;
  }

  @Test
  void fillsABottleneckWithinOneSecondAndKeepsItFull() {
    // 2 MB/s, 40 ms round trip, a 64 KB router queue (tail drop)
    p.net.defaults().delay(20, 20);
    p.net.link("a", "b").bandwidth(LINK_BYTES_PER_SECOND, 64 * 1024);
    CryptoConnection ca = p.connect();
    CryptoConnection cb = p.accepted.get(0);
    int n = 8_000; // ~10.6 MB on the wire: ~5.3 s at line rate
    Run r = transfer(ca, cb, n);

    double perSecond = LINK_BYTES_PER_SECOND / (SIZE + 27.0 + 8);
    int firstSecond = deliveredBy(r, 1_000);
    int secondSecond = deliveredBy(r, 2_000) - firstSecond;
    long total = r.deliveredAt[n - 1] - r.startedAt;
    LinkStats link = p.net.link("a", "b").stats();
    System.out.printf(
        "bottleneck 2 MB/s, 40 ms RTT: %d packets in the first second (line rate %.0f), %d in the"
            + " second, %d ms for %d (ideal %.0f ms), %d tail drops of %d, %d loss events%n",
        firstSecond,
        perSecond,
        secondSecond,
        total,
        n,
        n / perSecond * 1000,
        link.lost(),
        link.sent(),
        ((Connection) ca).session().congestion().lossEvents());
    assertThat(firstSecond).as("first second").isGreaterThan((int) (0.5 * perSecond));
    assertThat(secondSecond).as("second second").isGreaterThan((int) (0.85 * perSecond));
    assertThat(total).as("whole transfer").isLessThan((long) (1.2 * n / perSecond * 1000) + 500);
    assertThat((double) link.lost() / link.sent()).as("tail-drop loss").isLessThan(0.05);
  }

  @Test
  void backsOffOnLossAndRefillsAfterIt() {
    p.net.defaults().delay(10, 10);
    p.net.link("a", "b").bandwidth(LINK_BYTES_PER_SECOND, 16 * 1024);
    CryptoConnection ca = p.connect();
    CryptoConnection cb = p.accepted.get(0);
    CongestionController cc = ((Connection) ca).session().congestion();
    List<Integer> windows = new ArrayList<>();
    AtomicLong samples = new AtomicLong();
    reactor.core.Disposable sampler =
        reactor.core.publisher.Flux.interval(Duration.ofMillis(10), p.clock)
            .subscribe(
                t -> {
                  samples.incrementAndGet();
                  windows.add(cc.window());
                });
    transfer(ca, cb, 6_000);
    sampler.dispose();

    assertThat(cc.lossEvents()).as("the small queue overflowed").isPositive();
    int dropAt = -1;
    for (int i = 1; i < windows.size(); i++) {
      if (windows.get(i) < windows.get(i - 1)) {
        dropAt = i;
        break;
      }
    }
    assertThat(dropAt).as("the window shrank on loss").isPositive();
    int before = windows.get(dropAt - 1);
    int after = windows.get(dropAt);
    assertThat(after).isBetween((int) (before * 0.6), (int) (before * 0.8));
    boolean grewAgain = false;
    for (int i = dropAt + 1; i < windows.size() && !grewAgain; i++) {
      grewAgain = windows.get(i) > windows.get(i - 1);
    }
    assertThat(grewAgain).as("and grew again after it").isTrue();
  }

  @Test
  void aFullSendWindowSlowsThePublisherDown() {
    CryptoConnection ca = p.connect();
    CryptoConnection cb = p.accepted.get(0);
    List<Integer> got = new ArrayList<>();
    cb.lossless().subscribe(m -> got.add(SimPair.numberOf(m)));
    p.net.link("b", "a").loss(1.0); // no acks come back: the window cannot slide
    AtomicLong requested = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    ca.send(SimPair.bulk(5_000, 100).doOnRequest(requested::addAndGet))
        .subscribe(null, null, () -> done.set(true));
    p.clock.advanceTimeBy(Duration.ofSeconds(5));
    assertThat(requested.get())
        .as("asked no further than the window")
        .isLessThanOrEqualTo(WindowCongestion.INITIAL_WINDOW);
    assertThat(done).isFalse();

    p.net.link("b", "a").loss(0.0);
    p.advanceUntil(done::get, Duration.ofMillis(10), Duration.ofSeconds(20));
    assertThat(done).isTrue();
    assertThat(got).hasSize(5_000);
    for (int i = 0; i < got.size(); i++) {
      assertThat(got.get(i)).isEqualTo(i);
    }
  }

  /**
   * Every data packet reaches the engine on loan (SimTransport lends as UDP does): the engine ends
   * each loan once it has opened the packet, so when the transfer is over no loan is left, the
   * arrays of one burst in flight carried the whole transfer, and no message was corrupted by an
   * array's reuse. Without the release every packet would need a new array.
   */
  @Test
  void theEngineEndsEveryLoanSoAFewArraysCarryAWholeTransfer() {
    CryptoConnection ca = p.connect();
    CryptoConnection cb = p.accepted.get(0);
    List<Message> got = new ArrayList<>();
    cb.lossless().subscribe(got::add);
    ca.send(SimPair.bulk(2_000, 600)).subscribe();
    p.advanceUntil(() -> got.size() >= 2_000, Duration.ofMillis(10), Duration.ofSeconds(60));
    assertThat(got).containsExactlyElementsOf(SimPair.bulk(2_000, 600).collectList().block());
    p.clock.advanceTimeBy(Duration.ofSeconds(1)); // the last acks
    for (SimTransport wire : List.of(p.aWire, p.bWire)) {
      assertThat(wire.lending.free()).as("every loan ended").isEqualTo(wire.lending.created());
    }
    assertThat(p.bWire.lending.created())
        .as("arrays made for 2,000 data packets")
        .isGreaterThan(0)
        .isLessThan(1_000);
  }

  @Test
  void aSlowSubscriberIsNeverOverrunAndLosesNothing() {
    CryptoConnection ca = p.connect();
    CryptoConnection cb = p.accepted.get(0);
    List<Integer> got = new ArrayList<>();
    reactor.core.publisher.BaseSubscriber<Message> slow =
        new reactor.core.publisher.BaseSubscriber<>() {
          @Override
          protected void hookOnSubscribe(org.reactivestreams.Subscription s) {
            s.request(10);
          }

          @Override
          protected void hookOnNext(Message m) {
            got.add(SimPair.numberOf(m));
          }
        };
    cb.lossless().subscribe(slow);
    ca.send(SimPair.bulk(1_000, 100)).subscribe();
    p.clock.advanceTimeBy(Duration.ofSeconds(2));
    assertThat(got).hasSize(10);
    slow.request(Long.MAX_VALUE);
    p.clock.advanceTimeBy(Duration.ofSeconds(5));
    assertThat(got).hasSize(1_000);
    for (int i = 0; i < got.size(); i++) {
      assertThat(got.get(i)).isEqualTo(i);
    }
  }

  @Test
  void measuresTheRoundTripTime() {
    p.net.defaults().delay(50, 50);
    CryptoConnection ca = p.connect();
    CryptoConnection cb = p.accepted.get(0);
    cb.lossless().subscribe();
    ca.send(SimPair.numbered(200)).subscribe();
    p.clock.advanceTimeBy(Duration.ofSeconds(3));
    assertThat(((Connection) ca).session().rtt().rtt()).isBetween(100L, 125L);
  }
}
