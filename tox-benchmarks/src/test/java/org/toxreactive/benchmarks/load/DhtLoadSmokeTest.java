package org.toxreactive.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.toxreactive.core.KeyPair;
import org.toxreactive.dht.DhtConfig;
import org.toxreactive.dht.DhtNode;
import picocli.CommandLine;

/** DhtLoad's modes run briefly against an in-process DHT node and report what they measured. */
@Timeout(60)
class DhtLoadSmokeTest {
  private static Map<String, String> run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new DhtLoad());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(out, true));
    int code = cl.execute(args);
    assertThat(code).as(out.toString()).isZero();
    return ResultLine.parse(out.toString());
  }

  @Test
  void nodesRequestsAreAnsweredByOurNode() {
    DhtNode node =
        DhtNode.bind(
            "127.0.0.1",
            0,
            KeyPair.generate(),
            DhtConfig.defaults().withAnswerLimits(1_000_000, 1_000_000, 1_000_000),
            null);
    try {
      Map<String, String> m =
          run(
              "nodes",
              "--node",
              "127.0.0.1:" + node.port() + ":" + node.publicKey().toHex(),
              "--seconds",
              "1",
              "--warmup",
              "0",
              "--keys",
              "16",
              "--sources",
              "2");
      assertThat(Long.parseLong(m.get("answered"))).isPositive();
      assertThat(Long.parseLong(m.get("answered")))
          .isLessThanOrEqualTo(Long.parseLong(m.get("sent")));
    } finally {
      node.dispose();
    }
  }

  @Test
  void aSmallSimulatedNetworkFindsKeysByWalksAndByTracking() {
    Map<String, String> m =
        run(
            "sim",
            "--nodes",
            "40",
            "--settle",
            "30",
            "--after",
            "20",
            "--lookups",
            "20",
            "--track",
            "20");
    assertThat(m.get("ask_unstorable")).isEqualTo("false");
    assertThat(m.get("track_s")).isEqualTo("20");
    // 40 nodes fit in every close list: walks and per-key lists find the closest nearly always
    assertThat(Integer.parseInt(m.get("found_before"))).isBetween(15, 20);
    assertThat(Integer.parseInt(m.get("tracked_found_before"))).isBetween(10, 20);
    assertThat(Integer.parseInt(m.get("tracked_found_after"))).isBetween(10, 20);
    assertThat(Double.parseDouble(m.get("hops_mean_before"))).isPositive();
  }

  @Test
  void theCounterExperimentFlagReachesTheNodes() {
    Map<String, String> m =
        run(
            "sim",
            "--nodes",
            "20",
            "--settle",
            "20",
            "--after",
            "0",
            "--lookups",
            "10",
            "--ask-unstorable");
    assertThat(m.get("ask_unstorable")).isEqualTo("true");
    assertThat(m.get("tracked_found_before")).isEqualTo("-1");
    assertThat(Integer.parseInt(m.get("found_before"))).isPositive();
  }

  @Test
  void nodesJoinOneAfterAnotherAndTheRefreshExperimentReachesTheNodes() {
    Map<String, String> m =
        run(
            "sim",
            "--nodes",
            "20",
            "--settle",
            "30",
            "--after",
            "0",
            "--lookups",
            "10",
            "--join",
            "10",
            "--refresh",
            "5000");
    assertThat(m.get("join_s")).isEqualTo("10");
    assertThat(m.get("refresh_ms")).isEqualTo("5000");
    // each node refreshes every 5 s once it has a good node: at most 20 x (30 / 5 + 1)
    assertThat(Long.parseLong(m.get("refreshes"))).isBetween(20L, 140L);
    assertThat(Integer.parseInt(m.get("found_before"))).isPositive();
  }

  @Test
  void byDefaultTheNodesStartTogetherWithoutTheRefresh() {
    Map<String, String> m =
        run("sim", "--nodes", "20", "--settle", "20", "--after", "0", "--lookups", "10");
    assertThat(m.get("join_s")).isEqualTo("0");
    assertThat(m.get("refreshes")).isEqualTo("0");
  }

  @Test
  void aJoinTimeNotBelowTheSettleTimeIsRefusedInOneLine() {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new DhtLoad());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(out, true));
    assertThat(cl.execute("sim", "--nodes", "20", "--settle", "20", "--join", "20")).isEqualTo(2);
    assertThat(out.toString())
        .contains("--join must be 0..19 (below --settle) and --refresh >= 0")
        .doesNotContain("Exception");
  }

  @Test
  void memoryReportsBytesPerEntry() {
    Map<String, String> m = run("memory", "--lists", "4");
    assertThat(m.get("stored")).isEqualTo("4096");
    assertThat(m).containsKeys("entry_bytes", "empty_slot_bytes");
  }
}
