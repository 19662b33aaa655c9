package org.toxreactive.benchmarks;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.CryptoConnection;
import org.toxreactive.netcrypto.Message;
import org.toxreactive.netcrypto.NetCrypto;
import org.toxreactive.netcrypto.NetCryptoNode;
import org.toxreactive.transport.udp.UdpTransport;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A lossless net_crypto transfer between two nodes over real UDP sockets on 127.0.0.1. The trial
 * setup connects A to B once; each operation moves one batch of {@code messages} lossless messages
 * (id 160, {@code size} payload bytes each) from A to B and returns when B's {@link
 * CryptoConnection#lossless()} has delivered all of them (their order is checked).
 *
 * <ul>
 *   <li>{@link #batch}: one {@link CryptoConnection#send} per operation, which also waits for that
 *       send to complete, i.e. for B to acknowledge every message: a connection allows one send at
 *       a time, so the next batch needs it. This is what an application calling {@code send} per
 *       batch gets, including the receiver's acknowledgement delay.
 *   <li>{@link #stream}: one {@code send} for the whole trial, fed batch by batch; an operation
 *       waits for delivery only. This is the delivery rate without the acknowledgement tail.
 * </ul>
 *
 * <p>The score is batches per second. Payload throughput in MB/s (10^6 bytes) is {@code score x
 * messages x size / 10^6}; with the defaults (1,000 x 1,300 bytes) that is {@code score x 1.3}.
 *
 * <pre>
 * java -jar tox-benchmarks/target/tox-benchmarks.jar NetCryptoTransfer -f 1 -wi 2 -i 3 -w 2s -r 2s
 * </pre>
 *
 * <p>{@link RelayTransferBenchmark} is the same transfer through a relay ({@link #open} and {@link
 * #closeTransports} are the hooks it overrides).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NetCryptoTransferBenchmark {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int ID = 160;

  /** Messages per operation. */
  @Param({"1000"})
  int messages;

  /** Payload bytes per message (plus one data id byte; 4..1372). */
  @Param({"1300"})
  int size;

  private UdpTransport udpA;
  private UdpTransport udpB;

  /** The two nodes' transports and A's path to B. */
  protected record Link(PacketTransport a, PacketTransport b, Path toB) {}

  private Scheduler schedulerA;
  private Scheduler schedulerB;
  private NetCryptoNode a;
  private NetCryptoNode b;
  private CryptoConnection sender;
  private CryptoConnection receiver;
  private List<Message> batchMessages;
  private Sinks.Many<Message> feed; // stream(): the trial's one publisher, created on first use
  private CompletableFuture<Void> feedSent;
  private final AtomicLong delivered = new AtomicLong();
  private volatile CountDownLatch pending = new CountDownLatch(0);
  private int nextExpected; // B's engine worker only

  /**
   * Opens the transports of A (DHT key {@code aDht}) and B ({@code bDht}): two UDP sockets here.
   *
   * @param aDht A's DHT key pair
   * @param bDht B's DHT key pair
   * @return the transports and A's path to B
   * @throws Exception if they cannot be opened
   */
  protected Link open(KeyPair aDht, KeyPair bDht) throws Exception {
    udpA = UdpTransport.create().host("127.0.0.1").port(0).receiveBuffer(1 << 21).bindNow();
    udpB = UdpTransport.create().host("127.0.0.1").port(0).receiveBuffer(1 << 21).bindNow();
    return new Link(udpA, udpB, Path.udp(udpB.localAddress()));
  }

  /**
   * What the transports dropped on the way in, for the summary line.
   *
   * @return e.g. {@code "UDP inbound dropped A=0 B=0"}
   */
  protected String inboundDrops() {
    return "UDP inbound dropped A=" + udpA.droppedInbound() + " B=" + udpB.droppedInbound();
  }

  /**
   * Closes what {@link #open} opened, after the nodes.
   *
   * @throws Exception if closing fails
   */
  protected void closeTransports() throws Exception {
    udpA.disposeNow(Duration.ofSeconds(5));
    udpB.disposeNow(Duration.ofSeconds(5));
  }

  @Setup(Level.Trial)
  public void connect() throws Exception {
    KeyPair aDht = KeyPair.generate();
    KeyPair bDht = KeyPair.generate();
    Link link = open(aDht, bDht);
    // Our own schedulers: a node disposes its default one gracefully, which leaves Reactor's
    // non-daemon await thread alive for 10 s and delays the exit of JMH's forked VM.
    schedulerA = Schedulers.newSingle("bench-netcrypto-a", true);
    schedulerB = Schedulers.newSingle("bench-netcrypto-b", true);
    KeyPair aReal = KeyPair.generate();
    KeyPair bReal = KeyPair.generate();
    a = NetCrypto.create(aReal, aDht).transport(link.a()).scheduler(schedulerA).bindNow();
    b =
        NetCrypto.create(bReal, bDht)
            .transport(link.b())
            .scheduler(schedulerB)
            .acceptor(peer -> peer.realKey().equals(aReal.publicKey()))
            .bindNow();
    CompletableFuture<CryptoConnection> accepted = b.incoming().next().toFuture();
    sender = a.connect(bReal.publicKey(), bDht.publicKey(), List.of(link.toB())).block(TIMEOUT);
    receiver = accepted.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    receiver.lossless().subscribe(this::onMessage);

    // Built once: each payload starts with its index in the batch, so order is checked for free.
    batchMessages = new ArrayList<>(messages);
    for (int i = 0; i < messages; i++) {
      byte[] payload = new byte[size];
      ByteBuffer.wrap(payload).putInt(i);
      batchMessages.add(Message.of(ID, Bytes.of(payload)));
    }
  }

  /** On B's engine worker. */
  private void onMessage(Message m) {
    Bytes p = m.payload();
    int index =
        (p.getUnsigned(0) << 24)
            | (p.getUnsigned(1) << 16)
            | (p.getUnsigned(2) << 8)
            | p.getUnsigned(3);
    if (m.id() != ID || p.length() != size || index != nextExpected) {
      throw new IllegalStateException(
          "expected message " + nextExpected + ", got " + index + " (id " + m.id() + ")");
    }
    nextExpected = (nextExpected + 1) % messages;
    delivered.incrementAndGet();
    pending.countDown();
  }

  /** One send per batch; returns when B delivered the batch and A's send completed (acked). */
  @Benchmark
  public long batch() throws Exception {
    CountDownLatch latch = startBatch();
    CompletableFuture<Void> sent = sender.send(Flux.fromIterable(batchMessages)).toFuture();
    awaitDelivery(latch);
    try {
      sent.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("send not acknowledged within " + TIMEOUT + ": " + sender, e);
    }
    return delivered.get();
  }

  /** One send for the trial; returns when B delivered the batch. */
  @Benchmark
  public long stream() throws Exception {
    if (feed == null) {
      feed = Sinks.many().unicast().onBackpressureBuffer();
      feedSent = sender.send(feed.asFlux()).toFuture();
    }
    CountDownLatch latch = startBatch();
    for (Message m : batchMessages) {
      feed.emitNext(m, Sinks.EmitFailureHandler.FAIL_FAST);
    }
    awaitDelivery(latch);
    return delivered.get();
  }

  private CountDownLatch startBatch() {
    CountDownLatch latch = new CountDownLatch(messages);
    pending = latch;
    return latch;
  }

  private void awaitDelivery(CountDownLatch latch) throws InterruptedException {
    if (!latch.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "only "
              + (messages - latch.getCount())
              + " of "
              + messages
              + " delivered within "
              + TIMEOUT
              + "; sender "
              + sender
              + ", receiver "
              + receiver);
    }
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    try {
      if (feed != null) {
        feed.tryEmitComplete();
        feedSent.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS); // every message acknowledged
      }
      System.out.println(
          "\nnet_crypto transfer: "
              + delivered.get()
              + " messages delivered; "
              + inboundDrops()
              + "; decrypt failures A="
              + a.decryptFailures()
              + " B="
              + b.decryptFailures()
              + "; sender "
              + sender);
    } finally {
      sender.dispose();
      a.dispose();
      b.dispose();
      // Each scheduler has one thread running tasks in order: once this no-op has run there, the
      // node's dispose task (kill packet, closing its sessions) has run too.
      Mono.empty().subscribeOn(schedulerA).block(TIMEOUT);
      Mono.empty().subscribeOn(schedulerB).block(TIMEOUT);
      schedulerA.dispose();
      schedulerB.dispose();
      closeTransports();
    }
  }
}
