package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CongestionTest {
  private final RttEstimator rtt = new RttEstimator();

  /** A controller reading {@link #rtt}, as a session's does. */
  private WindowCongestion controller() {
    return new WindowCongestion(rtt, 1);
  }

  /** One RTT sample, as the send buffer feeds it: the estimator first, then the controller. */
  private void sample(WindowCongestion cc, long millis) {
    rtt.sample(millis);
    cc.rttSampled();
  }

  /** Acks a full window's worth of packets (the window only grows while it is used). */
  private static void ackWindow(WindowCongestion cc) {
    int w = cc.window();
    for (int i = 0; i < w; i++) {
      cc.acked(w);
    }
  }

  @Test
  void slowStartDoublesPerWindowOfAcks() {
    WindowCongestion cc = controller();
    ackWindow(cc);
    assertThat(cc.window()).isEqualTo(2 * WindowCongestion.INITIAL_WINDOW);
    assertThat(cc.inSlowStart()).isTrue();
  }

  @Test
  void lossesReportedWithinTheSmoothedRoundTripAreOneBackoff() {
    WindowCongestion cc = controller();
    sample(cc, 40); // min 40 ms
    for (int i = 0; i < 20; i++) {
      sample(cc, 200); // a queue: the smoothed RTT climbs towards 200 ms
    }
    for (int i = 0; i < 5; i++) {
      ackWindow(cc);
    }
    int before = cc.window();
    long t = 10_000;
    cc.lost(t);
    int after = cc.window();
    assertThat(after).isBetween((int) (before * WindowCongestion.BACKOFF), before * 3 / 4);
    // the rest of the overshoot's losses arrive over the next ~150 ms: the same event
    cc.lost(t + 50);
    cc.lost(t + 100);
    cc.lost(t + 150);
    assertThat(cc.window()).isEqualTo(after);
    assertThat(cc.lossEvents()).isEqualTo(1);
    // a loss a full smoothed round trip later is a new event
    cc.lost(t + 400);
    assertThat(cc.lossEvents()).isEqualTo(2);
    assertThat(cc.window()).isLessThan(after);
  }

  @Test
  void afterALossTheWindowGrowsByAtMostMaxStepPerWindowOfAcks() {
    WindowCongestion cc = controller();
    sample(cc, 5);
    for (int i = 0; i < 4; i++) {
      ackWindow(cc);
    }
    cc.lost(1_000);
    assertThat(cc.inSlowStart()).isFalse();
    int w = cc.window();
    ackWindow(cc);
    assertThat(cc.window()).isBetween(w + 1, w + WindowCongestion.MAX_STEP);
  }

  @Test
  void aStandingQueueEndsSlowStartOnceTheWindowIsLarge() {
    WindowCongestion cc = controller();
    sample(cc, 2);
    for (int i = 0; i < 50; i++) {
      sample(cc, 100); // a 100 ms queue on a 2 ms path, while the window is still small
    }
    assertThat(cc.inSlowStart()).as("below DELAY_EXIT_WINDOW delay is ignored").isTrue();
    ackWindow(cc);
    ackWindow(cc);
    assertThat(cc.window()).isEqualTo(WindowCongestion.DELAY_EXIT_WINDOW);
    sample(cc, 100);
    assertThat(cc.inSlowStart()).isFalse();
    assertThat(cc.lossEvents()).isZero();
    int w = cc.window();
    ackWindow(cc);
    assertThat(cc.window()).isBetween(w + 1, w + WindowCongestion.MAX_STEP);
  }

  @Test
  void slowStartIgnoresDelayWhileTheWindowIsSmall() {
    WindowCongestion cc = controller();
    for (int i = 0; i < 100; i++) {
      sample(cc, 5 + (i % 40)); // queueing delay below the window floor is not a reason
    }
    ackWindow(cc);
    ackWindow(cc);
    assertThat(cc.inSlowStart()).isTrue();
    assertThat(cc.window()).isEqualTo(4 * WindowCongestion.INITIAL_WINDOW);
  }
}
