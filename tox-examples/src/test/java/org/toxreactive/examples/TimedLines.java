package org.toxreactive.examples;

import java.io.StringWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A Writer that keeps the complete lines a program (an example run in-process: chat, probe) prints,
 * with the time each was written; thread-safe. Shared by the examples' tests and the interop tests
 * (tox-examples' test jar).
 */
public final class TimedLines extends Writer {
  private final StringBuilder partial = new StringBuilder();
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final List<Long> nanos = new CopyOnWriteArrayList<>();

  @Override
  public synchronized void write(char[] buf, int off, int len) {
    for (int i = off; i < off + len; i++) {
      char c = buf[i];
      if (c == '\n') {
        nanos.add(System.nanoTime());
        lines.add(partial.toString().trim());
        partial.setLength(0);
      } else {
        partial.append(c);
      }
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}

  public void await(Predicate<String> p, Duration timeout, StringWriter err) {
    try {
      Awaitility.await()
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(5))
          .until(() -> lines.stream().anyMatch(p));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "our chat never printed the expected line within "
              + timeout
              + ":\n"
              + summary()
              + "\nstderr: "
              + err,
          e);
    }
  }

  public String last(Predicate<String> p) {
    String found = null;
    for (String l : lines) {
      if (p.test(l)) {
        found = l;
      }
    }
    return found;
  }

  public int count(Predicate<String> p) {
    return (int) lines.stream().filter(p).count();
  }

  /** The lines starting with {@code prefix}, without it, in order. */
  public List<String> prefixed(String prefix) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith(prefix)) {
        out.add(line.substring(prefix.length()).trim());
      }
    }
    return out;
  }

  /** How many lines were written. */
  public int size() {
    return lines.size();
  }

  /** Line {@code i} (0-based). */
  public String line(int i) {
    return lines.get(i);
  }

  /** When line {@code i} was written ({@link System#nanoTime()}). */
  public long nanos(int i) {
    return nanos.get(i);
  }

  /** The index of the first line matching {@code p}, or -1. */
  public int indexOf(Predicate<String> p) {
    for (int i = 0; i < lines.size(); i++) {
      if (p.test(lines.get(i))) {
        return i;
      }
    }
    return -1;
  }

  /** {@link #summary()}, for assertion messages. */
  @Override
  public String toString() {
    return summary();
  }

  /** The longest time between two RECV lines (or the kill and the next RECV) after {@code t}. */
  public long longestRecvGapAfter(long t) {
    long prev = t;
    long longest = 0;
    for (int i = 0; i < lines.size(); i++) {
      long at = nanos.get(i);
      if (at >= t && lines.get(i).startsWith("RECV ")) {
        longest = Math.max(longest, at - prev);
        prev = at;
      }
    }
    return longest;
  }

  /**
   * The longest time between two RECV lines (or {@code from} and the next RECV) written from {@code
   * from} to {@code to} ({@link System#nanoTime()}).
   */
  public long longestRecvGapBetween(long from, long to) {
    long prev = from;
    long longest = 0;
    for (int i = 0; i < lines.size(); i++) {
      long at = nanos.get(i);
      if (at >= from && at < to && lines.get(i).startsWith("RECV ")) {
        longest = Math.max(longest, at - prev);
        prev = at;
      }
    }
    return longest;
  }

  /**
   * When the first line matching {@code p} was written at or after {@code t} ({@link
   * System#nanoTime()}), or -1.
   */
  public long nanosAfter(long t, Predicate<String> p) {
    for (int i = 0; i < lines.size(); i++) {
      if (nanos.get(i) >= t && p.test(lines.get(i))) {
        return nanos.get(i);
      }
    }
    return -1;
  }

  /** When the first line matching {@code p} was written, or -1. */
  public long nanosOf(Predicate<String> p) {
    for (int i = 0; i < lines.size(); i++) {
      if (p.test(lines.get(i))) {
        return nanos.get(i);
      }
    }
    return -1;
  }

  public String summary() {
    return summary(nanos.isEmpty() ? 0 : nanos.get(0));
  }

  /**
   * Every line except the RECV ones after the first, which are summarised with their count; times
   * since {@code t0}.
   */
  public String summary(long t0) {
    StringBuilder b = new StringBuilder();
    int recv = 0;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.startsWith("RECV ")) {
        recv++;
        if (recv > 1) {
          continue;
        }
      }
      b.append(
          String.format("+%5d ms  %s (after %d RECV)%n", (nanos.get(i) - t0) / 1_000_000, l, recv));
    }
    b.append(recv).append(" RECV lines");
    return b.toString();
  }
}
