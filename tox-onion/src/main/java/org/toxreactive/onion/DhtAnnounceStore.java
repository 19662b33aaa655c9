package org.toxreactive.onion;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.PublicKey;

/**
 * The store behind announce.c's data search, retrieve and store requests (0x93, 0x95, 0x97;
 * docs/protocol.md 13.8), kept as c-toxcore 0.2.20's {@code announce.c}: {@value #BUCKETS} buckets
 * of {@value #BUCKET_SIZE} entries, each announcement at most {@value #MAX_ANNOUNCEMENT} bytes.
 *
 * <p>A key's bucket is the 5 bits that follow the first bit where the key differs from ours, XORed
 * with our key's 5 bits at the same place. Within the bucket a key takes its own entry (live or
 * not), else a timed-out entry (the last one), else the live entry whose key shares the shortest
 * prefix with ours if that prefix is shorter than the new key's; otherwise the store refuses it. So
 * each bucket keeps the keys closest to ours in the 2-adic sense c-toxcore uses. An entry lives
 * until its {@code storeUntil}; the timeout a request may ask for is capped at a quarter of the
 * node's uptime, between {@value #MIN_MAX_TIMEOUT_SECONDS} s and {@value #MAX_MAX_TIMEOUT_SECONDS}
 * s. Memory is fixed: 256 entries of at most 512 bytes each (128 KiB). Not thread-safe; times are
 * the caller's clock in milliseconds.
 */
final class DhtAnnounceStore {
  static final int BUCKETS = 32;
  static final int BUCKET_SIZE = 8;
  static final int PREFIX_BITS = 5;
  static final int MAX_ANNOUNCEMENT = 512;
  static final long MAX_MAX_TIMEOUT_SECONDS = 900;
  static final long MIN_MAX_TIMEOUT_SECONDS = 10;
  static final long UPTIME_RATIO = 4;

  private static final byte[] EMPTY = new byte[0];

  /** One stored announcement. */
  static final class Entry {
    final byte[] key = new byte[PublicKey.SIZE];
    byte[] data = EMPTY;
    long storeUntil = Long.MIN_VALUE;

    boolean live(long now) {
      return now < storeUntil;
    }
  }

  private final byte[] self;
  private final long started;
  private final Entry[] entries = new Entry[BUCKETS * BUCKET_SIZE];

  DhtAnnounceStore(PublicKey self, long now) {
    this.self = self.toArray();
    this.started = now;
    for (int i = 0; i < entries.length; i++) {
      entries[i] = new Entry();
    }
  }

  /** Index of the first bit (big-endian) where the keys differ; 256 if they are equal. */
  static int commonPrefix(byte[] a, byte[] b) {
    for (int i = 0; i < PublicKey.SIZE; i++) {
      int x = (a[i] ^ b[i]) & 0xFF;
      if (x != 0) {
        return i * 8 + Integer.numberOfLeadingZeros(x) - 24;
      }
    }
    return PublicKey.SIZE * 8;
  }

  /** {@code bits} (< 8) bits of {@code key} from bit {@code index} on; bits past the key are 0. */
  static int bitsAt(byte[] key, int index, int bits) {
    int v = 0;
    for (int k = 0; k < bits; k++) {
      int bit = index + k;
      int b = bit < PublicKey.SIZE * 8 ? (key[bit >> 3] >> (7 - (bit & 7))) & 1 : 0;
      v = (v << 1) | b;
    }
    return v;
  }

  /** The bucket of {@code key} (0..31). */
  int bucketOf(byte[] key) {
    int at = commonPrefix(self, key) + 1;
    return bitsAt(self, at, PREFIX_BITS) ^ bitsAt(key, at, PREFIX_BITS);
  }

  /** The live entry of {@code key}, or null. */
  @Nullable Entry get(byte[] key, long now) {
    int base = bucketOf(key) * BUCKET_SIZE;
    for (int i = 0; i < BUCKET_SIZE; i++) {
      Entry e = entries[base + i];
      if (Arrays.equals(e.key, key)) {
        return e.live(now) ? e : null;
      }
    }
    return null;
  }

  /** The entry a store of {@code key} would write, or null if the bucket refuses it. */
  private @Nullable Entry slotFor(byte[] key, long now) {
    int base = bucketOf(key) * BUCKET_SIZE;
    Entry slot = null;
    int min = commonPrefix(self, key);
    for (int i = 0; i < BUCKET_SIZE; i++) {
      Entry e = entries[base + i];
      if (Arrays.equals(e.key, key)) {
        return e;
      }
      if (!e.live(now)) {
        slot = e;
        min = 0;
        continue;
      }
      int prefix = commonPrefix(self, e.key);
      if (prefix < min) {
        slot = e;
        min = prefix;
      }
    }
    return slot;
  }

  /** True if a store of {@code key} would be accepted now. */
  boolean wouldAccept(byte[] key, long now) {
    return slotFor(key, now) != null;
  }

  /**
   * Stores {@code data} for {@code key} for {@code timeoutSeconds}; false if too long or the bucket
   * refuses the key.
   */
  boolean store(byte[] key, byte[] data, long timeoutSeconds, long now) {
    if (data.length > MAX_ANNOUNCEMENT) {
      return false;
    }
    Entry e = slotFor(key, now);
    if (e == null) {
      return false;
    }
    System.arraycopy(key, 0, e.key, 0, PublicKey.SIZE);
    e.data = data.length == 0 ? EMPTY : data.clone();
    e.storeUntil = now + timeoutSeconds * 1000;
    return true;
  }

  /** The timeout granted for a request of {@code requestedSeconds} (u32) at {@code now}. */
  long grantedSeconds(long requestedSeconds, long now) {
    long uptime = Math.max(0, now - started) / 1000;
    long max =
        Math.max(Math.min(MAX_MAX_TIMEOUT_SECONDS, uptime / UPTIME_RATIO), MIN_MAX_TIMEOUT_SECONDS);
    return Math.min(max, requestedSeconds);
  }

  /** Live entries. */
  int size(long now) {
    int n = 0;
    for (Entry e : entries) {
      if (e.live(now)) {
        n++;
      }
    }
    return n;
  }
}
