package org.toxreactive.core;

/**
 * A token bucket on the engine's millisecond clock: it holds at most {@code capacity} tokens and
 * gains {@code perSecond} a second. Kept in thousandths of a token, so integer arithmetic refills
 * it exactly at any rate. A clock that goes backwards refills nothing. Not thread-safe. Used for
 * the rate limits of net_crypto (cookie requests, key agreements) and the DHT (per source).
 */
public final class TokenBucket {
  private final long capacity; // in thousandths of a token
  private final long perSecond; // thousandths gained per millisecond
  private long level;
  private long last;

  /**
   * @param capacity tokens it holds at most (and starts with)
   * @param perSecond tokens it gains a second
   * @param now the clock now, in milliseconds
   */
  /**
   * A full bucket.
   *
   * @param capacity tokens it holds at most (the burst)
   * @param perSecond tokens it gains a second
   * @param now the clock, in milliseconds
   */
  public TokenBucket(int capacity, int perSecond, long now) {
    if (capacity < 1 || perSecond < 1) {
      throw new IllegalArgumentException("capacity and rate must be positive");
    }
    this.capacity = capacity * 1000L;
    this.perSecond = perSecond;
    this.level = this.capacity;
    this.last = now;
  }

  /** Takes {@code n} tokens if it holds them; false (and takes nothing) if not. */
  /**
   * Takes one token if there is one.
   *
   * @param now the clock, in milliseconds
   * @return whether a token was taken
   */
  public boolean tryTake(long now) {
    return tryTake(1, now);
  }

  /**
   * Takes {@code n} tokens if there are that many; otherwise takes none.
   *
   * @param n tokens wanted
   * @param now the clock, in milliseconds
   * @return whether they were taken
   */
  public boolean tryTake(int n, long now) {
    if (now > last) {
      long elapsed = now - last;
      // past the time to fill up, the product could only overflow
      level =
          elapsed >= capacity / perSecond + 1
              ? capacity
              : Math.min(capacity, level + elapsed * perSecond);
      last = now;
    }
    long need = n * 1000L;
    if (level < need) {
      return false;
    }
    level -= need;
    return true;
  }
}
