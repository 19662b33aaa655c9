package org.toxreactive.benchmarks.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The verdict of a case: every check must hold, and a case without checks does not. */
class OutcomeTest {
  @Test
  void passesOnlyWhenEveryCheckHolds() {
    Outcome o = new Outcome("x").put("canary_ok", "99.0%");
    o.atLeast("canary_ok", 99, 95).atMost("rss_bounded", 150, 200);
    assertThat(o.passed()).isTrue();
    assertThat(o.line()).isEqualTo("CASE x canary_ok=99.0% verdict=PASS");

    o.atMost("rss_bounded_again", 201, 200).check("offender_cut", false, "never cut");
    assertThat(o.passed()).isFalse();
    assertThat(o.line()).endsWith("verdict=FAIL failed=rss_bounded_again,offender_cut");
    assertThat(o.checkLines())
        .contains("CHECK x offender_cut FAIL never_cut", "CHECK x rss_bounded PASS 150.0<=200.0");
  }

  @Test
  void aCaseWithoutChecksFails() {
    Outcome o = new Outcome("empty").put("sent", 3);
    assertThat(o.passed()).isFalse();
    assertThat(o.line()).isEqualTo("CASE empty sent=3 verdict=FAIL failed=no_checks");
  }

  @Test
  void canaryThresholdIsInclusiveAndNeedsProbes() {
    assertThat(new Outcome("a").canary("canary", new Canary.Stats(100, 95, 1, 2, 3), 95).passed())
        .isTrue();
    assertThat(new Outcome("b").canary("canary", new Canary.Stats(100, 94, 1, 2, 3), 95).passed())
        .isFalse();
    assertThat(new Outcome("c").canary("canary", new Canary.Stats(0, 0, -1, -1, -1), 0).passed())
        .as("no probe sent during the attack proves nothing")
        .isFalse();
    assertThat(new Outcome("d").canary("canary", new Canary.Stats(8, 2, 1.25, 9.5, 3), 80).line())
        .isEqualTo(
            "CASE d canary_ok=25.0% canary_sent=8 canary_p50_ms=1.3 canary_p99_ms=9.5"
                + " verdict=FAIL failed=canary_ok");
  }

  @Test
  void valuesStayOneToken() {
    assertThat(new Outcome("v").put("error", "IOException: a b=c").line())
        .startsWith("CASE v error=IOException:_a_b_c ");
  }

  @Test
  void withoutATargetPidRssIsPrintedButNotChecked() {
    try (Rss rss = Rss.start(null)) {
      Outcome o = new Outcome("r").rss(rss, 200);
      assertThat(o.checks()).isEmpty();
      assertThat(o.line()).contains("rss_start_mb=-1.0 rss_peak_mb=-1.0 rss_end_mb=-1.0");
    }
  }

  @Test
  void rssOfThisProcessIsReadAndChecked() {
    long pid = ProcessHandle.current().pid();
    assertThat(Rss.readKb(pid)).isPositive();
    try (Rss rss = Rss.start(pid)) {
      Outcome o = new Outcome("self").rss(rss, 1_000_000);
      assertThat(o.checks())
          .extracting(Outcome.Check::name)
          .containsExactly("target_alive", "rss_bounded");
      assertThat(o.passed()).isTrue();
      assertThat(new Outcome("negative").rss(rss, -1).passed())
          .as("a budget below zero growth fails whatever the process did")
          .isFalse();
      // The sampler thread and rss()'s own samples can raise the peak after rss() read it, so
      // only one direction is certain: no growth by now means there was none when it checked.
      boolean tightPassed = new Outcome("tight").rss(rss, 1e-9).passed();
      if (rss.peakMb() - rss.startMb() <= 1e-9) {
        assertThat(tightPassed).as("no growth at all passes a zero budget").isTrue();
      }
    }
  }
}
