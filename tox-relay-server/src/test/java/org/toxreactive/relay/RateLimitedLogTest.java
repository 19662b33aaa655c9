package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

class RateLimitedLogTest {
  private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
  private final List<String> lines = new ArrayList<>();
  private final RateLimitedLog log = new RateLimitedLog(time, Duration.ofSeconds(10), lines::add);

  @AfterEach
  void stop() {
    time.dispose();
  }

  @Test
  void writesOneLinePerReasonPerIntervalWithTheCount() {
    log.start();
    log.record("kills", "reason=queue_overflow");
    log.record("kills", "reason=queue_overflow");
    log.record("kills", "reason=queue_overflow");
    log.record("refusals", "limit=per_ip");
    time.advanceTimeBy(Duration.ofSeconds(9));
    assertThat(lines).isEmpty();
    time.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(lines)
        .containsExactlyInAnyOrder(
            "relay kills reason=queue_overflow count=3 in last 10s",
            "relay refusals limit=per_ip count=1 in last 10s");
  }

  @Test
  void aQuietIntervalWritesNothingAndCountsStartAgain() {
    log.start();
    log.record("kills", "reason=zero_pong");
    time.advanceTimeBy(Duration.ofSeconds(10));
    time.advanceTimeBy(Duration.ofSeconds(10));
    assertThat(lines).containsExactly("relay kills reason=zero_pong count=1 in last 10s");
    log.record("kills", "reason=zero_pong");
    log.record("kills", "reason=zero_pong");
    time.advanceTimeBy(Duration.ofSeconds(10));
    assertThat(lines)
        .containsExactly(
            "relay kills reason=zero_pong count=1 in last 10s",
            "relay kills reason=zero_pong count=2 in last 10s");
  }

  @Test
  void stopWritesWhatIsLeftAndEndsThePeriodicLines() {
    log.start();
    log.record("kills", "reason=shutdown");
    log.stop();
    assertThat(lines).containsExactly("relay kills reason=shutdown count=1 in last 10s");
    log.record("kills", "reason=shutdown");
    time.advanceTimeBy(Duration.ofSeconds(30));
    assertThat(lines).hasSize(1);
  }
}
