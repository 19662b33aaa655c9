package org.toxreactive.onion;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets per source address (all ports of an address share one), on the caller's clock. At
 * most {@code tracked} addresses are remembered; the least recently seen is forgotten first (it
 * comes back with a full bucket, which bounds memory, not an attacker with many addresses). Not
 * thread-safe.
 */
final class SourceLimiter {
  private static final class Bucket {
    double tokens;
    long last;
  }

  private final double perMilli;
  private final int burst;
  private final Map<InetAddress, Bucket> buckets;

  SourceLimiter(double perSecond, int burst, int tracked) {
    this.perMilli = perSecond / 1000.0;
    this.burst = burst;
    this.buckets =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
            return size() > tracked;
          }
        };
  }

  /** Takes one token for {@code source}; false if its bucket is empty. */
  boolean tryAcquire(InetAddress source, long now) {
    Bucket b = buckets.get(source);
    if (b == null) {
      b = new Bucket();
      b.tokens = burst;
      b.last = now;
      buckets.put(source, b);
    } else if (now > b.last) {
      b.tokens = Math.min(burst, b.tokens + (now - b.last) * perMilli);
      b.last = now;
    }
    if (b.tokens < 1) {
      return false;
    }
    b.tokens -= 1;
    return true;
  }

  int tracked() {
    return buckets.size();
  }
}
