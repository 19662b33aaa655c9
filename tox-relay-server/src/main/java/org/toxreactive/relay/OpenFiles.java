package org.toxreactive.relay;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Sizes the relay's connection cap under the process's open-file limit, so that it refuses a
 * connection (counted) instead of the accept loop failing with "too many open files".
 *
 * <pre>{@code
 * int cap = OpenFiles.connectionCap(limits.maxConnections(), OpenFiles.processLimit(),
 *     OpenFiles.reserve());
 * }</pre>
 */
final class OpenFiles {
  private OpenFiles() {}

  /** File descriptors kept for everything but client sockets: jars, logs, listen sockets, UDP. */
  static final int BASE_RESERVE = 64;

  /** Descriptors one event loop holds (its selector or epoll set and wake-up pipe or eventfd). */
  static final int PER_EVENT_LOOP = 4;

  /** Linux's table of the process's resource limits. */
  private static final Path PROC_LIMITS = Path.of("/proc/self/limits");

  /**
   * The soft open-file limit: on Linux from {@code /proc/self/limits}, so that an idle relay does
   * not load the JMX platform beans ({@code java.management}, ~60 classes and their objects) for
   * one number; elsewhere from the operating-system MXBean.
   *
   * @return the process's open-file limit, or -1 where the platform does not tell
   */
  static long processLimit() {
    if (Files.isReadable(PROC_LIMITS)) {
      try {
        long limit = softOpenFiles(Files.readAllLines(PROC_LIMITS, StandardCharsets.US_ASCII));
        if (limit != 0) {
          return limit;
        }
      } catch (IOException | RuntimeException e) {
        // not the expected table: ask the MXBean
      }
    }
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return -1;
  }

  /**
   * The soft limit of the "Max open files" row of a {@code /proc/PID/limits} table ({@code Max open
   * files 1024 524288 files}).
   *
   * @param lines the table's lines
   * @return the soft limit, -1 if {@code unlimited}, 0 if the row is missing or not a number
   */
  static long softOpenFiles(List<String> lines) {
    for (String line : lines) {
      if (line.startsWith("Max open files")) {
        String[] words = line.substring("Max open files".length()).trim().split("\\s+");
        if (words[0].equals("unlimited")) {
          return -1;
        }
        try {
          long soft = Long.parseLong(words[0]);
          return soft > 0 ? soft : 0;
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 0;
  }

  /**
   * The descriptors to leave for the process itself: {@link #BASE_RESERVE} plus {@link
   * #PER_EVENT_LOOP} for each event loop (Reactor Netty runs max(4, cores) of them, plus the
   * router's and the metrics endpoint's).
   *
   * @return descriptors not to be used for client connections
   */
  static int reserve() {
    int loops = Math.max(4, Runtime.getRuntime().availableProcessors()) + 2;
    return BASE_RESERVE + PER_EVENT_LOOP * loops;
  }

  /**
   * @param configured the configured maximum of connections
   * @param openFileLimit the process's open-file limit, or a value below 1 if unknown
   * @param reserve descriptors to leave for the process itself
   * @return the connection cap: {@code configured}, lowered to fit under the limit (at least 1)
   */
  static int connectionCap(int configured, long openFileLimit, int reserve) {
    if (openFileLimit < 1) {
      return configured;
    }
    long room = Math.max(1, openFileLimit - reserve);
    return (int) Math.min(configured, room);
  }
}
