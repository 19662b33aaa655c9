package org.toxreactive.benchmarks.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** Option parsing of the abuse tool: bad options exit 2 with one line, before any attack. */
@Timeout(20)
class AbuseLoadOptionsTest {
  private static final String KEY =
      "0D033D277272FE7E14B031AE231C5E594FCC7063179D5B90F16DBB0F88F3136B";
  private static final String RELAY = "127.0.0.1:1:" + KEY;
  private static final String NODE = "127.0.0.1:1:" + KEY + ":" + KEY;

  private record Run(int code, String output) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = AbuseLoad.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(out, true));
    return new Run(cl.execute(args), out.toString());
  }

  @Test
  void everyCaseOfTheScriptIsASubcommand() {
    assertThat(AbuseLoad.commandLine().getSubcommands().keySet())
        .contains(
            "flood-no-read",
            "unconfirmed-hold",
            "cookie-flood",
            "session-flood",
            "replay",
            "fd-limit",
            "metrics-slowloris",
            "observability",
            "echo-node");
  }

  @Test
  void rejectsAnUnknownFloodPacket() {
    Run r = run("flood-no-read", "--packet", "oob", "--relay", RELAY, "--seconds", "1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.output().strip())
        .isEqualTo("abuse oob-flood-no-read: --packet must be ping or route");
  }

  @Test
  void rejectsANonLoopbackRelayOrNode() {
    assertThat(run("flood-no-read", "--relay", "10.0.0.1:1:" + KEY).output())
        .contains("--relay must be on a 127.x loopback address");
    Run n = run("cookie-flood", "--node", "192.168.1.1:1:" + KEY + ":" + KEY);
    assertThat(n.code()).isEqualTo(2);
    assertThat(n.output()).contains("node host must be a loopback 127.x address");
  }

  @Test
  void rejectsUnboundedDurationsAndCounts() {
    assertThat(run("replay", "--node", NODE, "--seconds", "0").code()).isEqualTo(2);
    assertThat(run("replay", "--node", NODE, "--seconds", "4000").code()).isEqualTo(2);
    assertThat(run("cookie-flood", "--node", NODE, "--rate", "0").code()).isEqualTo(2);
    assertThat(run("session-flood", "--node", NODE, "--sessions", "0").code()).isEqualTo(2);
    assertThat(run("unconfirmed-hold", "--relay", RELAY, "--connections", "50000").code())
        .isEqualTo(2);
  }

  @Test
  void casesThatReadMetricsNeedTheMetricsPort() {
    for (String c : new String[] {"fd-limit", "metrics-slowloris", "observability"}) {
      Run r = run(c, "--relay", RELAY);
      assertThat(r.code()).as(c).isEqualTo(2);
      assertThat(r.output()).as(c).contains("--metrics-port is needed");
    }
  }

  @Test
  void aMissingTargetIsAUsageError() {
    assertThat(run("flood-no-read").code()).isEqualTo(2);
    assertThat(run("cookie-flood").code()).isEqualTo(2);
  }

  @Test
  void parsesANodeTarget() {
    NodeTarget t = NodeTarget.parse(NODE);
    assertThat(t.address().getPort()).isEqualTo(1);
    assertThat(t.realKey().toHex()).isEqualTo(KEY);
    assertThatThrownBy(() -> NodeTarget.parse("127.0.0.1:1:" + KEY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NodeTarget.parse("127.0.0.1:70000:" + KEY + ":" + KEY))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCanaryThatCannotConnectFailsTheCaseWithoutAnAttack() {
    // nothing listens on port 1: the canary pair cannot connect, the case fails at once
    Run r = run("flood-no-read", "--relay", RELAY, "--seconds", "1", "--after", "0");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.output()).contains("verdict=FAIL failed=canary_setup");
  }
}
