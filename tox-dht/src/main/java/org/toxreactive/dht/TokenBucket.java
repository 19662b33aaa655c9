package org.toxreactive.dht;

/**
 * A token bucket on the core's millisecond clock (the idea of tox-netcrypto's, kept here so the DHT
 * does not depend on net_crypto): at most {@code capacity} tokens, {@code perSecond} gained a
 * second, in thousandths of a token so integer arithmetic refills it exactly. A clock that goes
 * backwards refills nothing. Not thread-safe.
 */
final class TokenBucket {
  private final long capacity; // thousandths of a token
  private final long perSecond; // thousandths gained per millisecond
  private long level;
  private long last;

  TokenBucket(int capacity, int perSecond, long now) {
    if (capacity < 1 || perSecond < 1) {
      throw new IllegalArgumentException("capacity and rate must be positive");
    }
    this.capacity = capacity * 1000L;
    this.perSecond = perSecond;
    this.level = this.capacity;
    this.last = now;
  }

  /** Takes one token if it holds one. */
  boolean tryTake(long now) {
    if (now > last) {
      long elapsed = now - last;
      level =
          elapsed >= capacity / perSecond + 1
              ? capacity
              : Math.min(capacity, level + elapsed * perSecond);
      last = now;
    }
    if (level < 1000) {
      return false;
    }
    level -= 1000;
    return true;
  }
}
