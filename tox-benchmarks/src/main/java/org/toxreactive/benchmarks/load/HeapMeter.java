package org.toxreactive.benchmarks.load;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Live heap, as well as the JVM lets us see it: {@link System#gc()} (a full collection with the
 * default G1 unless {@code -XX:+ExplicitGCInvokesConcurrent} is set) three times with short pauses,
 * then {@link MemoryMXBean#getHeapMemoryUsage()}{@code .getUsed()}; the smallest of the three reads
 * is returned. Differences of two such reads approximate the objects retained between them.
 */
final class HeapMeter {
  private HeapMeter() {}

  static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
    }
    return least == Long.MAX_VALUE ? memory.getHeapMemoryUsage().getUsed() : least;
  }
}
