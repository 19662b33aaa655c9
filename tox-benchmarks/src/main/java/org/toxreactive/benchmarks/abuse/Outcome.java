package org.toxreactive.benchmarks.abuse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one abuse case measured and whether it held: ordered {@code key=value} figures and named
 * checks. The case holds when every check passed (and there is at least one). Printed as one line:
 *
 * <pre>
 * CASE ping-flood-no-read canary_ok=100.0% ... rss_peak_mb=412.0 verdict=FAIL failed=rss_bounded
 * </pre>
 */
final class Outcome {
  /** One threshold: its name, whether it held, and what was compared (one token). */
  record Check(String name, boolean pass, String detail) {}

  private final String name;
  private final Map<String, String> fields = new LinkedHashMap<>();
  private final List<Check> checks = new ArrayList<>();

  Outcome(String name) {
    this.name = name;
  }

  String name() {
    return name;
  }

  /** Adds (or replaces) a figure; spaces and '=' in the value become '_' to keep one token. */
  Outcome put(String key, Object value) {
    String v = value instanceof Double d ? fmt(d) : String.valueOf(value);
    fields.put(key, v.replaceAll("[\\s=]+", "_"));
    return this;
  }

  /** Records a check. */
  Outcome check(String check, boolean pass, String detail) {
    checks.add(new Check(check, pass, detail.replaceAll("\\s+", "_")));
    return this;
  }

  /** Checks {@code value >= min} under the name {@code check}. */
  Outcome atLeast(String check, double value, double min) {
    return check(check, value >= min, fmt(value) + ">=" + fmt(min));
  }

  /** Checks {@code value <= max} under the name {@code check}. */
  Outcome atMost(String check, double value, double max) {
    return check(check, value <= max, fmt(value) + "<=" + fmt(max));
  }

  /**
   * Adds the target's memory figures and checks that the peak stayed within {@code budgetMb} of the
   * start and that the target is still running. Without a known RSS (no pid) only the figures are
   * printed, as -1.
   */
  Outcome rss(Rss rss, double budgetMb) {
    double start = rss.startMb();
    double peak = rss.peakMb();
    double end = rss.endMb();
    put("rss_start_mb", start).put("rss_peak_mb", peak).put("rss_end_mb", end);
    if (rss.known()) {
      check("target_alive", !rss.exited(), rss.exited() ? "exited" : "running");
      atMost("rss_bounded", peak - start, budgetMb);
    }
    return this;
  }

  /** Adds a canary's figures and checks its success rate against {@code minPercent}. */
  Outcome canary(String prefix, Canary.Stats s, double minPercent) {
    put(prefix + "_ok", fmt(s.okPercent()) + "%")
        .put(prefix + "_sent", s.sent())
        .put(prefix + "_p50_ms", s.p50Ms())
        .put(prefix + "_p99_ms", s.p99Ms());
    return check(
        prefix + "_ok",
        s.sent() > 0 && s.okPercent() >= minPercent,
        fmt(s.okPercent()) + "%>=" + fmt(minPercent) + "%_of_" + s.sent());
  }

  List<Check> checks() {
    return List.copyOf(checks);
  }

  /** The checks that failed. */
  List<Check> failed() {
    return checks.stream().filter(c -> !c.pass()).toList();
  }

  boolean passed() {
    return !checks.isEmpty() && failed().isEmpty();
  }

  /** The {@code CASE ...} line. */
  String line() {
    StringBuilder b = new StringBuilder("CASE ").append(name);
    fields.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
    b.append(" verdict=").append(passed() ? "PASS" : "FAIL");
    if (checks.isEmpty()) {
      b.append(" failed=no_checks");
    } else if (!passed()) {
      b.append(" failed=")
          .append(failed().stream().map(Check::name).collect(Collectors.joining(",")));
    }
    return b.toString();
  }

  /** One {@code CHECK name PASS|FAIL detail} line per check, for the log. */
  List<String> checkLines() {
    return checks.stream()
        .map(
            c ->
                "CHECK "
                    + name
                    + " "
                    + c.name()
                    + " "
                    + (c.pass() ? "PASS " : "FAIL ")
                    + c.detail())
        .toList();
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
