package org.toxreactive.benchmarks.load;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.CryptoConnection;
import org.toxreactive.netcrypto.Message;
import org.toxreactive.netcrypto.NetCrypto;
import org.toxreactive.netcrypto.NetCryptoNode;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayPool;
import org.toxreactive.transport.udp.UdpTransport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Our side of {@code tox-benchmarks/transfer.sh}: two net_crypto nodes in this JVM, one lossless
 * stream of {@code --mb} MB (10^6 bytes) in messages of id 160 with {@code --size} payload bytes,
 * over UDP on 127.0.0.1 or through one TCP relay (ours, in this process, unless {@code --relay}
 * names one). Prints {@code CONNECTED seconds=...} and {@code RESULT bytes=... seconds=... mbps=...
 * peak_mbps=... first_second_mbps=...}, timed from the first message handed to {@link
 * CryptoConnection#send} to the last one delivered by the receiver's {@link
 * CryptoConnection#lossless()}; exits 1 with {@code FAIL reason=...} on a timeout or an
 * out-of-order message.
 *
 * <p>With {@code --rtt N} it measures message round trips instead: the sender sends one lossless
 * message of id 161 holding an 8-byte sequence number, the receiver echoes it on its own
 * connection, the sender times it with {@link System#nanoTime()} (stamped when the echo is
 * delivered), one at a time, {@code --rtt-warm-up} unrecorded rounds and then N recorded ones;
 * prints {@code RTT count=N p50_ms=... p99_ms=... max_ms=... mean_ms=...} (HdrHistogram).
 *
 * <pre>
 * java -cp tox-benchmarks/target/tox-benchmarks.jar org.toxreactive.benchmarks.load.TransferLoad \
 *   --mb 200 [--relayed [--relay HOST:PORT:KEY]]
 * java ... TransferLoad --rtt 200 [--rtt-warm-up 20] [--warm-up-mb 20] [--relayed ...]
 * </pre>
 */
@Command(
    name = "transfer-load",
    mixinStandardHelpOptions = true,
    description = "Lossless net_crypto transfer between two nodes in this JVM.")
public final class TransferLoad implements Callable<Integer> {
  private static final int ID = 160;
  private static final int RTT_ID = 161;
  private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

  @Option(names = "--mb", defaultValue = "50", description = "MB (10^6 bytes) to send.")
  long mb;

  @Option(
      names = "--size",
      defaultValue = "1372",
      description = "Payload bytes per message (4..1372).")
  int size;

  @Option(names = "--relayed", description = "Through a TCP relay instead of UDP.")
  boolean relayed;

  @Option(
      names = "--relay",
      description = "HOST:PORT:KEY of the relay for --relayed (default: ours, in this process).")
  String relay;

  @Option(names = "--timeout", defaultValue = "120", description = "Seconds in all.")
  long timeout;

  @Option(names = "--verbose", description = "Progress on stderr once a second.")
  boolean verbose;

  @Option(
      names = "--warm-up-mb",
      defaultValue = "0",
      description =
          "First run an unreported transfer of this many MB between two other nodes (same"
              + " transports and relay kind), so the measured one runs on a warm JIT, as in a"
              + " long-running process. 0: measure a cold start.")
  long warmUpMb;

  @Option(
      names = "--warm-up-rounds",
      defaultValue = "1",
      description =
          "How many warm-up transfers of --warm-up-mb, each between two new nodes that are then"
              + " disposed. One is not enough on 2 cores: setting up and tearing down nodes"
              + " deoptimises the compiled transfer path, and recompiling it takes the JIT"
              + " seconds of one core during the measured transfer.")
  int warmUpRounds;

  @Option(
      names = "--rtt",
      defaultValue = "0",
      description =
          "Measure N message round trips (id 161, 8-byte sequence, echoed by the receiver, one at"
              + " a time) instead of a transfer. 0: transfer mode.")
  int rtt;

  @Option(
      names = "--rtt-warm-up",
      defaultValue = "20",
      description = "Unrecorded round trips before the --rtt ones (JIT warm-up).")
  int rttWarmUp;

  /** Most MB a run sends; with a small --size, fewer: the message count must fit an int. */
  static final long MAX_MB = 1_000_000;

  @Option(names = LoadCli.DEBUG, description = "On an internal error, print its stack trace too.")
  boolean debug;

  @Spec CommandSpec spec;

  private PrintStream out;

  public TransferLoad() {
    this(System.out);
  }

  /** Output to {@code out} instead of {@link System#out} (tests). */
  TransferLoad(PrintStream out) {
    this.out = out;
  }

  /**
   * A command line for {@code load} with the load tools' one-line errors (see {@link LoadCli}).
   *
   * @param load the command
   * @return its command line
   */
  static CommandLine commandLine(TransferLoad load) {
    return LoadCli.configure(new CommandLine(load));
  }

  public static void main(String[] args) {
    int code = commandLine(new TransferLoad()).execute(args);
    System.exit(code);
  }

  @Override
  public Integer call() throws Exception {
    LoadCli.require(spec, size >= 4 && size <= 1372, "--size", size, "a whole number 4..1372");
    LoadCli.require(spec, mb >= 1 && mb <= MAX_MB, "--mb", mb, "a whole number 1.." + MAX_MB);
    long maxMb = Math.min(MAX_MB, (long) Integer.MAX_VALUE * size / 1_000_000);
    LoadCli.require(spec, mb <= maxMb, "--mb", mb, "at most " + maxMb + " with --size " + size);
    LoadCli.require(
        spec, warmUpMb >= 0 && warmUpMb <= maxMb, "--warm-up-mb", warmUpMb, "0.." + maxMb);
    LoadCli.require(spec, warmUpRounds >= 1, "--warm-up-rounds", warmUpRounds, "a number >= 1");
    LoadCli.require(spec, rtt >= 0, "--rtt", rtt, "a whole number >= 0");
    LoadCli.require(spec, rttWarmUp >= 0, "--rtt-warm-up", rttWarmUp, "a whole number >= 0");
    LoadCli.require(
        spec, timeout >= 1 && timeout <= 86_400, "--timeout", timeout, "seconds 1..86400");
    RelayAddress given = relay == null ? null : LoadCli.relay(spec, "--relay", relay);
    LoadCli.require(spec, given == null || relayed, "--relay", relay, "used without --relayed");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
    if (warmUpMb > 0) {
      PrintStream real = out;
      boolean wasVerbose = verbose;
      out = new PrintStream(java.io.OutputStream.nullOutputStream());
      verbose = false;
      int rc;
      try {
        rc = 0;
        for (int w = 0; w < warmUpRounds && rc == 0; w++) {
          rc = run(warmUpMb, 0, deadline);
        }
      } finally {
        out = real;
        verbose = wasVerbose;
      }
      if (rc != 0) {
        out.println("FAIL reason=the warm-up transfer failed");
        return rc;
      }
      out.printf("WARMUP mb=%d rounds=%d%n", warmUpMb, warmUpRounds);
    }
    return run(mb, rtt, deadline);
  }

  /** One connection between two new nodes; then a transfer of {@code mb} MB or {@code rtt} RTTs. */
  private int run(long mb, int rtt, long deadline) throws Exception {
    long start = System.nanoTime();
    RunningRelay ourRelay = null;
    PacketTransport ta;
    PacketTransport tb;
    Path toB;
    KeyPair aReal = KeyPair.generate();
    KeyPair aDht = KeyPair.generate();
    KeyPair bReal = KeyPair.generate();
    KeyPair bDht = KeyPair.generate();
    UdpTransport udpB = null;
    if (relayed) {
      RelayAddress address;
      if (relay != null) {
        address = RelayAddress.parse(relay); // checked in call()
      } else {
        ourRelay = RelayServer.create().host("127.0.0.1").port(0).udpPort(-1).bindNow();
        address = RelayAddress.of("127.0.0.1", ourRelay.port(), ourRelay.publicKey());
      }
      RelayPool pa = RelayPool.create(aDht).relays(List.of(address)).connectInBackground();
      RelayPool pb = RelayPool.create(bDht).relays(List.of(address)).connectInBackground();
      while ((pa.relays().stream().anyMatch(r -> !r.connected())
          || pb.relays().stream().anyMatch(r -> !r.connected()))) {
        if (System.nanoTime() > deadline) {
          out.println("FAIL reason=relay " + address + " not connected");
          return 1;
        }
        Thread.sleep(5);
      }
      ta = pa;
      tb = pb;
      toB = Path.relay(address.publicKey(), bDht.publicKey());
    } else {
      UdpTransport udpA =
          UdpTransport.create().host("127.0.0.1").port(0).receiveBuffer(1 << 21).bindNow();
      udpB = UdpTransport.create().host("127.0.0.1").port(0).receiveBuffer(1 << 21).bindNow();
      ta = udpA;
      tb = udpB;
      toB = Path.udp(udpB.localAddress());
    }
    Scheduler sa = Schedulers.newSingle("transfer-a", true);
    Scheduler sb = Schedulers.newSingle("transfer-b", true);
    NetCryptoNode a = NetCrypto.create(aReal, aDht).transport(ta).scheduler(sa).bindNow();
    NetCryptoNode b =
        NetCrypto.create(bReal, bDht)
            .transport(tb)
            .scheduler(sb)
            .acceptor(p -> p.realKey().equals(aReal.publicKey()))
            .bindNow();
    try {
      CompletableFuture<CryptoConnection> accepted = b.incoming().next().toFuture();
      CryptoConnection sender =
          a.connect(bReal.publicKey(), bDht.publicKey(), List.of(toB))
              .block(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      CryptoConnection receiver =
          accepted.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      out.printf("CONNECTED seconds=%.2f%n", (System.nanoTime() - start) / 1e9);
      int rc =
          rtt > 0
              ? roundTrips(sender, receiver, rtt, deadline)
              : transfer(sender, receiver, mb, deadline);
      out.println(
          "DIAG decrypt_failures_a="
              + a.decryptFailures()
              + " decrypt_failures_b="
              + b.decryptFailures()
              + (udpB != null
                  ? " udp_dropped_inbound_a="
                      + ((UdpTransport) ta).droppedInbound()
                      + " udp_dropped_inbound_b="
                      + udpB.droppedInbound()
                  : "")
              + " sender="
              + sender);
      return rc;
    } catch (java.util.concurrent.TimeoutException | IllegalStateException e) {
      out.println("FAIL reason=no connection: " + e);
      return 1;
    } finally {
      a.dispose();
      b.dispose();
      Mono.empty().subscribeOn(sa).block(Duration.ofSeconds(5));
      Mono.empty().subscribeOn(sb).block(Duration.ofSeconds(5));
      if (ta instanceof RelayPool p) {
        p.dispose();
      } else if (ta instanceof UdpTransport u) {
        u.disposeNow(Duration.ofSeconds(5));
      }
      if (tb instanceof RelayPool p) {
        p.dispose();
      } else if (tb instanceof UdpTransport u) {
        u.disposeNow(Duration.ofSeconds(5));
      }
      if (ourRelay != null) {
        ourRelay.disposeNow(Duration.ofSeconds(5));
      }
      sa.dispose();
      sb.dispose();
    }
  }

  private int transfer(CryptoConnection sender, CryptoConnection receiver, long mb, long deadline)
      throws InterruptedException {
    long count = (mb * 1_000_000L + size - 1) / size;
    AtomicLong delivered = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    long[] finishedAt = {0};
    long[] expected = {0};
    receiver
        .lossless()
        .subscribe(
            m -> {
              Bytes p = m.payload();
              long index =
                  ((long) p.getUnsigned(0) << 24)
                      | (p.getUnsigned(1) << 16)
                      | (p.getUnsigned(2) << 8)
                      | p.getUnsigned(3);
              if (m.id() != ID || p.length() != size || index != (expected[0] & 0xFFFFFFFFL)) {
                errors.incrementAndGet();
              }
              expected[0]++;
              if (delivered.incrementAndGet() == count) {
                finishedAt[0] = System.nanoTime();
                done.countDown();
              }
            },
            e -> {
              // the connection closed: the loop below reports a timeout or the count
            });
    // A few distinct payloads, each numbered: the receiver checks order without a copy per message.
    long started = System.nanoTime();
    Flux<Message> messages =
        Flux.range(0, (int) count)
            .map(
                i -> {
                  byte[] payload = new byte[size];
                  payload[0] = (byte) (i >>> 24);
                  payload[1] = (byte) (i >>> 16);
                  payload[2] = (byte) (i >>> 8);
                  payload[3] = (byte) (int) i;
                  return Message.of(ID, Bytes.of(payload));
                });
    CompletableFuture<Void> sent = sender.send(messages).toFuture();
    CompletableFuture<Void> closed = sender.onDispose().toFuture();
    long lastReport = started;
    long lastCount = 0;
    double peak = 0;
    double firstSecond = -1;
    while (!done.await(250, TimeUnit.MILLISECONDS)) {
      long now = System.nanoTime();
      if (closed.isDone() && !done.await(200, TimeUnit.MILLISECONDS)) {
        out.printf(
            "FAIL reason=connection closed after %.1f s: %d of %d messages delivered; sender %s%n",
            (now - started) / 1e9, delivered.get(), count, sender);
        return 1;
      }
      if (now > deadline) {
        out.printf(
            "FAIL reason=timeout: %d of %d messages delivered; sender %s%n",
            delivered.get(), count, sender);
        return 1;
      }
      if (now - lastReport >= 1_000_000_000L) {
        long c = delivered.get();
        double rate = (c - lastCount) * (double) size / 1e6 / ((now - lastReport) / 1e9);
        peak = Math.max(peak, rate);
        if (firstSecond < 0) {
          firstSecond = rate;
        }
        if (verbose) {
          System.err.printf(
              "t=%.1f received=%.1f MB (%.2f MB/s) sender %s%n",
              (now - started) / 1e9, c * (double) size / 1e6, rate, sender);
        }
        lastReport = now;
        lastCount = c;
      }
    }
    if (errors.get() > 0) {
      out.println("FAIL reason=" + errors.get() + " messages out of order or a send error");
      return 1;
    }
    try {
      sent.get(5, TimeUnit.SECONDS); // every message acknowledged: a clean close
    } catch (Exception e) {
      System.err.println("transfer-load: send not acknowledged within 5 s: " + e);
    }
    double seconds = (finishedAt[0] - started) / 1e9;
    long bytes = count * size;
    double mbps = bytes / 1e6 / seconds;
    out.printf(
        "RESULT bytes=%d seconds=%.3f mbps=%.2f peak_mbps=%.2f first_second_mbps=%.2f%n",
        bytes, seconds, mbps, Math.max(peak, mbps), firstSecond < 0 ? mbps : firstSecond);
    return 0;
  }

  /**
   * {@code rttWarmUp + n} round trips, one at a time: an id-161 message with an 8-byte sequence
   * number from {@code sender}, echoed by {@code receiver} on its side of the connection, timed
   * from just before it is handed to the sender's send stream to the sender's delivery of the echo.
   */
  private int roundTrips(CryptoConnection sender, CryptoConnection receiver, int n, long deadline)
      throws InterruptedException {
    // one long-lived send per side (a connection takes one send at a time)
    Sinks.Many<Message> toSend = Sinks.many().unicast().onBackpressureBuffer();
    Sinks.Many<Message> echoes = Sinks.many().unicast().onBackpressureBuffer();
    AtomicLong errors = new AtomicLong();
    receiver
        .lossless()
        .subscribe(
            m -> {
              // on the receiver's scheduler only: one emitter
              if (m.id() != RTT_ID || echoes.tryEmitNext(m).isFailure()) {
                errors.incrementAndGet();
              }
            },
            e -> {});
    receiver.send(echoes.asFlux()).subscribe(v -> {}, e -> {});
    BlockingQueue<long[]> arrivals = new ArrayBlockingQueue<>(16);
    sender
        .lossless()
        .subscribe(
            m -> {
              long now = System.nanoTime();
              Bytes p = m.payload();
              if (m.id() != RTT_ID
                  || p.length() != 8
                  || !arrivals.offer(new long[] {seq(p), now})) {
                errors.incrementAndGet();
              }
            },
            e -> {});
    sender.send(toSend.asFlux()).subscribe(v -> {}, e -> {});
    CompletableFuture<Void> closed = sender.onDispose().toFuture();
    Histogram h = new Histogram(HIGHEST_NANOS, 3);
    int total = rttWarmUp + n;
    for (int i = 0; i < total; i++) {
      byte[] payload = new byte[8];
      for (int k = 0; k < 8; k++) {
        payload[k] = (byte) ((long) i >>> (56 - 8 * k));
      }
      long sentAt = System.nanoTime();
      if (toSend.tryEmitNext(Message.of(RTT_ID, Bytes.of(payload))).isFailure()) {
        out.println("FAIL reason=could not queue round trip " + i);
        return 1;
      }
      long[] arrival = null;
      while (arrival == null) {
        arrival = arrivals.poll(250, TimeUnit.MILLISECONDS);
        if (arrival != null) {
          break;
        }
        long now = System.nanoTime();
        if (closed.isDone()) {
          out.printf(
              "FAIL reason=connection closed: %d of %d round trips; sender %s%n", i, total, sender);
          return 1;
        }
        if (now > deadline) {
          out.printf(
              "FAIL reason=timeout: %d of %d round trips, round trip %d waited %.1f s; sender %s%n",
              i, total, i, (now - sentAt) / 1e9, sender);
          return 1;
        }
      }
      if (arrival[0] != i || errors.get() > 0) {
        out.printf(
            "FAIL reason=round trip %d: echo of %d, %d unexpected messages%n",
            i, arrival[0], errors.get());
        return 1;
      }
      if (i >= rttWarmUp) {
        h.recordValue(Math.min(HIGHEST_NANOS, Math.max(1, arrival[1] - sentAt)));
      }
    }
    toSend.tryEmitComplete();
    echoes.tryEmitComplete();
    double ms = 1e6;
    out.printf(
        "RTT count=%d p50_ms=%.3f p99_ms=%.3f max_ms=%.3f mean_ms=%.3f%n",
        h.getTotalCount(),
        h.getValueAtPercentile(50) / ms,
        h.getValueAtPercentile(99) / ms,
        h.getMaxValue() / ms,
        h.getMean() / ms);
    return 0;
  }

  private static long seq(Bytes p) {
    long v = 0;
    for (int k = 0; k < 8; k++) {
      v = (v << 8) | p.getUnsigned(k);
    }
    return v;
  }
}
