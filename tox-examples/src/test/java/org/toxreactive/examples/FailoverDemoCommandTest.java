package org.toxreactive.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The failover demo as a newcomer runs it, shortened: real relays on loopback, real kills. */
class FailoverDemoCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Examples.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void losesNothingWhileRelaysAreKilledUnderTheConnection() {
    int code = run("failover-demo", "--seconds", "7", "--kill-every", "2", "--rate", "1000");
    String summary =
        out.toString().lines().filter(l -> l.startsWith("SUMMARY ")).findFirst().orElse("");
    assertThat(code).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isZero();
    Matcher m =
        Pattern.compile(
                "SUMMARY sent=(\\d+) received=(\\d+) lost=0 duplicated=0 offline_blips=0"
                    + " max_stall_ms=(\\d+) relays_killed=(\\d+)")
            .matcher(summary);
    assertThat(m.matches()).as(summary).isTrue();
    assertThat(Long.parseLong(m.group(1))).isEqualTo(7_000);
    assertThat(m.group(2)).isEqualTo(m.group(1));
    assertThat(Integer.parseInt(m.group(4))).isGreaterThanOrEqualTo(3);
    assertThat(out.toString()).contains("KILL relay 1", "REVIVE relay 1", "t=1s path=relay:");
  }
}
