package org.toxreactive.test.sim;

/**
 * Counters of one link (or of all links), a snapshot.
 *
 * @param sent packets handed to the link
 * @param delivered copies that reached a live receiver (whether or not it was reading)
 * @param lost packets and copies that never arrived: random loss, queue overflow, partition, a dead
 *     or missing sender or receiver
 * @param duplicated extra copies the link made
 * @param corrupted copies with one bit flipped
 */
public record LinkStats(long sent, long delivered, long lost, long duplicated, long corrupted) {
  /** All counters zero. */
  public static final LinkStats ZERO = new LinkStats(0, 0, 0, 0, 0);

  /**
   * Copies still on their way: {@code sent + duplicated - delivered - lost}.
   *
   * @return the count
   */
  public long inFlight() {
    return sent + duplicated - delivered - lost;
  }

  LinkStats plus(LinkStats o) {
    return new LinkStats(
        sent + o.sent,
        delivered + o.delivered,
        lost + o.lost,
        duplicated + o.duplicated,
        corrupted + o.corrupted);
  }
}
