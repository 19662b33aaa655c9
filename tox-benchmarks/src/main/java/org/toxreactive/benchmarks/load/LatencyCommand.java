package org.toxreactive.benchmarks.load;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.toxreactive.core.Bytes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * One-way delay through the relay at a fixed packet rate. Sender and receiver are in this process,
 * so both read the same {@link System#nanoTime()} clock: each payload carries its send time, and
 * the receiver records {@code now - sendTime} into an HdrHistogram.
 */
@Command(
    name = "latency",
    mixinStandardHelpOptions = true,
    description = {
      "One-way delay through the relay at a fixed packet rate: p50/p99/p99.9 in ms.",
      "",
      "N pairs; one pacing thread sends --rate packets/s in total, round robin over the pairs"
          + " (A to B), each payload stamped with System.nanoTime(). Receivers record arrival"
          + " minus stamp in an HdrHistogram: sender and receiver are in this process, so they"
          + " read the same clock. Only packets sent after --warmup seconds count. A send the"
          + " link refuses counts as lost (it is not retried).",
      "",
      "Prints 'RESULT mode=latency p50_ms=.. p99_ms=.. p999_ms=.. max_ms=.. lost=..'."
    })
final class LatencyCommand implements Callable<Integer> {
  private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(60);

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin LoadTarget target;

  @Option(names = "--pairs", defaultValue = "8", description = "Link pairs (default: 8).")
  int pairs;

  @Option(
      names = "--rate",
      defaultValue = "1000",
      description = "Packets per second in total, over all pairs (default: ${DEFAULT-VALUE}).")
  double rate;

  @Mixin MeasuredWindow measured;

  @Option(
      names = "--size",
      defaultValue = "1400",
      description = "Payload bytes, 16..2031 (default: ${DEFAULT-VALUE}).")
  int size;

  /** Figures of one run. */
  record Result(
      double p50Ms,
      double p99Ms,
      double p999Ms,
      double maxMs,
      double meanMs,
      long measuredSent,
      long measuredReceived,
      long refused,
      double achievedRate) {
    long lost() {
      return Math.max(0, measuredSent - measuredReceived);
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Result r = run(out);
    out.printf(
        Locale.ROOT,
        "latency: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms (%d sent, %d received, %d"
            + " refused by the link, %.0f packets/s)%n",
        r.p50Ms,
        r.p99Ms,
        r.p999Ms,
        r.maxMs,
        r.measuredSent,
        r.measuredReceived,
        r.refused,
        r.achievedRate);
    out.printf(
        Locale.ROOT,
        "RESULT mode=latency p50_ms=%.4f p99_ms=%.4f p999_ms=%.4f max_ms=%.4f mean_ms=%.4f"
            + " sent=%d received=%d lost=%d refused=%d rate=%.1f pairs=%d size=%d%n",
        r.p50Ms,
        r.p99Ms,
        r.p999Ms,
        r.maxMs,
        r.meanMs,
        r.measuredSent,
        r.measuredReceived,
        r.lost(),
        r.refused,
        r.achievedRate,
        pairs,
        size);
    out.flush();
    return r.measuredReceived > 0 ? 0 : 1;
  }

  Result run(PrintWriter out) throws InterruptedException {
    LoadCli.require(spec, size >= 16 && size <= 2031, "--size", size, "a whole number 16..2031");
    LoadCli.require(spec, pairs >= 1, "--pairs", pairs, "a whole number >= 1");
    LoadCli.require(
        spec,
        rate > 0 && rate <= 10_000_000,
        "--rate",
        rate,
        "packets per second, 0 < R <= 10000000");
    measured.validate();
    target.validate();
    Recorder recorder = new Recorder(HIGHEST_NANOS, 3);
    LongAdder received = new LongAdder();
    // the measured window starts once every pair is online; until then nothing is recorded
    AtomicLong measureFrom = new AtomicLong(Long.MAX_VALUE);
    AtomicLong measureTo = new AtomicLong(Long.MAX_VALUE);
    try (LoadTarget.Opened t = target.open(2 * pairs)) {
      out.println("latency: " + pairs + " pairs, " + rate + " packets/s, " + t.describe());
      out.flush();
      try (Pairs p =
          Pairs.establish(
              t,
              pairs,
              (e, payload) -> {
                long now = System.nanoTime();
                long stamp = readLong(payload, 0);
                if (stamp - measureFrom.get() >= 0 && stamp - measureTo.get() < 0) {
                  recorder.recordValue(Math.min(HIGHEST_NANOS, Math.max(0, now - stamp)));
                  received.increment();
                }
              })) {
        LongAdder refused = new LongAdder();
        long from = System.nanoTime() + (long) (measured.warmup * 1e9);
        long to = from + (long) (measured.seconds * 1e9);
        measureTo.set(to);
        measureFrom.set(from);
        long measuredSent = pace(p.pairs(), refused, from, to);
        // wait (bounded) for stragglers: a polling relay may hold packets for tens of ms
        long settle = System.nanoTime() + 1_000_000_000L;
        long last = -1;
        while (System.nanoTime() < settle && received.sum() != last) {
          last = received.sum();
          Thread.sleep(200);
        }
        Histogram h = recorder.getIntervalHistogram();
        double ms = 1e6;
        return new Result(
            h.getValueAtPercentile(50) / ms,
            h.getValueAtPercentile(99) / ms,
            h.getValueAtPercentile(99.9) / ms,
            h.getMaxValue() / ms,
            h.getMean() / ms,
            measuredSent,
            received.sum(),
            refused.sum(),
            measuredSent / ((to - from) / 1e9));
      }
    }
  }

  /**
   * Sends at the fixed rate until {@code measureTo} and returns how many were sent in the measured
   * window. Bounded by time and by {@code rate * duration} packets.
   */
  private long pace(List<Pairs.Pair> pairs, LongAdder refused, long measureFrom, long measureTo) {
    long interval = Math.max(1, (long) (1e9 / rate));
    long begin = System.nanoTime();
    long maxPackets = (long) (rate * ((measureTo - begin) / 1e9)) + 1;
    byte[] buf = new byte[size];
    long measured = 0;
    long next = begin;
    long i = 0;
    while (i < maxPackets) {
      long now = System.nanoTime();
      if (now - measureTo >= 0) {
        break;
      }
      if (next - now > 0) {
        LockSupport.parkNanos(Math.min(next - now, 1_000_000));
        continue;
      }
      while (next - now <= 0 && i < maxPackets) {
        Pairs.Pair pair = pairs.get((int) (i % pairs.size()));
        long stamp = System.nanoTime();
        writeLong(buf, 0, stamp);
        writeLong(buf, 8, i);
        pair.a()
            .connection
            .send(pair.a().peerId, Bytes.of(buf))
            .subscribe(null, e -> refused.increment());
        if (stamp - measureFrom >= 0 && stamp - measureTo < 0) {
          measured++;
        }
        i++;
        next += interval;
      }
    }
    return measured;
  }

  static long readLong(Bytes b, int at) {
    long v = 0;
    for (int k = 0; k < 8; k++) {
      v = (v << 8) | b.getUnsigned(at + k);
    }
    return v;
  }

  static void writeLong(byte[] b, int at, long v) {
    for (int k = 7; k >= 0; k--) {
      b[at + k] = (byte) v;
      v >>>= 8;
    }
  }
}
