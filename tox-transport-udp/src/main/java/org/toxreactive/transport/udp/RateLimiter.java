package org.toxreactive.transport.udp;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import reactor.core.scheduler.Scheduler;

/**
 * A token bucket per key: each key may take {@code capacity} tokens at once and gets one back every
 * {@code refill}. c-toxcore HEAD limits UDP cookie requests this way (10 tokens, one per 100 ms);
 * here the key is the source IP address.
 *
 * <p>Time is {@link Scheduler#now(TimeUnit)} of the injected scheduler, so tests run it on virtual
 * time. A clock that goes backwards refills nothing.
 *
 * <p>The table holds at most {@code maxKeys} buckets. When it is full, buckets that would be full
 * again (idle for {@code capacity * refill}) are forgotten, at most once per that period so a flood
 * of new sources cannot make every packet scan the table; a new key that still finds no room is
 * refused. Spoofing many sources can therefore delay a new peer's cookie request, never exhaust
 * memory.
 *
 * <p>Not thread-safe: one instance belongs to one channel's event loop.
 */
final class RateLimiter<K> {
  private final int capacity;
  private final long refillNanos;
  private final int maxKeys;
  private final Scheduler clock;
  private final Map<K, Bucket> buckets = new HashMap<>();
  private long lastPurge = Long.MIN_VALUE;

  RateLimiter(int capacity, Duration refill, int maxKeys, Scheduler clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    if (refill.isNegative() || refill.isZero()) {
      throw new IllegalArgumentException("refill must be positive: " + refill);
    }
    if (maxKeys < 1) {
      throw new IllegalArgumentException("maxKeys must be at least 1: " + maxKeys);
    }
    this.capacity = capacity;
    this.refillNanos = refill.toNanos();
    this.maxKeys = maxKeys;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Takes a token for {@code key}; false when its bucket is empty (the packet is to be dropped).
   */
  boolean tryAcquire(K key) {
    long now = clock.now(TimeUnit.NANOSECONDS);
    Bucket b = buckets.get(key);
    if (b == null) {
      if (buckets.size() >= maxKeys && !purge(now)) {
        return false;
      }
      b = new Bucket(capacity, now);
      buckets.put(key, b);
    } else {
      refill(b, now);
    }
    if (b.tokens == 0) {
      return false;
    }
    if (b.tokens == capacity) {
      // A full bucket does not fill further: the refill period starts with the first token taken.
      b.stamp = now;
    }
    b.tokens--;
    return true;
  }

  /** Tokens {@code key} has now (capacity for an unknown key). */
  int available(K key) {
    Bucket b = buckets.get(key);
    if (b == null) {
      return capacity;
    }
    refill(b, clock.now(TimeUnit.NANOSECONDS));
    return b.tokens;
  }

  /** Number of buckets held. */
  int size() {
    return buckets.size();
  }

  private void refill(Bucket b, long now) {
    long elapsed = now - b.stamp;
    if (elapsed < 0) {
      b.stamp = now;
      return;
    }
    long periods = elapsed / refillNanos;
    if (periods == 0) {
      return;
    }
    if (b.tokens + periods >= capacity) {
      b.tokens = capacity;
      b.stamp = now;
    } else {
      b.tokens += (int) periods;
      // Keep the remainder so that refills do not drift with the packet times.
      b.stamp += periods * refillNanos;
    }
  }

  /** Forgets buckets that are full again; true if that made room. */
  private boolean purge(long now) {
    long fullAfter = refillNanos * capacity;
    if (lastPurge != Long.MIN_VALUE && now - lastPurge < fullAfter) {
      return false;
    }
    lastPurge = now;
    for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
      Bucket b = it.next();
      refill(b, now);
      if (b.tokens == capacity) {
        it.remove();
      }
    }
    return buckets.size() < maxKeys;
  }

  private static final class Bucket {
    int tokens;
    long stamp;

    Bucket(int tokens, long stamp) {
      this.tokens = tokens;
      this.stamp = stamp;
    }
  }
}
