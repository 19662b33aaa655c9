package org.toxreactive.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** Each load mode runs briefly against an in-process relay and reports what it measured. */
@Timeout(30)
class RelayLoadSmokeTest {
  private record Run(int exitCode, String output) {
    Map<String, String> result() {
      return ResultLine.parse(output);
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = RelayLoad.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(out, true));
    int code = cl.execute(args);
    return new Run(code, out.toString());
  }

  @Test
  void throughputDeliversBytesThroughAnInProcessRelay() {
    Run r = run("throughput", "--in-process", "--pairs", "2", "--seconds", "1", "--warmup", "0.2");
    assertThat(r.exitCode()).as(r.output()).isZero();
    Map<String, String> m = r.result();
    assertThat(Long.parseLong(m.get("delivered"))).isPositive();
    assertThat(Double.parseDouble(m.get("mb_per_s"))).isPositive();
    assertThat(m.get("links_lost")).isEqualTo("0");
  }

  @Test
  void latencyRecordsOneWayDelays() {
    Run r =
        run(
            "latency",
            "--in-process",
            "--pairs",
            "2",
            "--rate",
            "500",
            "--seconds",
            "1",
            "--warmup",
            "0.2");
    assertThat(r.exitCode()).as(r.output()).isZero();
    Map<String, String> m = r.result();
    assertThat(Long.parseLong(m.get("received"))).isGreaterThan(100);
    assertThat(Double.parseDouble(m.get("p99_ms"))).isPositive();
  }

  @Test
  void onionAnnounceRequestsAreAnswered() {
    Run r =
        run(
            "onion",
            "--in-process",
            "--senders",
            "8",
            "--sources",
            "2",
            "--seconds",
            "1",
            "--warmup",
            "0.2");
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(Long.parseLong(r.result().get("answered"))).isPositive();
    assertThat(Double.parseDouble(r.result().get("per_s"))).isPositive();
  }

  @Test
  void handshakesCompleteCycles() {
    Run r =
        run(
            "handshakes",
            "--in-process",
            "--concurrency",
            "4",
            "--seconds",
            "1",
            "--warmup",
            "0.2");
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(Long.parseLong(r.result().get("completed"))).isPositive();
    assertThat(r.result().get("failed")).isEqualTo("0");
  }

  @Test
  void idleClientsStayUpAndAnswer() {
    Run r = run("idle", "--in-process", "--clients", "100", "--hold", "0.5", "--sample", "20");
    assertThat(r.exitCode()).as(r.output()).isZero();
    Map<String, String> m = r.result();
    assertThat(m.get("alive")).isEqualTo("100");
    assertThat(m.get("responsive")).isEqualTo("20");
    assertThat(m.get("lost")).isEqualTo("0");
    assertThat(Double.parseDouble(m.get("ping_p99_ms"))).isPositive();
    assertThat(Long.parseLong(m.get("heap_per_client_bytes"))).isPositive();
  }

  @Test
  void everyModeHasHelp() {
    for (String mode : new String[] {"throughput", "latency", "handshakes", "idle", "serve"}) {
      Run r = run(mode, "--help");
      assertThat(r.exitCode()).isZero();
      assertThat(r.output()).contains("Usage: relay-load " + mode);
    }
  }
}
