package org.toxreactive.benchmarks.load;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.toxreactive.core.Bytes;
import org.toxreactive.transport.tcp.RelayBackpressureException;
import org.toxreactive.transport.tcp.RelayConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Relayed throughput: in each pair, A sends to B (and B to A with {@code --bidirectional}) as fast
 * as its link takes packets; receivers count what the relay delivered. A send the link refuses
 * ({@link RelayBackpressureException}) is not counted and the sender backs off for a millisecond.
 */
@Command(
    name = "throughput",
    mixinStandardHelpOptions = true,
    description = {
      "Relayed throughput: MB/s and packets/s that the relay delivers.",
      "",
      "N pairs of links are routed to each other through the relay. In each pair A sends to B"
          + " (and B to A with --bidirectional) as fast as the window allows: at most --window"
          + " sends await their write on the link, and at most --e2e-window packets are between"
          + " sender and receiver. A send the link refuses (RelayBackpressureException) backs off"
          + " 1 ms and is not counted; packets that do not arrive within 200 ms of silence are"
          + " written off as lost. Receivers count what arrives after --warmup seconds, for"
          + " --seconds seconds. MB are 10^6 payload bytes.",
      "",
      "Prints 'RESULT mode=throughput mb_per_s=.. packets_per_s=.. sent=.. delivered=.. lost=..'."
    })
