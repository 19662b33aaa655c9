package org.toxreactive.netcrypto;

/**
 * The round-trip estimate of one connection, from the acks of its lossless stream: the minimum and
 * a smoothed average. The send side feeds it ({@link SendBuffer} takes one sample per ack, from the
 * newest packet it released); the congestion controller, the resend timer and the path policy read
 * it. Separate from the controller so that a different controller can be dropped in without the
 * rest of the session depending on its arithmetic. Pure arithmetic; not thread-safe.
 */
final class RttEstimator {
  /** What {@link #rtt()} says before the first sample. */
  static final long INITIAL_RTT = 200;

  /** {@link #rtt()} is never below this (the receiver's ack clock is 20 ms anyway). */
  static final long MIN_RTT = 5;

  private long minRtt = -1;
  private long srtt = -1;

  /**
   * One round trip measured, in milliseconds (a negative one, from a clock that went back, is
   * ignored).
   */
  void sample(long millis) {
    if (millis >= 0) {
      minRtt = minRtt < 0 ? millis : Math.min(minRtt, millis);
      srtt = srtt < 0 ? millis : (7 * srtt + millis) / 8;
    }
  }

  /**
   * The round trip to plan with: the minimum measured (as c-toxcore: acks of packets that waited
   * behind a hole come late, so an average would grow with loss and slow every repair down), {@link
   * #INITIAL_RTT} before the first sample, never below {@link #MIN_RTT}.
   */
  long rtt() {
    return minRtt < 0 ? INITIAL_RTT : Math.max(minRtt, MIN_RTT);
  }

  /** The smoothed round trip (an EWMA of 1/8), queueing included; -1 before the first sample. */
  long smoothed() {
    return srtt;
  }

  /**
   * How old a packet the peer reports missing must be before it is resent: the smoothed RTT (with
   * queueing, unlike {@link #rtt()}) plus an eighth, so a repair still on its way is not sent
   * again, which under a full queue would only feed it duplicates.
   */
  long resendAfter() {
    return Math.max(rtt(), srtt < 0 ? 0 : srtt + srtt / 8);
  }

  @Override
  public String toString() {
    return "rtt=" + rtt() + " srtt=" + srtt;
  }
}
