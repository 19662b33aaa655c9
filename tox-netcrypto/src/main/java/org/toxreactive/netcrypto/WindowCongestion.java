package org.toxreactive.netcrypto;

/**
 * The congestion controller in use ({@link CongestionController}): a window of packets in flight
 * (slow start doubling per round trip, then binary increase back towards the last loss),
 * multiplicative decrease at most once per round trip when the peer's packet requests report
 * losses, and a pacer that spreads each window over the round trip instead of bursting it.
 *
 * <p>Why not c-toxcore's rate controller (docs/protocol.md 4.14): it starts at 64 packets and grows
 * by 1.2x per 50 ms sample only after measuring what got through, so a transfer takes seconds to
 * reach speed (0.3 MB/s doubling every 2 s on loopback), and a relay hole can starve it to 4
 * packets/s for good. A window that doubles per round trip is at full speed after log2(W/64) round
 * trips. Loss backs the window off to 0.7x, and at most once per round trip, because the losses of
 * one window are one congestion event and on a lossy path random loss is not always congestion.
 * "One round trip" there is the smoothed one: the losses of one overshoot are reported over the RTT
 * the queue had then, not over the empty-queue minimum (reacting per minimum RTT backed a
 * 3,000-packet overshoot off four times in a row, to a third). Pure arithmetic on the caller's
 * clock; not thread-safe.
 *
 * <p>Slow start also ends without a loss once the window is large ({@link #DELAY_EXIT_WINDOW}) and
 * the smoothed RTT has grown well past the minimum: a queue is building. Loopback with 2 MiB socket
 * buffers let a window double to 10,000 packets with a 250 ms queue before the first loss, and
 * draining that took eight backoffs and most of a second. The window floor keeps a noisy start (the
 * JIT and other processes delay acks in the first second) from ending slow start early; a
 * sample-based test (HyStart) fired at windows of 40-80 on a loaded machine.
 */
final class WindowCongestion implements CongestionController {
  static final int INITIAL_WINDOW = 64;

  /**
   * Floor of the backoff: low enough to fit a slow link (16 x 1.4 KB in flight), high enough that
   * random loss cannot starve a fast one (c-toxcore's floor is a rate of 4 packets/s).
   */
  static final int MIN_WINDOW = 16;

  static final int MAX_WINDOW = 32768;
  static final double BACKOFF = 0.7;

  /** Largest growth per round trip after a loss, in packets. */
  static final int MAX_STEP = 8;

  /** The pacer runs this much faster than window/RTT, so that pacing never caps the window. */
  static final double PACING_GAIN = 1.25;

  /** Smallest burst the pacer allows (and what a fresh connection may send at once). */
  static final int MIN_BURST = 16;

  private final RttEstimator rtt;
  private final long tickMillis;
  private double window = INITIAL_WINDOW;
  private double ssthresh = MAX_WINDOW;
  private double lossWindow = MAX_WINDOW;
  private long lastLossAt = Long.MIN_VALUE / 2;
  private double tokens = INITIAL_WINDOW;
  private long lastRefill = Long.MIN_VALUE;
  private long lossEvents;

  /** Slow start may end on rising delay only from this window on. */
  static final int DELAY_EXIT_WINDOW = 256;

  WindowCongestion(RttEstimator rtt, long tickMillis) {
    this.rtt = rtt;
    this.tickMillis = tickMillis;
  }

  @Override
  public int window() {
    return (int) window;
  }

  @Override
  public long lossEvents() {
    return lossEvents;
  }

  @Override
  public void rttSampled() {
    if (window < ssthresh && window >= DELAY_EXIT_WINDOW && rtt.smoothed() > queueingThreshold()) {
      ssthresh = window; // a queue is building: probe on from here, by binary increase
    }
  }

  /** A smoothed RTT above this means a standing queue: twice the minimum plus 20 ms. */
  private long queueingThreshold() {
    return 2 * rtt.rtt() + 20;
  }

  /** Whether slow start is still on (no loss yet). */
  boolean inSlowStart() {
    return window < ssthresh;
  }

  /**
   * One packet was acknowledged. The window grows only while it is being used: an application that
   * sends little must not build up a window it never tested.
   */
  @Override
  public void acked(int inFlight) {
    if (inFlight + 1 < window / 2) {
      return;
    }
    window += window < ssthresh ? 1 : perRoundTripGrowth() / window;
    if (window > MAX_WINDOW) {
      window = MAX_WINDOW;
    }
  }

  /**
   * Growth per round trip after a loss (binary increase, as BIC-TCP): half the way back to the
   * window where the loss happened, at most {@link #MAX_STEP} packets; past it, probing speeds up
   * again the same way. At least one packet, as Reno. A window that only grew by one packet per
   * round trip would need minutes to refill a fast path after each loss.
   */
  private double perRoundTripGrowth() {
    double gap = Math.abs(lossWindow - window);
    return Math.max(1, Math.min(MAX_STEP, window < lossWindow ? gap / 2 : gap + 1));
  }

  /** The peer reported losses of packets sent more than a round trip ago. */
  @Override
  public void lost(long now) {
    if (now - lastLossAt <= Math.max(rtt.rtt(), rtt.smoothed())) {
      return; // one reaction per round trip: the losses of one window are one event
    }
    lastLossAt = now;
    lossEvents++;
    lossWindow = window;
    window = Math.max(MIN_WINDOW, window * BACKOFF);
    ssthresh = window;
  }

  /** Packets per millisecond the pacer lets through. */
  double pacingRate() {
    return PACING_GAIN * window / rtt.rtt();
  }

  /** Adds the tokens earned since the last call; the bucket holds about two ticks' worth. */
  @Override
  public void refill(long now) {
    if (lastRefill == Long.MIN_VALUE) {
      lastRefill = now;
      return;
    }
    long elapsed = now - lastRefill;
    if (elapsed <= 0) {
      return;
    }
    lastRefill = now;
    double rate = pacingRate();
    double cap = Math.max(MIN_BURST, rate * 2 * tickMillis);
    tokens = Math.min(cap, tokens + rate * elapsed);
  }

  /** Whether a new packet may go out now, with {@code inFlight} unacknowledged. */
  @Override
  public boolean maySend(int inFlight) {
    return inFlight < (int) window && tokens >= 1;
  }

  /** Whether a repair may go out now: paced, but not bounded by the window. */
  @Override
  public boolean mayResend() {
    return tokens >= 1;
  }

  @Override
  public void spent() {
    tokens -= 1;
  }

  @Override
  public String toString() {
    return "window=" + (int) window + " ssthresh=" + (int) ssthresh + " " + rtt;
  }
}
