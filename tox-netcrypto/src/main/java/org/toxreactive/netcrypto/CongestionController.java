package org.toxreactive.netcrypto;

/**
 * Congestion control of one connection's lossless stream, as {@link SendBuffer} drives it: how many
 * packets may be in flight (the window) and when the next may go (the pacer). The send buffer
 * reports acks, losses and RTT samples; it asks before each send and says when it sent. Round trips
 * are read from the connection's {@link RttEstimator}, which the controller shares and does not
 * own. Pure arithmetic on the caller's clock; runs on the engine's worker, never two threads.
 *
 * <p>{@link WindowCongestion} is the algorithm in use; another one is dropped in through {@link
 * NetCrypto}'s package-private {@code congestionController} seam (for a benchmark or a test),
 * without touching the rest of the session.
 */
interface CongestionController {
  /** Makes the controller of a new session. */
  @FunctionalInterface
  interface Factory {
    /**
     * A controller for one session.
     *
     * @param rtt the session's round-trip estimate (read it, never feed it)
     * @param tickMillis the engine's timer period: the pacer refills about that often
     */
    CongestionController create(RttEstimator rtt, long tickMillis);
  }

  /** The default: {@link WindowCongestion}. */
  Factory DEFAULT = WindowCongestion::new;

  /** Packets that may be in flight at once. */
  int window();

  /** The estimator took a new sample (it may say a queue is building). */
  void rttSampled();

  /** One packet was acknowledged, with {@code inFlight} still unacknowledged. */
  void acked(int inFlight);

  /** The peer reported losses of packets sent more than a round trip ago. */
  void lost(long now);

  /** Adds what the pacer earned since the last call. */
  void refill(long now);

  /** Whether a new packet may go out now, with {@code inFlight} unacknowledged. */
  boolean maySend(int inFlight);

  /** Whether a repair may go out now (paced, not bounded by the window). */
  boolean mayResend();

  /** A packet (new or repair) went out. */
  void spent();

  /** Congestion events so far (backoffs), for tests and logs. */
  long lossEvents();
}
