package org.toxreactive.benchmarks.abuse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The relay's Prometheus endpoint: fetches {@code /metrics} (and {@code /health}) with the JDK's
 * HTTP client and parses the text format into {@code series -> value}, where a series is the name
 * with its labels as printed ({@code tox_relay_kills_total{reason="ping_timeout"}}).
 */
final class Metrics {
  private final HttpClient http;
  private final String base;

  /** A client of {@code 127.0.0.1:port}; every request has {@code timeout} to complete. */
  Metrics(int port) {
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    this.base = "http://127.0.0.1:" + port;
  }

  /** GETs {@code path} within {@code timeout}; returns the status code (exceptions propagate). */
  int status(String path, Duration timeout) throws Exception {
    return get(path, timeout).statusCode();
  }

  private HttpResponse<String> get(String path, Duration timeout) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).GET().build();
    return http.send(r, HttpResponse.BodyHandlers.ofString());
  }

  /** The parsed metrics, or an empty map if the endpoint does not answer within 5 s. */
  Map<String, Double> scrape() {
    try {
      HttpResponse<String> r = get("/metrics", Duration.ofSeconds(5));
      return r.statusCode() == 200 ? parse(r.body()) : Map.of();
    } catch (Exception e) {
      return Map.of();
    }
  }

  /** Parses Prometheus text: comment lines skipped, {@code series value} per line. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int cut = line.lastIndexOf(' ');
      if (cut <= 0) {
        continue;
      }
      String v = line.substring(cut + 1);
      double d;
      try {
        d = Double.parseDouble(v.replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
      } catch (NumberFormatException e) {
        continue;
      }
      m.put(line.substring(0, cut).strip(), d);
    }
    return m;
  }

  /**
   * The series whose name contains {@code fragment} and whose value rose from {@code before} to
   * {@code after}, as {@code series:delta,...} with the label values only (empty: "none").
   */
  static String rose(Map<String, Double> before, Map<String, Double> after, String fragment) {
    Map<String, Double> d = new TreeMap<>();
    after.forEach(
        (k, v) -> {
          if (k.contains(fragment)) {
            double delta = v - before.getOrDefault(k, 0.0);
            if (delta > 0) {
              d.put(label(k), delta);
            }
          }
        });
    return d.isEmpty()
        ? "none"
        : d.entrySet().stream()
            .map(e -> e.getKey() + ":" + Math.round(e.getValue()))
            .collect(Collectors.joining(","));
  }

  /** The series matching {@code fragment} with their values, as {@code series:value,...}. */
  static String matching(Map<String, Double> m, String fragment) {
    String s =
        m.entrySet().stream()
            .filter(e -> e.getKey().contains(fragment))
            .map(e -> label(e.getKey()) + ":" + Outcome.fmt(e.getValue()))
            .collect(Collectors.joining(","));
    return s.isEmpty() ? "none" : s;
  }

  /** {@code name{a="x",b="y"}} -> {@code name[x,y]} (one token, no quotes). */
  static String label(String series) {
    int b = series.indexOf('{');
    if (b < 0) {
      return series;
    }
    String labels =
        java.util.Arrays.stream(series.substring(b + 1, series.length() - 1).split(","))
            .map(kv -> kv.contains("=") ? kv.substring(kv.indexOf('=') + 1).replace("\"", "") : kv)
            .collect(Collectors.joining("/"));
    return series.substring(0, b) + "[" + labels + "]";
  }
}