final class ThroughputCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin LoadTarget target;

  @Option(names = "--pairs", defaultValue = "8", description = "Link pairs (default: 8).")
  int pairs;

  @Mixin MeasuredWindow measured;

  @Option(
      names = "--size",
      defaultValue = "1400",
      description =
          "Payload bytes per relayed packet, 1..2031 (default: ${DEFAULT-VALUE}, a full"
              + " net_crypto packet).")
  int size;

  @Option(
      names = "--window",
      defaultValue = "0",
      description =
          "Sends awaiting their write per sender (default: 0 = as many as fit in 48 KiB).")
  int window;

  @Option(
      names = "--e2e-window",
      defaultValue = "32",
      description =
          "Packets out between a sender and its receiver, sent but not yet received"
              + " (default: ${DEFAULT-VALUE}; 0 = unlimited). Keep it under 64 KiB of frames:"
              + " tox-bootstrapd 0.2.18 reads FIONREAD into a uint16_t and stops reading a"
              + " client whose socket holds 64 KiB or more at the wrong moment.")
  int e2eWindow;

  @Option(names = "--bidirectional", description = "Both sides of each pair send.")
  boolean bidirectional;

  /** Figures of one run. */
  record Result(
      double mbPerSecond,
      double packetsPerSecond,
      long sent,
      long delivered,
      long refused,
      long lost,
      long linksLost,
      double seconds,
      double relayCpuMicrosPerPacket) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Result r = run(out);
    out.printf(
        Locale.ROOT,
        "throughput: %.2f MB/s, %.0f packets/s delivered (%d sent, %d delivered, %d lost, %d"
            + " refused by the link, %d links lost)%n",
        r.mbPerSecond,
        r.packetsPerSecond,
        r.sent,
        r.delivered,
        r.lost,
        r.refused,
        r.linksLost);
    out.printf(
        Locale.ROOT,
        "RESULT mode=throughput mb_per_s=%.3f packets_per_s=%.1f sent=%d delivered=%d lost=%d"
            + " refused=%d links_lost=%d pairs=%d size=%d seconds=%.1f"
            + " relay_cpu_us_per_packet=%.2f%n",
        r.mbPerSecond,
        r.packetsPerSecond,
        r.sent,
        r.delivered,
        Math.max(0, r.sent - r.delivered),
        r.refused,
        r.linksLost,
        pairs,
        size,
        r.seconds,
        r.relayCpuMicrosPerPacket);
    out.flush();
    return r.delivered > 0 ? 0 : 1;
  }

  Result run(PrintWriter out) throws InterruptedException {
    LoadCli.require(spec, size >= 1 && size <= 2031, "--size", size, "a whole number 1..2031");
    LoadCli.require(spec, pairs >= 1, "--pairs", pairs, "a whole number >= 1");
    LoadCli.require(spec, window >= 0, "--window", window, "a whole number >= 0");
    LoadCli.require(spec, e2eWindow >= 0, "--e2e-window", e2eWindow, "a whole number >= 0");
    measured.validate();
    target.validate();
    int w = window > 0 ? window : Math.max(1, Math.min(256, 48 * 1024 / (size + 18)));
    LongAdder bytes = new LongAdder();
    LongAdder packets = new LongAdder();
    try (LoadTarget.Opened t = target.open(2 * pairs)) {
      out.println("throughput: " + pairs + " pairs, " + size + " B, " + t.describe());
      out.flush();
      try (Pairs p =
          Pairs.establish(
              t,
              pairs,
              (e, payload) -> {
                packets.increment();
                bytes.add(payload.length());
                Sender from = e.inbound;
                if (from != null) {
                  from.delivered();
                }
              })) {
        Bytes payload = Bytes.of(new byte[size]);
        long deadline = System.nanoTime() + (long) ((measured.warmup + measured.seconds + 5) * 1e9);
        // A bound on the packet count too: far above what loopback can carry in that time.
        long maxPackets = (long) ((measured.warmup + measured.seconds) * 2_000_000);
        List<Sender> senders = new ArrayList<>();
        for (Pairs.Pair pair : p.pairs()) {
          senders.add(sender(pair.a(), pair.b(), payload, w, maxPackets));
          if (bidirectional) {
            senders.add(sender(pair.b(), pair.a(), payload, w, maxPackets));
          }
        }
        senders.forEach(Sender::start);
        sleep(measured.warmup);
        long cpu0 = ProcessCpu.nanos(target.cpuPid());
        long b0 = bytes.sum();
        long p0 = packets.sum();
        long t0 = System.nanoTime();
        sleep(measured.seconds);
        long b1 = bytes.sum();
        long p1 = packets.sum();
        long t1 = System.nanoTime();
        long cpu1 = ProcessCpu.nanos(target.cpuPid());
        senders.forEach(Sender::stop);
        // let in-flight packets land before counting the totals
        long settle = Math.min(deadline, System.nanoTime() + 500_000_000L);
        long last = -1;
        while (System.nanoTime() < settle && packets.sum() != last) {
          last = packets.sum();
          Thread.sleep(100);
        }
        double secs = (t1 - t0) / 1e9;
        long sent = senders.stream().mapToLong(Sender::sent).sum();
        long refused = senders.stream().mapToLong(s -> s.refused.sum()).sum();
        return new Result(
            (b1 - b0) / secs / 1e6,
            (p1 - p0) / secs,
            sent,
            packets.sum(),
            refused,
            Math.max(0, sent - packets.sum()),
            p.linksLost(),
            secs,
            ProcessCpu.microsPer(cpu0, cpu1, p1 - p0));
      }
    }
  }

  private Sender sender(
      Pairs.Endpoint from, Pairs.Endpoint to, Bytes payload, int linkWindow, long maxPackets) {
    Sender s = new Sender(from.connection, from.peerId, payload, linkWindow, e2eWindow, maxPackets);
    to.inbound = s;
    return s;
  }

  static void sleep(double seconds) throws InterruptedException {
    if (seconds > 0) {
      Thread.sleep((long) (seconds * 1000));
    }
  }

  /**
   * Keeps one link busy. At most {@code linkWindow} sends await their write, and at most {@code
   * e2eWindow} packets are out between this sender and its receiver (sent, not yet received nor
   * written off), as net_crypto's send window would. {@link #pump} may be called from any thread;
   * the wip counter lets one caller at a time do the sending (no recursion when a write completes
   * inline). A watchdog writes off what has not arrived when nothing arrived for 200 ms (the relay
   * dropped it), so a loss cannot freeze the window.
   */
  static final class Sender {
    private static final Scheduler TIMERS = Schedulers.parallel();
    private static final long WATCHDOG_MILLIS = 200;

    private final RelayConnection link;
    private final int id;
    private final Bytes payload;
    private final int linkWindow;
    private final int e2eWindow;
    private final long maxPackets;
    private final AtomicInteger inflight = new AtomicInteger();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicLong sentOk = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong writtenOff = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean paused;
    private long issued;
    private long deliveredAtLastTick;
    private Disposable watchdog;
    final LongAdder refused = new LongAdder();

    Sender(
        RelayConnection link,
        int id,
        Bytes payload,
        int linkWindow,
        int e2eWindow,
        long maxPackets) {
      this.link = link;
      this.id = id;
      this.payload = payload;
      this.linkWindow = linkWindow;
      this.e2eWindow = e2eWindow;
      this.maxPackets = maxPackets;
    }

    void start() {
      if (e2eWindow > 0) {
        watchdog =
            TIMERS.schedulePeriodically(
                this::tick, WATCHDOG_MILLIS, WATCHDOG_MILLIS, TimeUnit.MILLISECONDS);
      }
      pump();
    }

    /** The receiver got one of our packets. */
    void delivered() {
      delivered.incrementAndGet();
      if (e2eWindow > 0) {
        pump();
      }
    }

    long sent() {
      return sentOk.get();
    }

    long writtenOff() {
      return writtenOff.get();
    }

    private long outstanding() {
      return sentOk.get() + inflight.get() - delivered.get() - writtenOff.get();
    }

    private boolean canSend() {
      return running
          && !paused
          && issued < maxPackets
          && inflight.get() < linkWindow
          && (e2eWindow <= 0 || outstanding() < e2eWindow);
    }

    void pump() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      do {
        while (canSend()) {
          inflight.incrementAndGet();
          issued++;
          link.send(id, payload).subscribe(null, this::failed, this::written);
        }
      } while (wip.decrementAndGet() != 0);
    }

    private void tick() {
      long d = delivered.get();
      if (d == deliveredAtLastTick) {
        long lost = sentOk.get() - d - writtenOff.get();
        if (lost > 0) {
          writtenOff.addAndGet(lost);
          pump();
        }
      }
      deliveredAtLastTick = d;
    }

    private void written() {
      sentOk.incrementAndGet();
      inflight.decrementAndGet();
      pump();
    }

    private void failed(Throwable e) {
      inflight.decrementAndGet();
      if (e instanceof RelayBackpressureException) {
        refused.increment();
        if (!paused) {
          paused = true;
          TIMERS.schedule(
              () -> {
                paused = false;
                pump();
              },
              1,
              TimeUnit.MILLISECONDS);
        }
      } else {
        running = false; // the link is gone
      }
    }

    void stop() {
      running = false;
      if (watchdog != null) {
        watchdog.dispose();
      }
    }
  }
}
