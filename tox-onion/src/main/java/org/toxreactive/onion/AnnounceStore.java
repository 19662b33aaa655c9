package org.toxreactive.onion;

import java.util.Arrays;
import java.util.Comparator;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.PublicKey;

/**
 * The onion announce store (docs/protocol.md 13.4), kept as c-toxcore's {@code onion_announce.c}
 * (0.2.18 and 0.2.20 agree): a fixed array of {@value #DEFAULT_CAPACITY} entries, each alive for
 * {@value #DEFAULT_TIMEOUT_MILLIS} ms after its last valid announce. A new key takes its own live
 * entry, else the last timed-out slot, else entry 0 if the key is closer to our key than entry 0's;
 * after every write the array is sorted timed-out first, then farthest from our key first, so entry
 * 0 is always the one to give up and the store keeps the keys closest to ours. Memory is fixed at
 * creation. Not thread-safe; all times are the caller's clock in milliseconds.
 */
final class AnnounceStore {
  static final int DEFAULT_CAPACITY = 160;
  static final long DEFAULT_TIMEOUT_MILLIS = 300_000;

  /** One announced key: where its announcer's path starts and the return block to use. */
  static final class Entry {
    final byte[] key = new byte[PublicKey.SIZE];
    final byte[] dataKey = new byte[PublicKey.SIZE];
    final byte[] returnBlock = new byte[org.toxreactive.onion.packet.OnionSizes.RETURN_3];
    @Nullable IpPort returnTo; // null until the entry is first used
    long time;
    boolean used;

    PublicKey dataKey() {
      return PublicKey.of(dataKey.clone());
    }
  }

  private final byte[] self;
  private final long timeoutMillis;
  private final Entry[] entries;

  AnnounceStore(PublicKey self, int capacity, long timeoutMillis) {
    if (capacity < 1) {
      throw new IllegalArgumentException("announce store capacity must be at least 1");
    }
    this.self = self.toArray();
    this.timeoutMillis = timeoutMillis;
    this.entries = new Entry[capacity];
    for (int i = 0; i < capacity; i++) {
      entries[i] = new Entry();
    }
  }

  int capacity() {
    return entries.length;
  }

  private boolean timedOut(Entry e, long now) {
    return !e.used || e.time + timeoutMillis <= now;
  }

  /** The live entry of {@code key}, or null. */
  @Nullable Entry find(byte[] key, long now) {
    for (Entry e : entries) {
      if (!timedOut(e, now) && Arrays.equals(e.key, key)) {
        return e;
      }
    }
    return null;
  }

  /** Live entries. */
  int size(long now) {
    int n = 0;
    for (Entry e : entries) {
      if (!timedOut(e, now)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Stores or refreshes {@code key}; returns its entry, or null if the store is full of live keys
   * all closer to ours.
   */
  @Nullable Entry add(byte[] key, IpPort returnTo, byte[] dataKey, byte[] returnBlock, long now) {
    Entry slot = find(key, now);
    if (slot == null) {
      for (Entry e : entries) {
        if (timedOut(e, now)) {
          slot = e; // the last timed-out slot, as c-toxcore
        }
      }
    }
    if (slot == null && Distance.compare(self, key, entries[0].key) < 0) {
      slot = entries[0];
    }
    if (slot == null) {
      return null;
    }
    System.arraycopy(key, 0, slot.key, 0, PublicKey.SIZE);
    System.arraycopy(dataKey, 0, slot.dataKey, 0, PublicKey.SIZE);
    System.arraycopy(returnBlock, 0, slot.returnBlock, 0, slot.returnBlock.length);
    slot.returnTo = returnTo;
    slot.time = now;
    slot.used = true;
    Comparator<Entry> order =
        (a, b) -> {
          boolean ta = timedOut(a, now);
          boolean tb = timedOut(b, now);
          if (ta || tb) {
            return ta == tb ? 0 : ta ? -1 : 1;
          }
          return -Distance.compare(self, a.key, b.key); // farthest first
        };
    Arrays.sort(entries, order);
    return slot;
  }
}
