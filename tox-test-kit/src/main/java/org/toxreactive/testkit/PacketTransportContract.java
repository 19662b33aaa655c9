package org.toxreactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.BytesPool;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * The {@link PacketTransport} contract as a suite: a transport's test extends this class and says
 * how to make two transports that reach each other; every MUST of the interface's javadoc is then
 * checked the same way for every transport (ordering on one path, one subscriber at a time,
 * disposal completing {@code receive()}, oversize and unknown paths refused without throwing,
 * backpressure dropping and counting instead of buffering, concurrent senders), and the two
 * internal variants: a borrowed array is copied before {@code offer} returns, and leased inbound
 * bytes stay intact until released while released ones are reused without corrupting others.
 *
 * <p>Run by this project against UDP, the relay pool and {@link SimTransport}; a transport of your
 * own gets the same checks by extending it in a JUnit 5 test:
 *
 * <pre>{@code
 * class MyTransportContractTest extends PacketTransportContract {
 *   protected Pair connectedPair() { ... two MyTransports that reach each other ... }
 *   protected Path unservedPath(PacketTransport t) { return Path.relay(someKey, otherKey); }
 *   protected long droppedInbound(PacketTransport t) { return ((MyTransport) t).drops(); }
 * }
 * }</pre>
 *
 * <p>The waits are on the wall clock (bounded by {@link #timeout()}, never sleeps), since most
 * transports do real I/O; a simulated network under test needs a real scheduler here, not a virtual
 * one. Both transports of a {@link Pair} are disposed after each test.
 */
public abstract class PacketTransportContract {
  /** For subclasses. */
  protected PacketTransportContract() {}

  /**
   * Two transports that can reach each other, and the path each one uses for the other.
   *
   * @param a the sending side of most tests
   * @param aToB the path on which {@code a} reaches {@code b}
   * @param b the receiving side of most tests (its inbound queue should be small)
   * @param bToA the path {@code b} sees {@code a}'s packets come from
   */
  public record Pair(PacketTransport a, Path aToB, PacketTransport b, Path bToA) {}

  /**
   * Two fresh transports that reach each other. {@code b}'s inbound queue should be small (a few
   * dozen datagrams) so that the backpressure test fills it quickly. Called once per test.
   *
   * @return the pair, owned by the suite from now on (disposed after the test)
   */
  protected abstract Pair connectedPair();

  /**
   * A path of a kind or to a place that {@code transport} cannot serve.
   *
   * @param transport one of the pair's transports
   * @return a path for which {@code transport.serves(path)} must be false
   */
  protected abstract Path unservedPath(PacketTransport transport);

  /**
   * How many inbound datagrams {@code transport} dropped for a slow or absent subscriber.
   *
   * @param transport one of the pair's transports
   * @return its drop counter now (any starting value; the suite compares differences)
   */
  protected abstract long droppedInbound(PacketTransport transport);

  /**
   * How many packets the backpressure test sends to a subscriber that requests none: more than
   * {@code b}'s inbound queue holds.
   *
   * @return the number of packets, 300 unless overridden
   */
  protected int backpressureBurst() {
    return 300;
  }

  /**
   * The bound on every wait of the suite.
   *
   * @return 10 seconds unless overridden
   */
  protected Duration timeout() {
    return Duration.ofSeconds(10);
  }

  private Pair pair;
  private final List<Disposable> subscriptions = new ArrayList<>();

  @BeforeEach
  void connect() {
    pair = connectedPair();
  }

  @AfterEach
  void disposeAll() {
    subscriptions.forEach(Disposable::dispose);
    if (pair != null) {
      pair.a().dispose();
      pair.b().dispose();
    }
  }

  private static Bytes packet(int i, int size) {
    byte[] b = new byte[size];
    for (int k = 0; k < size; k++) {
      b[k] = (byte) (i >>> (8 * (k % 4)));
    }
    return Bytes.of(b);
  }

  /** Everything {@code t} receives from now on. */
  private Queue<Datagram> collect(PacketTransport t) {
    Queue<Datagram> got = new ConcurrentLinkedQueue<>();
    subscriptions.add(t.receive().subscribe(got::add));
    return got;
  }

  @Test
  void packetsSentOnOnePathArriveInOrderWithTheSendersPath() {
    Queue<Datagram> got = collect(pair.b());
    int n = 100;
    List<Bytes> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Bytes p = packet(i, 16 + i);
      sent.add(p);
      pair.a().send(pair.aToB(), p).block(timeout());
    }
    await().atMost(timeout()).until(() -> got.size() >= n);
    assertThat(got).extracting(Datagram::data).containsExactlyElementsOf(sent);
    assertThat(got).extracting(Datagram::path).containsOnly(pair.bToA());
  }

  @Test
  void aSecondConcurrentSubscriberIsRefusedAndOneAfterTheFirstIsServed() throws Exception {
    Disposable first = pair.b().receive().subscribe();
    assertRefusedWhileAnotherSubscribes(pair.b().receive());
    first.dispose();

    Queue<Datagram> got = collect(pair.b());
    Bytes p = packet(7, 32);
    // the re-subscription may take effect asynchronously: send until one arrives
    await()
        .atMost(timeout())
        .until(
            () -> {
              pair.a().send(pair.aToB(), p).block(timeout());
              return !got.isEmpty();
            });
    assertThat(got.peek().data()).isEqualTo(p);
  }

  @Test
  void disposalCompletesReceive() throws Exception {
    CompletableFuture<Void> completed = pair.b().receive().then().toFuture();
    pair.b().dispose();
    completed.get(timeout().toMillis(), TimeUnit.MILLISECONDS); // throws if it errored
    assertThat(pair.b().isDisposed()).isTrue();
    assertThat(completed).isCompleted();
  }

  @Test
  void aPacketOfMaxPacketSizeIsSentAndOneByteMoreIsRefusedWithoutThrowing() {
    Queue<Datagram> got = collect(pair.b());
    int max = pair.a().maxPacketSize();
    Bytes largest = packet(1, max);
    pair.a().send(pair.aToB(), largest).block(timeout());
    await().atMost(timeout()).until(() -> !got.isEmpty());
    assertThat(got.peek().data()).isEqualTo(largest);

    Bytes tooBig = packet(2, max + 1);
    Throwable error = sendError(pair.a(), pair.aToB(), tooBig);
    assertThat(error).isInstanceOf(IllegalArgumentException.class);
    assertThat(error.getMessage()).as("one line naming the size").doesNotContain("\n");
    assertThat(pair.a().offer(pair.aToB(), tooBig)).isFalse();
  }

  @Test
  void aPathItCannotServeIsRefusedWithoutThrowing() {
    Path unserved = unservedPath(pair.a());
    assertThat(pair.a().serves(unserved)).isFalse();
    assertThat(pair.a().serves(pair.aToB())).isTrue();
    Throwable error = sendError(pair.a(), unserved, packet(3, 8));
    assertThat(error).isInstanceOf(IllegalArgumentException.class);
    assertThat(error.getMessage()).doesNotContain("\n");
    assertThat(pair.a().offer(unserved, packet(3, 8))).isFalse();
  }

  @Test
  void aSubscriberThatRequestsNothingMakesItDropAndCountNotBuffer() {
    Queue<Datagram> got = new ConcurrentLinkedQueue<>();
    AtomicReference<Subscription> upstream = new AtomicReference<>();
    BaseSubscriber<Datagram> slow =
        new BaseSubscriber<>() {
          @Override
          protected void hookOnSubscribe(Subscription s) {
            upstream.set(s); // requests nothing yet
          }

          @Override
          protected void hookOnNext(Datagram d) {
            got.add(d);
          }
        };
    pair.b().receive().subscribe(slow);
    subscriptions.add(slow);
    long droppedBefore = droppedInbound(pair.b());
    int n = backpressureBurst();
    for (int i = 0; i < n; i++) {
      pair.a().send(pair.aToB(), packet(i, 64)).block(timeout());
    }
    await().atMost(timeout()).until(() -> droppedInbound(pair.b()) > droppedBefore);
    assertThat(got).as("nothing delivered before it was requested").isEmpty();
    Objects.requireNonNull(upstream.get(), "receive() was not subscribed").request(Long.MAX_VALUE);
    // what was neither dropped nor delivered is still queued: wait for the queue to drain
    await()
        .atMost(timeout())
        .untilAsserted(
            () ->
                assertThat(got.size() + (droppedInbound(pair.b()) - droppedBefore))
                    .as("delivered + dropped")
                    .isEqualTo(n));
    assertThat(got.size()).as("a bounded queue, not all %d", n).isLessThan(n);
  }

  @Test
  void concurrentSendersLoseNothingAndCorruptNothing() throws Exception {
    Queue<Datagram> got = collect(pair.b());
    int threads = 4;
    int each = 25;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < each; i++) {
                    Bytes p = packet(thread * 1000 + i, 40);
                    if (i % 2 == 0) {
                      pair.a().send(pair.aToB(), p).block(timeout());
                    } else {
                      assertThat(pair.a().offer(pair.aToB(), p)).isTrue();
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    Set<Bytes> expected = new HashSet<>();
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < each; i++) {
        expected.add(packet(t * 1000 + i, 40));
      }
    }
    await().atMost(timeout()).until(() -> got.size() >= threads * each);
    assertThat(got).extracting(Datagram::data).containsExactlyInAnyOrderElementsOf(expected);
  }

  /** The caller may overwrite a borrowed array as soon as offer returns. */
  @Test
  void aBorrowedArrayIsCopiedBeforeOfferReturns() {
    Queue<Datagram> got = collect(pair.b());
    int n = 50;
    int size = 64;
    byte[] reused = new byte[8 + size + 8];
    List<Bytes> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Bytes p = packet(i, size);
      sent.add(p);
      p.copyTo(0, reused, 8, size);
      assertThat(pair.a().offer(pair.aToB(), reused, 8, size)).isTrue();
      Arrays.fill(reused, (byte) 0xFF); // what the transport still read from here would show
    }
    await().atMost(timeout()).until(() -> got.size() >= n);
    assertThat(got).extracting(Datagram::data).containsExactlyInAnyOrderElementsOf(sent);
    assertThat(got).extracting(Datagram::path).containsOnly(pair.bToA());
  }

  @Test
  void aBorrowedArrayOutsideItsBoundsTooLongOrOnAnUnservedPathIsRefusedWithoutThrowing() {
    byte[] array = new byte[pair.a().maxPacketSize() + 2];
    assertThat(pair.a().offer(pair.aToB(), array, -1, 4)).isFalse();
    assertThat(pair.a().offer(pair.aToB(), array, 0, -1)).isFalse();
    assertThat(pair.a().offer(pair.aToB(), array, 3, array.length - 2)).isFalse();
    assertThat(pair.a().offer(pair.aToB(), array, 1, pair.a().maxPacketSize() + 1)).isFalse();
    assertThat(pair.a().offer(unservedPath(pair.a()), array, 0, 8)).isFalse();
  }

  /**
   * Data packets (first byte 0x1B, the kind UDP lends) through {@link
   * PacketTransport#receiveLeased()}: every released loan may hold the next datagram, every loan
   * kept (each 10th) must still hold its own bytes at the end, and each datagram's bytes are what
   * was sent, in order.
   */
  @Test
  void leasedBytesHoldWhatWasSentUntilReleasedAndReleasedOnesCorruptNoOther() {
    int n = 100;
    List<Bytes> copies = new ArrayList<>();
    List<Bytes> kept = new ArrayList<>();
    subscriptions.add(
        pair.b()
            .receiveLeased()
            .subscribe(
                d -> {
                  synchronized (copies) {
                    copies.add(Bytes.of(d.data().toArray()));
                    if (copies.size() % 10 == 1) {
                      kept.add(d.data()); // not released: its array must stay ours
                    } else {
                      BytesPool.release(d.data());
                    }
                  }
                }));
    List<Bytes> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] b = packet(i, 100 + i).toArray();
      b[0] = 0x1B;
      Bytes p = Bytes.of(b);
      sent.add(p);
      pair.a().send(pair.aToB(), p).block(timeout());
    }
    await()
        .atMost(timeout())
        .until(
            () -> {
              synchronized (copies) {
                return copies.size() >= n;
              }
            });
    synchronized (copies) {
      assertThat(copies).containsExactlyElementsOf(sent);
      List<Bytes> keptSent = new ArrayList<>();
      for (int i = 0; i < n; i += 10) {
        keptSent.add(sent.get(i));
      }
      assertThat(kept).containsExactlyElementsOf(keptSent);
    }
  }

  @Test
  void receiveLeasedSharesReceivesOneSubscriberRule() throws Exception {
    subscriptions.add(pair.b().receive().subscribe());
    assertRefusedWhileAnotherSubscribes(pair.b().receiveLeased());
  }

  /** Subscribes to {@code second} while another subscriber holds the transport: it must error. */
  private void assertRefusedWhileAnotherSubscribes(Flux<?> second) throws InterruptedException {
    AtomicReference<Throwable> refused = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    subscriptions.add(
        second.subscribe(
            d -> {},
            e -> {
              refused.set(e);
              done.countDown();
            }));
    assertThat(done.await(timeout().toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(refused.get()).isInstanceOf(IllegalStateException.class);
  }

  /** The error {@code send} signals; fails if it throws instead or completes. */
  private Throwable sendError(PacketTransport t, Path path, Bytes data) {
    AtomicReference<Throwable> error = new AtomicReference<>();
    CountDownLatch signalled = new CountDownLatch(1);
    t.send(path, data)
        .subscribe(
            null,
            e -> {
              error.set(e);
              signalled.countDown();
            },
            signalled::countDown);
    try {
      assertThat(signalled.await(timeout().toMillis(), TimeUnit.MILLISECONDS))
          .as("send signalled")
          .isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    assertThat(error.get()).as("send of %d bytes on %s errored", data.length(), path).isNotNull();
    return Objects.requireNonNull(error.get(), "send signalled no error");
  }
}
