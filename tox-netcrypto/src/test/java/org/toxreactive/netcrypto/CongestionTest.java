package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CongestionTest {
  /** Acks a full window's worth of packets (the window only grows while it is used). */
  private static void ackWindow(Congestion cc) {
    int w = cc.window();
    for (int i = 0; i < w; i++) {
      cc.acked(w);
    }
  }

  @Test
  void slowStartDoublesPerWindowOfAcks() {
    Congestion cc = new Congestion(1);
    ackWindow(cc);
    assertThat(cc.window()).isEqualTo(2 * Congestion.INITIAL_WINDOW);
    assertThat(cc.inSlowStart()).isTrue();
  }

  @Test
  void lossesReportedWithinTheSmoothedRoundTripAreOneBackoff() {
    Congestion cc = new Congestion(1);
    cc.rttSample(40); // min 40 ms
    for (int i = 0; i < 20; i++) {
      cc.rttSample(200); // a queue: the smoothed RTT climbs towards 200 ms
    }
    for (int i = 0; i < 5; i++) {
      ackWindow(cc);
    }
    int before = cc.window();
    long t = 10_000;
    cc.lost(t);
    int after = cc.window();
    assertThat(after).isBetween((int) (before * Congestion.BACKOFF), before * 3 / 4);
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
    Congestion cc = new Congestion(1);
    cc.rttSample(5);
    for (int i = 0; i < 4; i++) {
      ackWindow(cc);
    }
    cc.lost(1_000);
    assertThat(cc.inSlowStart()).isFalse();
    int w = cc.window();
    ackWindow(cc);
    assertThat(cc.window()).isBetween(w + 1, w + Congestion.MAX_STEP);
  }

  @Test
  void aStandingQueueEndsSlowStartOnceTheWindowIsLarge() {
    Congestion cc = new Congestion(1);
    cc.rttSample(2);
    for (int i = 0; i < 50; i++) {
      cc.rttSample(100); // a 100 ms queue on a 2 ms path, while the window is still small
    }
    assertThat(cc.inSlowStart()).as("below DELAY_EXIT_WINDOW delay is ignored").isTrue();
    ackWindow(cc);
    ackWindow(cc);
    assertThat(cc.window()).isEqualTo(Congestion.DELAY_EXIT_WINDOW);
    cc.rttSample(100);
    assertThat(cc.inSlowStart()).isFalse();
    assertThat(cc.lossEvents()).isZero();
    int w = cc.window();
    ackWindow(cc);
    assertThat(cc.window()).isBetween(w + 1, w + Congestion.MAX_STEP);
  }

  @Test
  void slowStartIgnoresDelayWhileTheWindowIsSmall() {
    Congestion cc = new Congestion(1);
    for (int i = 0; i < 100; i++) {
      cc.rttSample(5 + (i % 40)); // queueing delay below the window floor is not a reason
    }
    ackWindow(cc);
    ackWindow(cc);
    assertThat(cc.inSlowStart()).isTrue();
    assertThat(cc.window()).isEqualTo(4 * Congestion.INITIAL_WINDOW);
  }
}
