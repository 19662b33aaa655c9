package org.toxreactive.benchmarks.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing the relay's Prometheus text and reporting which counters rose. */
class MetricsTest {
  private static final String BEFORE =
      """
      # HELP tox_relay_kills_total
      # TYPE tox_relay_kills_total counter
      tox_relay_kills_total{reason="ping_timeout"} 1.0
      tox_relay_kills_total{reason="protocol_error"} 0.0
      tox_relay_refused_total{limit="per_ip"} 2.0
      tox_relay_clients NaN
      """;

  private static final String AFTER =
      """
      tox_relay_kills_total{reason="ping_timeout"} 1.0
      tox_relay_kills_total{reason="protocol_error"} 3.0
      tox_relay_kills_total{reason="queue_overflow"} 1.0
      tox_relay_refused_total{limit="per_ip"} 2.0
      tox_relay_clients 7.0
      garbage line without a value x
      """;

  @Test
  void parsesSeriesWithLabelsAndNaN() {
    Map<String, Double> m = Metrics.parse(BEFORE);
    assertThat(m).hasSize(4);
    assertThat(m.get("tox_relay_kills_total{reason=\"ping_timeout\"}")).isEqualTo(1.0);
    assertThat(m.get("tox_relay_clients")).isNaN();
  }

  @Test
  void reportsOnlyTheCountersThatRose() {
    assertThat(Metrics.rose(Metrics.parse(BEFORE), Metrics.parse(AFTER), "kills"))
        .isEqualTo(
            "tox_relay_kills_total[protocol_error]:3,tox_relay_kills_total[queue_overflow]:1");
    assertThat(Metrics.rose(Metrics.parse(BEFORE), Metrics.parse(AFTER), "refused"))
        .isEqualTo("none");
    assertThat(Metrics.rose(Map.of(), Map.of(), "kills")).isEqualTo("none");
  }

  @Test
  void matchingListsValues() {
    assertThat(Metrics.matching(Metrics.parse(AFTER), "refused"))
        .isEqualTo("tox_relay_refused_total[per_ip]:2.0");
    assertThat(Metrics.label("a{x=\"1\",y=\"2\"}")).isEqualTo("a[1/2]");
    assertThat(Metrics.label("plain")).isEqualTo("plain");
  }
}
