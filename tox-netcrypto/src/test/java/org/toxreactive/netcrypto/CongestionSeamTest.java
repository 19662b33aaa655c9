package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link CongestionController} seam: a second algorithm plugged in through {@code
 * NetCrypto.congestionController} is what every session of the node uses, with nothing else
 * changed. The algorithm here is a trivial fixed window (at most {@value #WINDOW} packets in
 * flight, no pacing), so a transfer over a 40 ms round trip is bounded by {@value #WINDOW} packets
 * per round trip, far below what the default window reaches on the same link.
 */
class CongestionSeamTest {
  private static final int WINDOW = 4;
  private static final long RTT_MILLIS = 40;

  /** A fixed window: never grows, never backs off; counts what the send side asked of it. */
  static final class FixedWindow implements CongestionController {
    final List<FixedWindow> all;
    int maxInFlightAllowed = -1;
    long spent;
    long acked;

    FixedWindow(List<FixedWindow> all) {
      this.all = all;
      all.add(this);
    }

    @Override
    public int window() {
      return WINDOW;
    }

    @Override
    public void rttSampled() {}

    @Override
    public void acked(int inFlight) {
      acked++;
    }

    @Override
    public void lost(long now) {}

    @Override
    public void refill(long now) {}

    @Override
    public boolean maySend(int inFlight) {
      boolean ok = inFlight < WINDOW;
      if (ok) {
        maxInFlightAllowed = Math.max(maxInFlightAllowed, inFlight);
      }
      return ok;
    }

    @Override
    public boolean mayResend() {
      return true;
    }

    @Override
    public void spent() {
      spent++;
    }

    @Override
    public long lossEvents() {
      return 0;
    }
  }

  private final List<FixedWindow> made = new ArrayList<>();
  private SimPair p;

  @AfterEach
  void stop() {
    if (p != null) {
      p.close();
    }
  }

  /** Sends {@code n} numbered messages a to b; returns the virtual milliseconds it took. */
  private long transfer(int n) {
    p.net.defaults().delay(RTT_MILLIS / 2, RTT_MILLIS / 2);
    CryptoConnection ca = p.connect();
    CryptoConnection cb = p.accepted.get(0);
    List<Integer> got = new ArrayList<>();
    cb.lossless().subscribe(m -> got.add(SimPair.numberOf(m)));
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    long start = p.nowMillis();
    ca.send(SimPair.bulk(n, 1000)).subscribe(null, failed::set, () -> done.set(true));
    long took =
        p.advanceUntil(
            () -> done.get() || failed.get() != null, Duration.ofMillis(5), Duration.ofSeconds(60));
    assertThat(failed.get()).isNull();
    assertThat(done).as("all %d acknowledged", n).isTrue();
    assertThat(got).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(got.get(i)).isEqualTo(i);
    }
    assertThat(p.nowMillis() - start).isEqualTo(took);
    return took;
  }

  @Test
  void sessionsUseThePluggedInController() {
    p = new SimPair(5, c -> c.congestionController((rtt, tick) -> new FixedWindow(made)));
    int n = 200;
    long took = transfer(n);

    Session s = p.a.engine().session(p.bReal.publicKey());
    assertThat(s.congestion()).isInstanceOf(FixedWindow.class);
    assertThat(made).as("one controller per session, both nodes").hasSize(2);
    FixedWindow sender = (FixedWindow) s.congestion();
    assertThat(sender.maxInFlightAllowed).as("never above the fixed window").isEqualTo(WINDOW - 1);
    assertThat(sender.spent).as("every packet went out through it").isGreaterThanOrEqualTo(n);
    assertThat(sender.acked).isGreaterThanOrEqualTo(n);
    // WINDOW packets per round trip at most: n / WINDOW round trips, less one for the first flight
    assertThat(took).isGreaterThanOrEqualTo((n / WINDOW - 1) * RTT_MILLIS);
  }

  @Test
  void theDefaultControllerIsNotBoundByThatWindow() {
    // The same transfer with the default controller: the bound above is the plugged-in one's
    p = new SimPair(5);
    int n = 200;
    long took = transfer(n);
    assertThat(made).isEmpty();
    assertThat(took).isLessThan((n / WINDOW - 1) * RTT_MILLIS / 4);
  }
}
