package org.toxreactive.benchmarks.abuse;

import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Case 6: the relay runs under a file descriptor limit (abuse.sh starts it with {@code ulimit -n
 * 2000} and an unconfirmed pool larger than that, so idle connections are not evicted before the
 * descriptors run out) and {@code --connections} (2,300) idle connections from 127.0.30.x come in,
 * each re-opened when closed. Holds when the relay keeps running, its {@code /metrics} answers
 * within 1 s (a GET every 250 ms, >= 95%), the canary pair, connected before, keeps its round
 * trips, and the connections past the descriptor-sized cap were refused and counted as {@code
 * tox_relay_refused_total{limit="open_files"}} (not left to fail with EMFILE).
 */
@Command(
    name = "fd-limit",
    mixinStandardHelpOptions = true,
    description = {
      "Case 6: more idle connections (127.0.30.x) than the relay has file descriptors. Holds: the"
          + " relay runs, /metrics answers within 1 s (>= 95%), the established canary pair"
          + " >= 95%. Needs --metrics-port."
    })
final class FdLimitCase extends RelayCase {
  @Option(names = "--connections", defaultValue = "2300", description = "Held at once.")
  int connections;

  @Option(
      names = "--per-source",
      defaultValue = "50",
      description = "Connections per source address (default: ${DEFAULT-VALUE}).")
  int perSource;

  private Map<String, Double> before = Map.of();

  @Override
  String caseName() {
    return "fd-limit";
  }

  @Override
  String validate() {
    String bad = super.validate();
    if (bad == null && metricsPort == null) {
      bad = "--metrics-port is needed";
    }
    if (bad == null && (connections < 1 || connections > 20_000 || perSource < 1)) {
      bad = "--connections must be 1..20000, --per-source >= 1";
    }
    return bad;
  }

  @Override
  void prepare(Outcome o) {
    before = metrics().scrape();
  }

  @Override
  void attack(long deadline, Outcome o) throws Exception {
    Metrics m = metrics();
    int sources = Math.min(250 * 4, (connections + perSource - 1) / perSource);
    try (ProbeCanary scrape =
        ProbeCanary.start(
            (seq, timeout) -> m.status("/metrics", timeout) == 200,
            Duration.ofMillis(250),
            Duration.ofSeconds(1),
            Duration.ofMillis((long) (seconds * 1000) + 5000))) {
      scrape.attackStarted();
      HeldConnections.Stats s =
          new HeldConnections(address(), HeldConnections.sources(30, sources), connections, true)
              .run(deadline);
      scrape.attackEnded();
      Canary.Stats ms = scrape.stats();
      o.put("held_peak", s.peakHeld())
          .put("opened", s.opened())
          .put("closed_by_relay", s.closedByRelay())
          .put("connect_failures", s.connectFailures())
          .put("metrics_ok", Outcome.fmt(ms.okPercent()) + "%")
          .put("metrics_p99_ms", ms.p99Ms());
      o.check(
          "metrics_answers",
          ms.sent() > 0 && ms.okPercent() >= 95,
          Outcome.fmt(ms.okPercent()) + "%>=95%_of_" + ms.sent());
    }
  }

  @Override
  void judge(Outcome o, Canary.Stats s) {
    Map<String, Double> after = metrics().scrape();
    o.put("refused_rose", Metrics.rose(before, after, "refused"));
    o.put("refused_now", Metrics.matching(after, "refused"));
    double refused = openFilesRefused(after) - openFilesRefused(before);
    o.check("open_files_refused_counted", refused > 0, Outcome.fmt(refused) + ">0");
  }

  private static double openFilesRefused(Map<String, Double> scrape) {
    return scrape.entrySet().stream()
        .filter(
            e ->
                e.getKey().startsWith("tox_relay_refused_total")
                    && e.getKey().contains("open_files"))
        .mapToDouble(Map.Entry::getValue)
        .sum();
  }
}
