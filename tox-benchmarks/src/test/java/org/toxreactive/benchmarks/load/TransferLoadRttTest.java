package org.toxreactive.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code TransferLoad --rtt}: two net_crypto nodes in this JVM over UDP on 127.0.0.1. */
@Timeout(20)
class TransferLoadRttTest {
  @Test
  void roundTripsOverUdpPrintAnRttLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    long before = System.nanoTime();
    int code =
        new CommandLine(new TransferLoad(out))
            .execute("--rtt", "30", "--rtt-warm-up", "5", "--timeout", "15");
    double elapsedMs = (System.nanoTime() - before) / 1e6;
    String output = bytes.toString(StandardCharsets.UTF_8);
    assertThat(code).as(output).isZero();
    String line =
        output
            .lines()
            .filter(l -> l.startsWith("RTT "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no RTT line in:\n" + output));
    Map<String, String> m =
        Arrays.stream(line.substring(4).split(" "))
            .map(kv -> kv.split("=", 2))
            .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
    assertThat(m.keySet())
        .containsExactlyInAnyOrder("count", "p50_ms", "p99_ms", "max_ms", "mean_ms");
    assertThat(m.get("count")).isEqualTo("30");
    double p50 = Double.parseDouble(m.get("p50_ms"));
    double max = Double.parseDouble(m.get("max_ms"));
    double mean = Double.parseDouble(m.get("mean_ms"));
    assertThat(p50).isPositive();
    // The round trips run one after another inside execute(), so together they cannot take
    // longer than it did: a wrong unit or a wrong start stamp breaks this. The histogram keeps 3
    // significant digits, hence the 1% slack.
    assertThat(max)
        .as("max_ms against %.1f ms in execute()", elapsedMs)
        .isLessThan(elapsedMs * 1.01);
    assertThat(mean * 30)
        .as("sum of the round trips against %.1f ms in execute()", elapsedMs)
        .isLessThan(elapsedMs * 1.01);
  }
}
