package org.toxreactive.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process has used so far (user + system, all threads), read from {@code /proc/PID/stat}
 * (fields 14 and 15, in clock ticks of 10 ms: USER_HZ is 100 on Linux). Used to report what a relay
 * process spends per relayed packet or per handshake.
 */
final class ProcessCpu {
  private static final long NANOS_PER_TICK = 10_000_000L;

  private ProcessCpu() {}

  /** CPU nanoseconds used by {@code pid}, or -1 if /proc cannot tell. */
  static long nanos(Long pid) {
    if (pid == null) {
      return -1;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // the command name (field 2) is in parentheses and may contain spaces
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      // f[0] is field 3 (state): utime is field 14 -> f[11], stime field 15 -> f[12]
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Microseconds of relay CPU per unit of work between two reads, or -1. */
  static double microsPer(long before, long after, long units) {
    if (before < 0 || after < 0 || units <= 0) {
      return -1;
    }
    return (after - before) / 1e3 / units;
  }
}
