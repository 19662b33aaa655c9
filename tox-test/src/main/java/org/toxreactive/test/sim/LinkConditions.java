package org.toxreactive.test.sim;

/**
 * What a one-way link does to packets, as a value. {@link #PERFECT} delivers every packet intact,
 * at once, in order.
 *
 * @param loss probability that a packet is lost
 * @param duplicate probability that a packet arrives twice (each copy has its own delay)
 * @param reorder probability that a copy is held back by an extra 1..{@code reorderMaxExtraMillis}
 *     ms, so that later packets overtake it
 * @param reorderMaxExtraMillis the largest extra delay of a reordered copy
 * @param minDelayMillis the smallest one-way delay
 * @param maxDelayMillis the largest one-way delay (uniform between; jitter reorders too)
 * @param corrupt probability that a copy arrives with exactly one random bit flipped
 * @param bytesPerSecond link rate: packets queue behind each other; 0 for no limit
 * @param queueLimitBytes bytes that may wait for the link before further packets are dropped (tail
 *     drop); {@link Long#MAX_VALUE} for no limit
 */
public record LinkConditions(
    double loss,
    double duplicate,
    double reorder,
    long reorderMaxExtraMillis,
    long minDelayMillis,
    long maxDelayMillis,
    double corrupt,
    long bytesPerSecond,
    long queueLimitBytes) {

  /** Every packet intact, at once, in order. */
  public static final LinkConditions PERFECT =
      new LinkConditions(0, 0, 0, 0, 0, 0, 0, 0, Long.MAX_VALUE);

  /**
   * Checks every value; the exception names the one out of range.
   *
   * @param loss probability that a packet is lost
   * @param duplicate probability that a packet arrives twice
   * @param reorder probability that a copy is held back
   * @param reorderMaxExtraMillis the largest extra delay of a reordered copy
   * @param minDelayMillis the smallest one-way delay
   * @param maxDelayMillis the largest one-way delay
   * @param corrupt probability that a copy has one bit flipped
   * @param bytesPerSecond link rate, 0 for no limit
   * @param queueLimitBytes bytes that may wait for the link
   */
  public LinkConditions {
    probability("loss", loss);
    probability("duplicate", duplicate);
    probability("reorder", reorder);
    probability("corrupt", corrupt);
    if (reorderMaxExtraMillis < 0 || (reorder > 0 && reorderMaxExtraMillis < 1)) {
      throw new IllegalArgumentException(
          "reordering needs a max extra delay >= 1 ms: " + reorderMaxExtraMillis);
    }
    if (minDelayMillis < 0 || maxDelayMillis < minDelayMillis) {
      throw new IllegalArgumentException(
          "delay must satisfy 0 <= min <= max: " + minDelayMillis + ", " + maxDelayMillis);
    }
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("bytesPerSecond must be >= 0: " + bytesPerSecond);
    }
    if (queueLimitBytes < 0) {
      throw new IllegalArgumentException("queueLimitBytes must be >= 0: " + queueLimitBytes);
    }
  }

  /**
   * With packet loss.
   *
   * @param p probability 0..1
   * @return a copy of these conditions with this change
   */
  public LinkConditions withLoss(double p) {
    return new LinkConditions(
        p,
        duplicate,
        reorder,
        reorderMaxExtraMillis,
        minDelayMillis,
        maxDelayMillis,
        corrupt,
        bytesPerSecond,
        queueLimitBytes);
  }

  /**
   * With duplication.
   *
   * @param p probability 0..1
   * @return a copy of these conditions with this change
   */
  public LinkConditions withDuplicate(double p) {
    return new LinkConditions(
        loss,
        p,
        reorder,
        reorderMaxExtraMillis,
        minDelayMillis,
        maxDelayMillis,
        corrupt,
        bytesPerSecond,
        queueLimitBytes);
  }

  /**
   * With reordering.
   *
   * @param p probability 0..1
   * @param maxExtraDelayMillis the largest extra delay of a held-back copy
   * @return a copy of these conditions with this change
   */
  public LinkConditions withReorder(double p, long maxExtraDelayMillis) {
    return new LinkConditions(
        loss,
        duplicate,
        p,
        maxExtraDelayMillis,
        minDelayMillis,
        maxDelayMillis,
        corrupt,
        bytesPerSecond,
        queueLimitBytes);
  }

  /**
   * With a one-way delay, uniform between the two.
   *
   * @param minMillis the smallest delay
   * @param maxMillis the largest delay
   * @return a copy of these conditions with this change
   */
  public LinkConditions withDelay(long minMillis, long maxMillis) {
    return new LinkConditions(
        loss,
        duplicate,
        reorder,
        reorderMaxExtraMillis,
        minMillis,
        maxMillis,
        corrupt,
        bytesPerSecond,
        queueLimitBytes);
  }

  /**
   * With corruption.
   *
   * @param p probability 0..1
   * @return a copy of these conditions with this change
   */
  public LinkConditions withCorrupt(double p) {
    return new LinkConditions(
        loss,
        duplicate,
        reorder,
        reorderMaxExtraMillis,
        minDelayMillis,
        maxDelayMillis,
        p,
        bytesPerSecond,
        queueLimitBytes);
  }

  /**
   * With a rate limit.
   *
   * @param bytesPerSecond the rate, 0 for no limit
   * @param queueLimitBytes bytes that may wait before tail drop
   * @return a copy of these conditions with this change
   */
  public LinkConditions withBandwidth(long bytesPerSecond, long queueLimitBytes) {
    return new LinkConditions(
        loss,
        duplicate,
        reorder,
        reorderMaxExtraMillis,
        minDelayMillis,
        maxDelayMillis,
        corrupt,
        bytesPerSecond,
        queueLimitBytes);
  }

  private static void probability(String name, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(name + " must be a probability in [0, 1]: " + p);
    }
  }
}
