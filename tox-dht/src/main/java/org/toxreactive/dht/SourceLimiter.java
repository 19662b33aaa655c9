package org.toxreactive.dht;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.toxreactive.core.TokenBucket;

/**
 * Rate limits for answers to sources nobody has verified (docs/protocol.md, DHT section
 * "amplification"): one token bucket per source IP address (not per port: a spoofer picks the
 * victim's address), at most {@code maxSources} buckets kept (least recently used evicted), and one
 * global bucket over all of them. Not thread-safe.
 */
final class SourceLimiter {
  private final int burst;
  private final int perSecond;
  private final int maxSources;
  private final TokenBucket global;
  private final LinkedHashMap<InetAddress, TokenBucket> buckets;

  SourceLimiter(int perSecond, int burst, int maxSources, int globalPerSecond, long now) {
    this.burst = burst;
    this.perSecond = perSecond;
    this.maxSources = maxSources;
    this.global = new TokenBucket(Math.max(1, globalPerSecond), Math.max(1, globalPerSecond), now);
    this.buckets =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<InetAddress, TokenBucket> eldest) {
            return size() > SourceLimiter.this.maxSources;
          }
        };
  }

  /** True if an answer to {@code source} may go out now (a token is taken). */
  boolean allow(InetAddress source, long now) {
    TokenBucket b = buckets.get(source);
    if (b == null) {
      b = new TokenBucket(burst, perSecond, now);
      buckets.put(source, b);
    }
    return b.tryTake(now) && global.tryTake(now);
  }

  int sources() {
    return buckets.size();
  }
}
