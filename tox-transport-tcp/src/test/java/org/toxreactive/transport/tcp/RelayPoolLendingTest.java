package org.toxreactive.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.BytesPool;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.Path;
import org.toxreactive.core.transport.PathEvent;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * The relay pool's borrowed offer and leased receive (issue 14 item 5), against {@link
 * TestRelayServer#echoing}: a relay that puts every route online at once and sends each data packet
 * back to its sender, so one pool sends to a peer and receives the same bytes from it. Packets
 * start with 0x1B, a net_crypto data packet: the kind the pool lends. No sleeps: waits are latches
 * or bounded polls of counters.
 */
class RelayPoolLendingTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int SIZE = 1300;

  private final List<Disposable> subscriptions = new ArrayList<>();
  private TestRelayServer relay;
  private RelayPool pool;
  private Path toPeer;

  @AfterEach
  void close() {
    subscriptions.forEach(Disposable::dispose);
    if (pool != null) {
      pool.disposeNow(TIMEOUT);
    }
    if (relay != null) {
      relay.close();
    }
  }

  /** An echoing relay (data back on {@code echoId}) and a pool whose route to a peer is online. */
  private void start(int echoId, int receiveQueue) {
    relay = TestRelayServer.echoing(echoId);
    pool =
        RelayPool.create(KeyPair.generate())
            .relays(List.of(relay.address()))
            .receiveQueue(receiveQueue)
            .connectNow();
    PublicKey peer = KeyPair.generate().publicKey();
    toPeer = Path.relay(relay.keys.publicKey(), peer);
    StepVerifier.create(pool.pathEvents().filter(PathEvent::usable).next())
        .then(() -> pool.route(peer))
        .expectNextMatches(e -> e.path().equals(toPeer))
        .expectComplete()
        .verify(TIMEOUT);
  }

  /**
   * Packet {@code i}: a net_crypto data packet (0x1B) of {@link #SIZE} bytes numbered {@code i}.
   */
  private static byte[] packet(int i) {
    byte[] b = new byte[SIZE];
    for (int k = 0; k < SIZE; k++) {
      b[k] = (byte) (i * 31 + k);
    }
    b[0] = 0x1B;
    b[1] = (byte) (i >> 8);
    b[2] = (byte) i;
    return b;
  }

  /** Polls {@code condition} every 5 ms, at most {@link #TIMEOUT}; fails if it never holds. */
  private static void awaitUntil(String what, BooleanSupplier condition) {
    Boolean held =
        Flux.interval(Duration.ZERO, Duration.ofMillis(5))
            .map(t -> condition.getAsBoolean())
            .filter(b -> b)
            .next()
            .block(TIMEOUT);
    assertThat(held).as(what).isTrue();
  }

  /** Copies every datagram's bytes, notes whether each was a loan (ending it), counts down. */
  private record Received(List<Bytes> copies, List<Boolean> loans, CountDownLatch latch) {
    static Received expecting(int n) {
      return new Received(new ArrayList<>(), new ArrayList<>(), new CountDownLatch(n));
    }

    synchronized void take(Datagram d) {
      copies.add(Bytes.of(d.data().toArray()));
      loans.add(BytesPool.release(d.data()));
      latch.countDown();
    }

    void await() throws InterruptedException {
      assertThat(latch.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
          .as("%d datagrams still missing", latch.getCount())
          .isTrue();
    }
  }

  @Test
  void aBorrowedOfferDeliversIdenticalPacketsAndTheArrayMayBeOverwrittenRightAfterReturn()
      throws Exception {
    start(16, 1024);
    int n = 300;
    Received got = Received.expecting(n);
    subscriptions.add(pool.receiveLeased().subscribe(got::take));
    byte[] reused = new byte[8 + SIZE + 8];
    List<Bytes> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] p = packet(i);
      sent.add(Bytes.of(p));
      System.arraycopy(p, 0, reused, 8, SIZE);
      assertThat(pool.offer(toPeer, reused, 8, SIZE)).isTrue();
      Arrays.fill(reused, (byte) 0xFF); // what a transport still reading this array would send
    }
    got.await();
    synchronized (got) {
      assertThat(got.copies()).containsExactlyElementsOf(sent); // TCP and the echo keep the order
      assertThat(got.loans()).containsOnly(true);
    }
    assertThat(relay.accepted.get()).isEqualTo(1);
  }

  @Test
  void aBorrowedOfferIsRefusedWithoutThrowingForBadOffsetsAnEmptyPacketOrAnotherRelay() {
    start(16, 1024);
    byte[] array = new byte[RelayPool.MAX_PACKET_SIZE + 2];
    assertThat(pool.offer(toPeer, array, -1, 4)).isFalse();
    assertThat(pool.offer(toPeer, array, 0, -1)).isFalse();
    assertThat(pool.offer(toPeer, array, 0, 0)).isFalse();
    assertThat(pool.offer(toPeer, array, 3, array.length - 2)).isFalse();
    assertThat(pool.offer(toPeer, array, 0, RelayPool.MAX_PACKET_SIZE + 1)).isFalse();
    Path otherRelay = Path.relay(KeyPair.generate().publicKey(), KeyPair.generate().publicKey());
    assertThat(pool.offer(otherRelay, array, 0, 8)).isFalse();
    assertThat(pool.offer(Path.udp(new java.net.InetSocketAddress("127.0.0.1", 1)), array, 0, 8))
        .isFalse();
  }

  @Test
  void receiveGivesOrdinaryBytesAndReceiveLeasedLendsOnlyNetCryptoDataPackets() throws Exception {
    start(16, 1024);
    Received plain = Received.expecting(20);
    Disposable first = pool.receive().subscribe(plain::take);
    for (int i = 0; i < 20; i++) {
      assertThat(pool.offer(toPeer, packet(i), 0, SIZE)).isTrue();
    }
    plain.await();
    first.dispose();
    synchronized (plain) {
      assertThat(plain.loans()).containsOnly(false);
      assertThat(plain.copies()).containsExactlyElementsOf(sentBytes(0, 20));
    }
    assertThat(pool.lender().created()).isZero();

    Received leased = Received.expecting(3);
    subscriptions.add(pool.receiveLeased().subscribe(leased::take));
    byte[] cookieLike = packet(1);
    cookieLike[0] = 0x18; // another net_crypto kind: copied, not lent
    byte[] data = packet(2);
    assertThat(pool.offer(toPeer, cookieLike, 0, SIZE)).isTrue();
    assertThat(pool.offer(toPeer, data, 0, SIZE)).isTrue();
    assertThat(pool.offer(toPeer, data, 0, 1)).isTrue(); // just the kind byte: lent too
    leased.await();
    synchronized (leased) {
      assertThat(leased.loans()).containsExactly(false, true, true);
      assertThat(leased.copies())
          .containsExactly(Bytes.of(cookieLike), Bytes.of(data), Bytes.of((byte) 0x1B));
    }
  }

  private static List<Bytes> sentBytes(int from, int to) {
    List<Bytes> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(Bytes.of(packet(i)));
    }
    return out;
  }

  /** Takes nothing until told: datagrams wait in the pool's queue, then overflow it. */
  private static final class Holding extends BaseSubscriber<Datagram> {
    @Override
    protected void hookOnSubscribe(Subscription subscription) {}
  }

  @Test
  void loansDroppedOnOverflowAndStillQueuedOnCancelGoBackToThePool() {
    int queue = 8;
    start(16, queue);
    Holding holding = new Holding();
    pool.receiveLeased().subscribe(holding);
    subscriptions.add(holding);
    int n = 100;
    for (int i = 0; i < n; i++) {
      assertThat(pool.offer(toPeer, packet(i), 0, SIZE)).isTrue();
    }
    awaitUntil("every packet queued or dropped", () -> pool.droppedInbound() == n - queue);
    PayloadLender lender = pool.lender();
    // the queued ones hold an array each; each dropped one was handed back before the next came
    assertThat(lender.created()).isLessThanOrEqualTo(queue + 1);
    assertThat(lender.free()).isEqualTo((int) lender.created() - queue);
    holding.cancel();
    // the queued ones came back (the pool keeps at most `queue` free arrays, the rest go to the GC)
    assertThat(lender.free()).isEqualTo(queue);
  }

  @Test
  void dataOnAConnectionIdWithoutARouteIsCountedAndItsLoanEnded() {
    start(17, 1024); // the relay answers on id 17, where we hold no route
    Received got = Received.expecting(1);
    subscriptions.add(pool.receiveLeased().subscribe(got::take));
    int n = 50;
    for (int i = 0; i < n; i++) {
      assertThat(pool.offer(toPeer, packet(i), 0, SIZE)).isTrue();
    }
    awaitUntil("every packet counted unrouted", () -> pool.unroutedData() == n);
    assertThat(got.latch().getCount()).isOne(); // nothing delivered
    assertThat(pool.lender().created()).isOne(); // one array, lent and ended 50 times
    assertThat(pool.lender().free()).isOne();
  }

  @Test
  void aRefusedSecondSubscriberLeavesTheFirstOnesLoansAlone() throws Exception {
    start(16, 1024);
    Received got = Received.expecting(1);
    subscriptions.add(pool.receiveLeased().subscribe(got::take));
    StepVerifier.create(pool.receiveLeased())
        .expectError(IllegalStateException.class)
        .verify(TIMEOUT);
    StepVerifier.create(pool.receive()).expectError(IllegalStateException.class).verify(TIMEOUT);
    assertThat(pool.lender().lending()).isTrue();
    assertThat(pool.offer(toPeer, packet(7), 0, SIZE)).isTrue();
    got.await();
    synchronized (got) {
      assertThat(got.loans()).containsExactly(true);
      assertThat(got.copies()).containsExactly(Bytes.of(packet(7)));
    }
  }
}
