package org.toxreactive.benchmarks.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A canary counts the probes of the attack window, served only when answered in time. */
@Timeout(20)
class CanaryTest {
  @Test
  void countsAnsweredProbesOfTheAttackWindow() {
    try (ProbeCanary c =
        ProbeCanary.start(
            (seq, timeout) -> seq % 2 == 0,
            Duration.ofMillis(5),
            Duration.ofSeconds(1),
            Duration.ofSeconds(10))) {
      c.attackStarted();
      await().atMost(Duration.ofSeconds(10)).until(() -> c.stats().sent() >= 10);
      c.attackEnded();
      await().atMost(Duration.ofSeconds(10)).until(() -> c.stats().recoveryMs() >= 0);
      Canary.Stats s = c.stats();
      assertThat(s.ok()).isBetween(s.sent() / 2 - 1, s.sent() / 2 + 1);
      assertThat(s.p50Ms()).isBetween(0.0, 1000.0);
      assertThat(s.recoveryMs()).isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void aProbeThatFailsIsNotServedAndNoRecoveryIsReported() {
    try (ProbeCanary c =
        ProbeCanary.start(
            (seq, timeout) -> {
              throw new IllegalStateException("down");
            },
            Duration.ofMillis(5),
            Duration.ofSeconds(1),
            Duration.ofSeconds(10))) {
      c.attackStarted();
      await().atMost(Duration.ofSeconds(10)).until(() -> c.stats().sent() >= 5);
      c.attackEnded();
      Canary.Stats s = c.stats();
      assertThat(s.ok()).isZero();
      assertThat(s.okPercent()).isZero();
      assertThat(s.p99Ms()).isEqualTo(-1);
      assertThat(s.recoveryMs()).isEqualTo(-1);
    }
  }
}
