package org.toxreactive.benchmarks.abuse;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * A legitimate user beside the attack: one probe every {@code interval} (a round trip through the
 * target, or a whole connect-and-ping), each counting as served if its answer comes within {@code
 * timeout}. Probes run on one daemon thread; a subclass sends probe {@code seq} in {@link
 * #probe(int)} and reports its answer with {@link #answered(int)} (from any thread), or answers
 * synchronously inside {@link #probe(int)}.
 *
 * <p>The figures cover the probes sent between {@link #attackStarted()} and {@link #attackEnded()};
 * {@link Stats#recoveryMs()} is how long after the attack's end the first answer to a probe sent
 * after it came (-1: none before {@link #close()}).
 */
abstract class Canary implements AutoCloseable {
  /** A canary's figures over the attack window. */
  record Stats(long sent, long ok, double p50Ms, double p99Ms, double recoveryMs) {
    double okPercent() {
      return sent == 0 ? 0 : 100.0 * ok / sent;
    }
  }

  private final long intervalNanos;
  private final long timeoutNanos;
  private final AtomicLongArray sentAt;
  private final AtomicLongArray answeredAt;
  private final Thread thread;
  private volatile boolean stopped;
  private volatile long attackStart = Long.MAX_VALUE;
  private volatile long attackEnd = Long.MAX_VALUE;
  private int next;

  /**
   * @param interval time between probe starts
   * @param timeout how long a probe may take to count as served
   * @param maxRun the longest the canary will run (bounds the number of probes)
   */
  Canary(Duration interval, Duration timeout, Duration maxRun) {
    this.intervalNanos = Math.max(1, interval.toNanos());
    this.timeoutNanos = timeout.toNanos();
    int capacity = (int) Math.min(1_000_000, maxRun.toNanos() / intervalNanos + 16);
    this.sentAt = new AtomicLongArray(capacity);
    this.answeredAt = new AtomicLongArray(capacity);
    this.thread = new Thread(this::loop, "abuse-canary");
    this.thread.setDaemon(true);
  }

  /** Sends (or runs) probe {@code seq}; exceptions count as a lost probe. */
  protected abstract void probe(int seq) throws Exception;

  /** Stops what the subclass opened (connections, nodes). */
  protected abstract void release();

  /** Probe {@code seq} was answered now. Late, unknown or repeated answers are ignored. */
  protected final void answered(int seq) {
    if (seq >= 0 && seq < answeredAt.length()) {
      answeredAt.compareAndSet(seq, 0, System.nanoTime());
    }
  }

  /** Starts probing. */
  final Canary start() {
    thread.start();
    return this;
  }

  final void attackStarted() {
    attackStart = System.nanoTime();
  }

  final void attackEnded() {
    attackEnd = System.nanoTime();
  }

  private void loop() {
    long due = System.nanoTime();
    while (!stopped && next < sentAt.length()) {
      long now = System.nanoTime();
      if (now < due) {
        LockSupport.parkNanos(due - now);
        continue;
      }
      int seq = next++;
      sentAt.set(seq, System.nanoTime());
      try {
        probe(seq);
      } catch (Exception e) {
        // a probe that could not be sent is a probe not served
      }
      due += intervalNanos;
      if (System.nanoTime() - due > intervalNanos) {
        due = System.nanoTime(); // a slow probe: no burst of catch-up probes after it
      }
    }
  }

  /** The figures so far, over the attack window. */
  final Stats stats() {
    Histogram h = new Histogram(Math.max(2, timeoutNanos * 4), 3);
    long sent = 0;
    long ok = 0;
    double recovery = -1;
    long end = attackEnd;
    int n = Math.min(next, sentAt.length());
    for (int i = 0; i < n; i++) {
      long s = sentAt.get(i);
      long a = answeredAt.get(i);
      if (s >= attackStart && s < end) {
        sent++;
        if (a != 0 && a - s <= timeoutNanos) {
          ok++;
          h.recordValue(Math.max(1, Math.min(a - s, h.getHighestTrackableValue())));
        }
      } else if (s >= end && a != 0) {
        double r = (a - end) / 1e6;
        recovery = recovery < 0 ? r : Math.min(recovery, r);
      }
    }
    double p50 = h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(50) / 1e6;
    double p99 = h.getTotalCount() == 0 ? -1 : h.getValueAtPercentile(99) / 1e6;
    return new Stats(sent, ok, p50, p99, recovery);
  }

  @Override
  public final void close() {
    stopped = true;
    thread.interrupt();
    try {
      thread.join(timeoutNanos / 1_000_000 + 2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    release();
  }
}
