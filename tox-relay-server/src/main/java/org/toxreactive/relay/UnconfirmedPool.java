package org.toxreactive.relay;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The connections that have not yet sent a valid frame, grouped by source prefix (IPv4 /24, IPv6
 * /64), oldest first. Admission never refuses a newcomer: when its prefix already holds its share,
 * the prefix's oldest connection makes room; when the whole pool is full, the oldest connection of
 * the most crowded prefix does. So connections that stall their handshake, however many addresses
 * they come from, can only push out each other, and a newcomer from a quiet prefix is never the one
 * evicted while a crowded prefix exists.
 *
 * <pre>{@code
 * UnconfirmedPool.Eviction<Link> e = pool.admit(link, UnconfirmedPool.prefixOf(ip));
 * if (e != null) { e.entry().close(); count(e.reason()); }
 * ...
 * if (pool.remove(link)) { confirm(link); }   // false: it was evicted meanwhile
 * }</pre>
 *
 * <p>Thread-safe (one lock; every operation is O(1) except the crowded-prefix search on a full
 * pool, which is linear in the number of prefixes, at most {@code maxTotal}).
 *
 * @param <T> an entry, compared by identity-like {@code equals} (links are)
 */
final class UnconfirmedPool<T> {
  /** An entry that was pushed out to admit another, and why. */
  record Eviction<T>(T entry, KillReason reason) {}

  private final int maxTotal;
  private final int maxPerPrefix;
  private final Map<Long, LinkedHashSet<T>> byPrefix = new HashMap<>();
  private final Map<T, Long> prefixOf = new HashMap<>();

  /**
   * @param maxTotal entries in the pool
   * @param maxPerPrefix entries one prefix may hold
   */
  UnconfirmedPool(int maxTotal, int maxPerPrefix) {
    this.maxTotal = maxTotal;
    this.maxPerPrefix = Math.min(maxPerPrefix, maxTotal);
  }

  /**
   * The prefix an address is grouped by: the first 24 bits of an IPv4 address, the first 64 of an
   * IPv6 one, each in its own number range.
   *
   * @param ip a source address
   * @return its prefix key
   */
  static long prefixOf(InetAddress ip) {
    byte[] a = ip.getAddress();
    if (ip instanceof Inet4Address) {
      // above every 64-bit IPv6 prefix whose top bits are 0 (the IPv4-compatible ::/64 aside)
      return (1L << 32) | ((a[0] & 0xFFL) << 16) | ((a[1] & 0xFFL) << 8) | (a[2] & 0xFFL);
    }
    long p = 0;
    for (int i = 0; i < 8; i++) {
      p = (p << 8) | (a[i] & 0xFFL);
    }
    return p;
  }

  /**
   * Adds {@code entry}, evicting at most one older entry to make room.
   *
   * @param entry a new unconfirmed connection
   * @param prefix its {@link #prefixOf} key
   * @return the entry evicted for it (already removed from the pool), or null
   */
  synchronized @Nullable Eviction<T> admit(T entry, long prefix) {
    Eviction<T> evicted = null;
    LinkedHashSet<T> own = byPrefix.get(prefix);
    if (own != null && own.size() >= maxPerPrefix) {
      evicted = new Eviction<>(removeOldest(prefix, own), KillReason.EVICTED_PREFIX_SHARE);
    } else if (prefixOf.size() >= maxTotal) {
      long crowded = mostCrowded();
      evicted =
          new Eviction<>(
              // a full pool (maxTotal >= 1, RelayLimits) holds an entry: its prefix has a set
              removeOldest(
                  crowded, Objects.requireNonNull(byPrefix.get(crowded), "no crowded prefix")),
              KillReason.EVICTED_POOL_FULL);
    }
    byPrefix.computeIfAbsent(prefix, k -> new LinkedHashSet<>()).add(entry);
    prefixOf.put(entry, prefix);
    return evicted;
  }

  /**
   * Removes {@code entry} (confirmed or closed).
   *
   * @return true if it was in the pool; false if it was evicted or removed before
   */
  synchronized boolean remove(T entry) {
    Long prefix = prefixOf.remove(entry);
    if (prefix == null) {
      return false;
    }
    // every pooled entry's prefix has its set (removed with its last entry)
    LinkedHashSet<T> set = Objects.requireNonNull(byPrefix.get(prefix), "no set for a prefix");
    set.remove(entry);
    if (set.isEmpty()) {
      byPrefix.remove(prefix);
    }
    return true;
  }

  /**
   * @return entries in the pool
   */
  synchronized int size() {
    return prefixOf.size();
  }

  /**
   * @return prefixes with at least one entry
   */
  synchronized int prefixes() {
    return byPrefix.size();
  }

  private long mostCrowded() {
    long best = 0;
    int most = -1;
    for (Map.Entry<Long, LinkedHashSet<T>> e : byPrefix.entrySet()) {
      if (e.getValue().size() > most) {
        most = e.getValue().size();
        best = e.getKey();
      }
    }
    return best;
  }

  private T removeOldest(long prefix, LinkedHashSet<T> set) {
    Iterator<T> it = set.iterator();
    T oldest = it.next();
    it.remove();
    prefixOf.remove(oldest);
    if (set.isEmpty()) {
      byPrefix.remove(prefix);
    }
    return oldest;
  }
}
