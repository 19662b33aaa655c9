package org.toxreactive.transport.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.Path;
import reactor.core.Disposable;
import reactor.netty.resources.LoopResources;
import reactor.test.StepVerifier;

/**
 * The outbound queue of {@link UdpTransport} ({@link UdpOutbound}) on real sockets on 127.0.0.1:
 * batches, order per sending thread, the bound, and disposal with datagrams still queued. The
 * sender runs on an event loop of its own, which a test may hold busy (a task waiting on a latch)
 * so that datagrams pile up in the queue deterministically.
 */
class UdpOutboundTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final LoopResources loops = LoopResources.create("udp-outbound-test", 1, true);
  private final List<UdpTransport> open = new ArrayList<>();
  private final List<Disposable> subscriptions = new ArrayList<>();
  private final CountDownLatch unblock = new CountDownLatch(1);

  @AfterEach
  void tearDown() {
    unblock.countDown();
    subscriptions.forEach(Disposable::dispose);
    for (UdpTransport t : open) {
      t.disposeNow(TIMEOUT);
    }
    loops.disposeLater(Duration.ZERO, TIMEOUT).block(TIMEOUT);
  }

  private UdpTransport bind(UdpTransport.Builder builder) {
    UdpTransport t = builder.bindNow(TIMEOUT);
    open.add(t);
    return t;
  }

  /** A sender on this test's own event loop. */
  private UdpTransport sender(int sendQueue) {
    return bind(UdpTransport.create().host("127.0.0.1").sendQueue(sendQueue).loopResources(loops));
  }

  private UdpTransport receiver() {
    return bind(UdpTransport.create().host("127.0.0.1").receiveQueue(8192));
  }

  private Queue<Datagram> collect(UdpTransport t) {
    Queue<Datagram> got = new ConcurrentLinkedQueue<>();
    subscriptions.add(t.receive().subscribe(got::add));
    return got;
  }

  /** Holds {@code t}'s event loop busy until {@link #unblock} opens; returns once it is held. */
  private void holdLoop(UdpTransport t) throws InterruptedException {
    CountDownLatch held = new CountDownLatch(1);
    t.channel()
        .eventLoop()
        .execute(
            () -> {
              held.countDown();
              try {
                unblock.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    assertThat(held.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
  }

  /** Counts writes and flushes that pass through the channel's pipeline. */
  private static final class Counting extends ChannelOutboundHandlerAdapter {
    final AtomicInteger writes = new AtomicInteger();
    final AtomicInteger flushes = new AtomicInteger();

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      writes.incrementAndGet();
      ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      flushes.incrementAndGet();
      ctx.flush();
    }
  }

  private static Counting count(UdpTransport t) {
    Counting c = new Counting();
    t.channel().pipeline().addFirst("test.count", c);
    return c;
  }

  /** Datagram {@code seq} of {@code thread}: its header, then a pattern of both, 9..1400 bytes. */
  private static byte[] datagram(int thread, int seq) {
    int length = 9 + (seq * 131 + thread * 17) % (UdpTransport.MAX_PACKET_SIZE - 8);
    byte[] b = new byte[length];
    ByteBuffer header = ByteBuffer.wrap(b);
    header.put((byte) (0x40 + thread)); // no net_crypto kind: nothing is rate-limited
    header.putInt(seq);
    header.putInt(length);
    for (int i = 9; i < length; i++) {
      b[i] = (byte) (seq * 7 + thread * 31 + i);
    }
    return b;
  }

  @Test
  void datagramsQueuedWhileTheLoopIsBusyGoOutInOneFlushInOrder() throws Exception {
    UdpTransport a = sender(4096);
    UdpTransport b = receiver();
    Queue<Datagram> got = collect(b);
    Counting counting = count(a);
    Path toB = Path.udp(b.localAddress());
    int n = 200;

    holdLoop(a);
    for (int i = 0; i < n; i++) {
      assertThat(a.offer(toB, Bytes.of(datagram(0, i)))).isTrue();
    }
    assertThat(counting.writes).as("nothing written while the loop is busy").hasValue(0);
    unblock.countDown();

    await().atMost(TIMEOUT).until(() -> got.size() >= n);
    assertThat(counting.writes).hasValue(n);
    assertThat(counting.flushes).as("one flush for the batch, not one per datagram").hasValue(1);
    List<Bytes> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expected.add(Bytes.of(datagram(0, i)));
    }
    assertThat(got).extracting(Datagram::data).containsExactlyElementsOf(expected);
    assertThat(a.sendFailures()).isZero();
  }

  @Test
  void offersOnTheEventLoopAreWrittenAtOnceAndFlushedOnceAtTheEndOfTheTurn() throws Exception {
    UdpTransport a = sender(16);
    UdpTransport b = receiver();
    Queue<Datagram> got = collect(b);
    Counting counting = count(a);
    Path toB = Path.udp(b.localAddress());
    int n = 50; // more than the queue holds: the loop's own writes do not go through it
    CountDownLatch offered = new CountDownLatch(1);
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger flushesDuringTheTask = new AtomicInteger(-1);
    byte[] reused = new byte[UdpTransport.MAX_PACKET_SIZE];

    a.channel()
        .eventLoop()
        .execute(
            () -> {
              for (int i = 0; i < n; i++) {
                byte[] d = datagram(1, i);
                System.arraycopy(d, 0, reused, 0, d.length);
                if (a.offer(toB, reused, 0, d.length)) {
                  accepted.incrementAndGet();
                }
                Arrays.fill(reused, (byte) 0xFF); // borrowed: copied before offer returned
              }
              flushesDuringTheTask.set(counting.flushes.get());
              offered.countDown();
            });
    assertThat(offered.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    await().atMost(TIMEOUT).until(() -> got.size() >= n);
    assertThat(accepted).hasValue(n);
    assertThat(flushesDuringTheTask).as("no flush while the task offers").hasValue(0);
    assertThat(counting.flushes).hasValue(1);
    List<Bytes> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expected.add(Bytes.of(datagram(1, i)));
    }
    assertThat(got).extracting(Datagram::data).containsExactlyElementsOf(expected);
    assertThat(a.refusedOutbound()).isZero();
  }

  /**
   * Four threads, 2,500 datagrams each, through {@code offer(Bytes)}, the borrowed {@code offer}
   * and {@code send} in turn; at most 256 in flight (released as they arrive), so the kernel never
   * drops one on loopback. Every datagram arrives intact, each thread's in its order.
   */
  @Test
  void manyDatagramsFromSeveralThreadsArriveIntactInOrderPerThread() throws Exception {
    UdpTransport a = sender(4096);
    UdpTransport b = receiver();
    int threads = 4;
    int each = 2500;
    Semaphore inFlight = new Semaphore(256);
    int[] next = new int[threads];
    List<String> wrong = new ArrayList<>(); // b's event loop only, read after the last arrival
    AtomicInteger arrived = new AtomicInteger();
    subscriptions.add(
        b.receive()
            .subscribe(
                d -> {
                  byte[] data = d.data().toArray();
                  int thread = data[0] - 0x40;
                  int seq = ByteBuffer.wrap(data, 1, 4).getInt();
                  if (thread < 0 || thread >= threads) {
                    wrong.add("unknown sender " + thread);
                  } else if (seq != next[thread]) {
                    wrong.add("thread " + thread + ": " + seq + " after " + (next[thread] - 1));
                    next[thread] = seq + 1;
                  } else if (!Arrays.equals(data, datagram(thread, seq))) {
                    wrong.add("thread " + thread + ": datagram " + seq + " corrupted");
                    next[thread]++;
                  } else {
                    next[thread]++;
                  }
                  arrived.incrementAndGet();
                  inFlight.release();
                }));
    Path toB = Path.udp(b.localAddress());
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
                  byte[] reused = new byte[UdpTransport.MAX_PACKET_SIZE];
                  for (int i = 0; i < each; i++) {
                    if (!inFlight.tryAcquire(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                      throw new AssertionError("thread " + thread + " stuck at " + i);
                    }
                    byte[] d = datagram(thread, i);
                    switch (i % 3) {
                      case 0 -> assertThat(a.offer(toB, Bytes.of(d))).isTrue();
                      case 1 -> {
                        System.arraycopy(d, 0, reused, 0, d.length);
                        assertThat(a.offer(toB, reused, 0, d.length)).isTrue();
                      }
                      default -> a.send(toB, Bytes.of(d)).subscribe();
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    await().atMost(TIMEOUT).until(() -> arrived.get() >= threads * each);
    b.disposeNow(TIMEOUT); // no further emission: the checker's state is final
    assertThat(wrong).isEmpty();
    assertThat(next).containsOnly(each);
    assertThat(arrived).hasValue(threads * each);
    assertThat(b.droppedInbound()).isZero();
    assertThat(a.sendFailures()).isZero();
    assertThat(a.refusedOutbound()).isZero();
  }

  @Test
  void aFullQueueRefusesCountsAndSendsWhatItHeld() throws Exception {
    UdpTransport a = sender(16);
    UdpTransport b = receiver();
    Queue<Datagram> got = collect(b);
    Path toB = Path.udp(b.localAddress());

    holdLoop(a);
    for (int i = 0; i < 16; i++) {
      assertThat(a.offer(toB, Bytes.of(datagram(2, i)))).as("datagram %d", i).isTrue();
    }
    assertThat(a.offer(toB, Bytes.of(datagram(2, 16)))).isFalse();
    assertThat(a.offer(toB, new byte[8], 0, 8)).isFalse();
    StepVerifier.create(a.send(toB, Bytes.of(datagram(2, 17))))
        .expectErrorMessage("send queue of 16 datagrams full on " + a.localAddress())
        .verify(TIMEOUT);
    assertThat(a.refusedOutbound()).isEqualTo(3);
    unblock.countDown();

    await().atMost(TIMEOUT).until(() -> got.size() >= 16);
    List<Bytes> expected = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      expected.add(Bytes.of(datagram(2, i)));
    }
    assertThat(got).extracting(Datagram::data).containsExactlyElementsOf(expected);
    // room again once drained
    StepVerifier.create(a.send(toB, Bytes.of(datagram(2, 18)))).expectComplete().verify(TIMEOUT);
    assertThat(a.sendFailures()).isZero();
    assertThat(a.refusedOutbound()).isEqualTo(3);
  }

  /**
   * Disposed while datagrams wait behind a busy loop: the channel closes before the drain runs,
   * which then releases every queued buffer (the leak check after this class would fail otherwise),
   * counts the offers as failures and fails the sends.
   */
  @Test
  void disposingWithDatagramsQueuedReleasesThemAndCountsThem() throws Exception {
    UdpTransport a = sender(4096);
    UdpTransport b = receiver();
    Queue<Datagram> got = collect(b);
    Path toB = Path.udp(b.localAddress());

    holdLoop(a);
    a.dispose(); // the close waits behind the busy loop: the channel is still open
    for (int i = 0; i < 100; i++) {
      assertThat(a.offer(toB, Bytes.of(datagram(3, i)))).isTrue();
    }
    AtomicInteger sendErrors = new AtomicInteger();
    CountDownLatch sendDone = new CountDownLatch(1);
    a.send(toB, Bytes.of(datagram(3, 100)))
        .subscribe(
            ok -> {},
            e -> {
              sendErrors.incrementAndGet();
              sendDone.countDown();
            },
            sendDone::countDown);
    unblock.countDown();

    a.onDispose().block(TIMEOUT);
    assertThat(sendDone.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(sendErrors).hasValue(1);
    await().atMost(TIMEOUT).until(() -> a.sendFailures() == 100);
    assertThat(a.offer(toB, Bytes.of(datagram(3, 101)))).isFalse();
    assertThat(got).isEmpty();
  }
}
