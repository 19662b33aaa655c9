package org.toxreactive.benchmarks.abuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The resident set size of the target process, sampled from {@code /proc/PID/status} ({@code
 * VmRSS}, kB) every 100 ms on a daemon thread: the first sample, the peak and the latest. Without a
 * pid every figure is -1. A failed read after a good one means the target has exited.
 */
final class Rss implements AutoCloseable {
  private static final long PERIOD_MS = 100;

  private final Long pid;
  private final Thread sampler;
  private volatile long startKb = -1;
  private volatile long peakKb = -1;
  private volatile long lastKb = -1;
  private volatile boolean gone;

  private Rss(Long pid) {
    this.pid = pid;
    this.sampler = new Thread(this::loop, "abuse-rss");
    this.sampler.setDaemon(true);
  }

  /** Starts sampling {@code pid} (null: nothing to sample), the first sample taken at once. */
  static Rss start(Long pid) {
    Rss r = new Rss(pid);
    r.sample();
    if (pid != null) {
      r.sampler.start();
    }
    return r;
  }

  /** VmRSS of {@code pid} in kB, or -1 if /proc cannot tell (no such process). */
  static long readKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private void sample() {
    if (pid == null || gone) {
      return;
    }
    long kb = readKb(pid);
    if (kb < 0) {
      gone = startKb >= 0;
      return;
    }
    if (startKb < 0) {
      startKb = kb;
    }
    peakKb = Math.max(peakKb, kb);
    lastKb = kb;
  }

  private void loop() {
    while (!Thread.currentThread().isInterrupted() && !gone) {
      try {
        Thread.sleep(PERIOD_MS);
      } catch (InterruptedException e) {
        return;
      }
      sample();
    }
  }

  double startMb() {
    return mb(startKb);
  }

  double peakMb() {
    return mb(peakKb);
  }

  /** Samples once more and returns the latest figure. */
  double endMb() {
    sample();
    return mb(lastKb);
  }

  /** Whether a pid was given and the process was seen alive at least once. */
  boolean known() {
    return startKb >= 0;
  }

  /** Whether the process disappeared after it had been seen alive. */
  boolean exited() {
    sample();
    return gone;
  }

  private static double mb(long kb) {
    return kb < 0 ? -1 : kb / 1024.0;
  }

  @Override
  public void close() {
    sampler.interrupt();
  }
}
