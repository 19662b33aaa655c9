package org.toxreactive.test.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class SimNetworkTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final List<VirtualTimeScheduler> clocks = new ArrayList<>();
  private final List<Disposable> subscriptions = new ArrayList<>();

  @AfterEach
  void tearDown() {
    subscriptions.forEach(Disposable::dispose);
    clocks.forEach(VirtualTimeScheduler::dispose);
  }

  private VirtualTimeScheduler clock() {
    VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    clocks.add(vts);
    return vts;
  }

  /** A received packet and the virtual millisecond it arrived. */
  private record Received(long atMillis, SimPacket packet) {
    int seq() {
      return ByteBuffer.wrap(packet.data()).getInt();
    }
  }

  private List<Received> record(SimNode node) {
    List<Received> out = new ArrayList<>();
    VirtualTimeScheduler vts = (VirtualTimeScheduler) node.network().scheduler();
    subscriptions.add(
        node.receive().subscribe(p -> out.add(new Received(vts.now(TimeUnit.MILLISECONDS), p))));
    return out;
  }

  private static byte[] numbered(int seq, int size) {
    return ByteBuffer.allocate(Math.max(4, size)).putInt(seq).array();
  }

  /** Sends {@code count} numbered packets, one every {@code gapMillis} of virtual time. */
  private static void sendEvery(
      VirtualTimeScheduler vts, SimNode from, String to, int count, long gapMillis, int size) {
    for (int i = 0; i < count; i++) {
      from.send(to, numbered(i, size));
      vts.advanceTimeBy(Duration.ofMillis(gapMillis));
    }
  }

  // ------------------------------------------------------------------ determinism

  /** A busy scripted scenario with every effect on; its full delivery log. */
  private List<String> scenario(long seed) {
    VirtualTimeScheduler vts = clock();
    SimNetwork net = SimNetwork.create(seed, vts);
    SimNode a = net.node("a");
    SimNode b = net.node("b");
    SimNode c = net.node("c");
    net.defaults().delay(5, 40);
    net.link("a", "b").loss(0.1).duplicate(0.05).reorder(0.1, 30).corrupt(0.02);
    net.link("b", "a").loss(0.05).bandwidth(20_000, 4_000);
    net.link("a", "c").reorder(0.3, 10);
    List<String> log = new ArrayList<>();
    for (SimNode n : List.of(a, b, c)) {
      subscriptions.add(
          n.receive()
              .subscribe(
                  p -> {
                    log.add(vts.now(TimeUnit.MILLISECONDS) + " " + p);
                    if (n == b) {
                      b.send("a", p.data()); // echo from onNext: re-entrant sends
                    }
                  }));
    }
    for (int i = 0; i < 500; i++) {
      a.send("b", numbered(i, 100));
      a.send("c", numbered(i, 10));
      vts.advanceTimeBy(Duration.ofMillis(2));
    }
    vts.advanceTimeBy(Duration.ofSeconds(10));
    log.add(net.totals().toString());
    return log;
  }

  @Test
  void sameSeedGivesTheSameDeliveriesAtTheSameTimes() {
    List<String> first = scenario(7);
    assertThat(first).hasSizeGreaterThan(1000);
    assertThat(scenario(7)).isEqualTo(first);
    assertThat(scenario(8)).isNotEqualTo(first);
  }

  @Test
  void trafficOnOneLinkDoesNotChangeAnotherLinksFates() {
    List<Received> alone = abTraffic(false);
    List<Received> withNeighbour = abTraffic(true);
    assertThat(withNeighbour).isEqualTo(alone);
  }

  private List<Received> abTraffic(boolean alsoToC) {
    VirtualTimeScheduler vts = clock();
    SimNetwork net = SimNetwork.create(99, vts);
    SimNode a = net.node("a");
    net.node("c");
    net.defaults().loss(0.3).delay(1, 20);
    List<Received> atB = record(net.node("b"));
    for (int i = 0; i < 300; i++) {
      a.send("b", numbered(i, 8));
      if (alsoToC) {
        a.send("c", numbered(i, 8));
      }
      vts.advanceTimeBy(Duration.ofMillis(1));
    }
    vts.advanceTimeBy(Duration.ofSeconds(1));
    return atB;
  }

  @Test
  void copiesDueAtTheSameInstantArriveInSendOrder() {
    VirtualTimeScheduler vts = clock();
    SimNetwork net = SimNetwork.create(1, vts);
    net.defaults().delay(10, 10);
    List<Received> atC = record(net.node("c"));
    net.node("a").send("c", numbered(0, 4));
    net.node("b").send("c", numbered(1, 4));
    net.node("a").send("c", numbered(2, 4));
    vts.advanceTimeBy(Duration.ofMillis(10));
    assertThat(atC).extracting(Received::seq).containsExactly(0, 1, 2);
    assertThat(atC).extracting(r -> r.packet().from()).containsExactly("a", "b", "a");
  }

  // ------------------------------------------------------------------ loss, duplication,
  // reordering

  @Test
  void lossRateIsWithinToleranceOverTenThousandPackets() {
    VirtualTimeScheduler vts = clock();
    SimNetwork net = SimNetwork.create(2024, vts);
    net.link("a", "b").loss(0.2);
    List<Received> atB = record(net.node("b"));
    SimNode a = net.node("a");
    for (int i = 0; i < 10_000; i++) {
      a.send("b", numbered(i, 4));
    }
    vts.advanceTime();

    LinkStats s = net.link("a", "b").stats();
    assertThat(s.sent()).isEqualTo(10_000);
    assertThat(s.lost() / 10_000.0).isCloseTo(0.2, within(0.015));
    assertThat(s.delivered() + s.lost()).isEqualTo(10_000);
    assertThat(s.inFlight()).isZero();
    assertThat(atB).hasSize((int) s.delivered());
    assertThat(net.link("b", "a").stats()).isEqualTo(LinkStats.ZERO);
  }

  @Test
  void duplicatesArriveTwiceAndAreCounted() {
    VirtualTimeScheduler vts = clock();
    SimNetwork net = SimNetwork.create(3, vts);
    net.link("a", "b").duplicate(1.0).delay(1, 5);
    List<Received> atB = record(net.node("b"));
    sendEvery(vts, net.node("a"), "b", 50, 1, 4);
    vts.advanceTimeBy(Duration.ofMillis(10));
    assertThat(atB).hasSize(100);
    assertThat(net.link("a", "b").stats()).isEqualTo(new LinkStats(50, 100, 0, 50, 0));
  }

  @Test
  void reorderingLetsLaterPacketsOvertake() {
    VirtualTimeScheduler vts = clock();
    SimNetwork net = SimNetwork.create(4, vts);
    net.link("a", "b").delay(10, 10).reorder(0.1, 50);
    net.link("a", "c").delay(10, 10);
    List<Received> atB = record(net.node("b"));
    List<Received> atC = record(net.node("c"));
    SimNode a = net.node("a");
    for (int i = 0; i < 1000; i++) {
      a.send("b", numbered(i, 4));
      a.send("c", numbered(i, 4));
      vts.advanceTimeBy(Duration.ofMillis(1));
    }
    vts.advanceTimeBy(Duration.ofMillis(100));

    assertThat(atB).hasSize(1000);
    assertThat(inversions(atB)).isGreaterThan(50);
    assertThat(atC).extracting(Received::seq).isSorted();
  }

  private static int inversions(List<Received> got) {
    int n = 0;
    for (int i = 1; i < got.size(); i++) {
      if (got.get(i).seq() < got.get(i - 1).seq()) {
        n++;
      }
    }
    return n;
  }

  @Test
  void corruptionFlipsExactlyOneBit() {
    VirtualTimeScheduler vts = clock();
    SimNetwork net = SimNetwork.create(5, vts);
    net.link("a", "b").corrupt(1.0);
    List<Received> atB = record(net.node("b"));
    byte[] original = new byte[64];
    for (int i = 0; i < original.length; i++) {
      original[i] = (byte) (i * 37);
    }
    SimNode a = net.node("a");
    for (int i = 0; i < 1000; i++) {
      a.send("b", original);
    }
    vts.advanceTime();

    assertThat(atB).hasSize(1000);
    int[] flipsPerBit = new int[original.length * 8];
    for (Received r : atB) {
      byte[] got = r.packet().data();
      int bits = 0;
      for (int i = 0; i < got.length; i++) {
        int diff = (got[i] ^ original[i]) & 0xFF;
        bits += Integer.bitCount(diff);
        for (int k = 0; k < 8; k++) {
          if ((diff & (1 << k)) != 0) {
            flipsPerBit[i * 8 + k]++;
          }
        }
      }
      assertThat(bits).isEqualTo(1);
    }
    // Every byte position gets hit: the bit is chosen over the whole packet.
    assertThat(java.util.Arrays.stream(flipsPerBit).filter(n -> n > 0).count()).isGreaterThan(300);
    assertThat(net.link("a", "b").stats().corrupted()).isEqualTo(1000);
  }

  // ------------------------------------------------------------------ time

  @Test
  void fixedDelayIsRespectedOnVirtualTime() {
    VirtualTimeScheduler vts = clock();
    SimNetwork net = SimNetwork.create(6, vts);
    net.link("a", "b").delay(10, 10);
    List<Received> atB = record(net.node("b"));
    net.node("a").send("b", numbered(0, 4));
    vts.advanceTimeBy(Duration.ofMillis(9));
    assertThat(atB).isEmpty();
    assertThat(net.link("a", "b").stats().inFlight()).isEqualTo(1);
    vts.advanceTimeBy(Duration.ofMillis(1));
    assertThat(atB).extracting(Received::atMillis).containsExactly(10L);
  }

  @Test
  void jitteredDelaysStayWithinTheirBoundsAndCoverThem() {
    VirtualTimeScheduler vts = clock();
    SimNetwork net = SimNetwork.create(7, vts);
    net.link("a", "b").delay(5, 15);
    List<Received> atB = record(net.node("b"));
    SimNode a = net.node("a");
    List<Long> sentAt = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      sentAt.add(vts.now(TimeUnit.MILLISECONDS));
      a.send("b", numbered(i, 4));
      vts.advanceTimeBy(Duration.ofMillis(3));
    }
    vts.advanceTimeBy(Duration.ofMillis(20));
    assertThat(atB).hasSize(1000);
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (Received r : atB) {
      long delay = r.atMillis() - sentAt.get(r.seq());
      min = Math.min(min, delay);
      max = Math.max(max, delay);
    }
    assertThat(min).isEqualTo(5);
    assertThat(max).isEqualTo(15);
  }

  @Test
  void bandwidthQueuesPacketsAndTailDropsBeyondTheQueue() {
    VirtualTimeScheduler vts = clock();
    SimNetwork net = SimNetwork.create(8, vts);
    net.link("a", "b").bandwidth(1000);
    net.link("a", "c").bandwidth(1000, 300);
    List<Received> atB = record(net.node("b"));
    List<Received> atC = record(net.node("c"));
    SimNode a = net.node("a");
    for (int i = 0; i < 10; i++) {
      a.send("b", numbered(i, 100));
      a.send("c", numbered(i, 100));
    }
    vts.advanceTimeBy(Duration.ofSeconds(2));
    assertThat(atB)
        .extracting(Received::atMillis)
        .containsExactly(100L, 200L, 300L, 400L, 500L, 600L, 700L, 800L, 900L, 1000L);
    assertThat(atC).extracting(Received::seq).containsExactly(0, 1, 2);
    assertThat(net.link("a", "c").stats().lost()).isEqualTo(7);
  }

  // ------------------------------------------------------------------ partitions and node death

  @Test
  void partitionDropsBothWaysIncludingInFlightThenHealRestores() {
    VirtualTimeScheduler vts = clock();
    SimNetwork net = SimNetwork.create(9, vts);
    net.defaults().delay(10, 10);
    SimNode a = net.node("a");
    SimNode b = net.node("b");
    List<Received> atA = record(a);
    List<Received> atB = record(b);
    List<Received> atC = record(net.node("c"));

    a.send("b", numbered(1, 4)); // in flight when the partition starts
    vts.advanceTimeBy(Duration.ofMillis(5));
    net.partition("a", "b");
    a.send("b", numbered(2, 4));
    b.send("a", numbered(3, 4));
    a.send("c", numbered(4, 4)); // others are unaffected
    vts.advanceTimeBy(Duration.ofMillis(5));
    net.heal("a", "b"); // packet 2 and 3 are still in the air: sent into a cut, they stay lost
    vts.advanceTimeBy(Duration.ofMillis(50));
    assertThat(atA).isEmpty();
    assertThat(atB).isEmpty();
    assertThat(atC).extracting(Received::seq).containsExactly(4);
    assertThat(net.link("a", "b").stats().lost()).isEqualTo(2);
    assertThat(net.link("b", "a").stats().lost()).isEqualTo(1);

    a.send("b", numbered(5, 4));
    b.send("a", numbered(6, 4));
    vts.advanceTimeBy(Duration.ofMillis(10));
    assertThat(atB).extracting(Received::seq).containsExactly(5);
    assertThat(atA).extracting(Received::seq).containsExactly(6);
  }

  @Test
  void killedNodeDropsEverythingUntilRevived() {
    VirtualTimeScheduler vts = clock();
    SimNetwork net = SimNetwork.create(10, vts);
    net.defaults().delay(10, 10);
    SimNode a = net.node("a");
    SimNode b = net.node("b");
    List<Received> atA = record(a);
    List<Received> atB = record(b);

    a.send("b", numbered(1, 4)); // in flight when b dies
    net.kill("b");
    assertThat(net.isAlive("b")).isFalse();
    a.send("b", numbered(2, 4));
    b.send("a", numbered(3, 4));
    vts.advanceTimeBy(Duration.ofMillis(50));
    assertThat(atA).isEmpty();
    assertThat(atB).isEmpty();
    assertThat(net.totals().lost()).isEqualTo(3);

    net.revive("b");
    a.send("b", numbered(4, 4));
    b.send("a", numbered(5, 4));
    vts.advanceTimeBy(Duration.ofMillis(10));
    assertThat(atB).extracting(Received::seq).containsExactly(4);
    assertThat(atA).extracting(Received::seq).containsExactly(5);
  }

  @Test
  void packetsToANameNobodyHasAreLost() {
    VirtualTimeScheduler vts = clock();
    SimNetwork net = SimNetwork.create(11, vts);
    net.node("a").send("nobody", numbered(1, 4));
    vts.advanceTime();
    assertThat(net.link("a", "nobody").stats()).isEqualTo(new LinkStats(1, 0, 1, 0, 0));
  }

  // ------------------------------------------------------------------ nodes

  @Test
  void disposedNodeCompletesAndItsNameCanBeTakenAgain() {
    VirtualTimeScheduler vts = clock();
    SimNetwork net = SimNetwork.create(12, vts);
    SimNode b = net.node("b");
    StepVerifier.create(b.receive()).then(b::dispose).expectComplete().verify(TIMEOUT);
    StepVerifier.create(b.receive()).expectComplete().verify(TIMEOUT);
    b.send("a", numbered(0, 4));
    assertThat(net.link("b", "a").stats().lost()).isEqualTo(1);

    SimNode again = net.node("b");
    assertThat(again).isNotSameAs(b);
    List<Received> got = record(again);
    net.node("a").send("b", numbered(7, 4));
    vts.advanceTime();
    assertThat(got).extracting(Received::seq).containsExactly(7);
  }

  @Test
  void allowsOneSubscriberAtATimeAndCountsWhatNobodyReads() {
    VirtualTimeScheduler vts = clock();
    SimNetwork net = SimNetwork.create(13, vts);
    SimNode b = net.node("b");
    net.node("a").send("b", numbered(0, 4));
    vts.advanceTime();
    assertThat(b.droppedInbound()).isEqualTo(1);
    assertThat(net.link("a", "b").stats().delivered()).isEqualTo(1);

    Disposable first = b.receive().subscribe();
    StepVerifier.create(b.receive()).expectError(IllegalStateException.class).verify(TIMEOUT);
    first.dispose();
    StepVerifier.create(b.receive())
        .then(() -> net.node("a").send("b", numbered(1, 4)))
        .then(vts::advanceTime)
        .assertNext(p -> assertThat(p.from()).isEqualTo("a"))
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void sentBytesAreCopied() {
    VirtualTimeScheduler vts = clock();
    SimNetwork net = SimNetwork.create(14, vts);
    net.link("a", "b").delay(1, 1);
    List<Received> atB = record(net.node("b"));
    byte[] data = {1, 2, 3, 4};
    net.node("a").send("b", data);
    data[0] = 9;
    vts.advanceTimeBy(Duration.ofMillis(1));
    assertThat(atB.get(0).packet().data()).containsExactly(1, 2, 3, 4);
  }

  // ------------------------------------------------------------------ configuration

  @Test
  void linksFollowTheDefaultsExceptForWhatTheySetThemselves() {
    SimNetwork net = SimNetwork.create(15, clock());
    net.defaults().delay(7, 9).loss(0.1);
    net.link("a", "b").loss(0.5);
    assertThat(net.link("a", "b").conditions())
        .isEqualTo(LinkConditions.PERFECT.withDelay(7, 9).withLoss(0.5));
    assertThat(net.link("a", "c").conditions())
        .isEqualTo(LinkConditions.PERFECT.withDelay(7, 9).withLoss(0.1));
    net.defaults().delay(1, 2);
    assertThat(net.link("a", "b").conditions().maxDelayMillis()).isEqualTo(2);
    net.link("a", "b").reset();
    assertThat(net.link("a", "b").conditions().loss()).isEqualTo(0.1);
  }

  @Test
  void rejectsNonsenseSettingsAtOnce() {
    SimNetwork net = SimNetwork.create(16, clock());
    SimLink l = net.link("a", "b");
    assertThatThrownBy(() -> l.loss(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> l.loss(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> l.delay(5, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> l.reorder(0.1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> l.bandwidth(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(l.conditions()).isEqualTo(LinkConditions.PERFECT);
  }

  @Test
  void linkSeedsDifferPerDirectionAndPerName() {
    assertThat(SimNetwork.linkSeed(1, "a", "b")).isNotEqualTo(SimNetwork.linkSeed(1, "b", "a"));
    assertThat(SimNetwork.linkSeed(1, "ab", "c")).isNotEqualTo(SimNetwork.linkSeed(1, "a", "bc"));
    assertThat(SimNetwork.linkSeed(1, "a", "b")).isNotEqualTo(SimNetwork.linkSeed(2, "a", "b"));
    assertThat(SimNetwork.linkSeed(1, "a", "b")).isEqualTo(SimNetwork.linkSeed(1, "a", "b"));
  }
}
