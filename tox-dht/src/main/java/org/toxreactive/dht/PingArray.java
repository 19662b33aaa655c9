package org.toxreactive.dht;

import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Ping ids as c-toxcore's {@code ping_array} hands them out (docs/protocol.md, DHT section "ping
 * ids"): a ring of {@code size} (a power of two) slots, each holding what the answer must match and
 * when it was sent. An id is random in its high bits and names its slot in its low bits, is never
 * 0, is valid for {@code timeoutMillis} and is consumed by the first answer that carries it (a
 * duplicate answer is refused). Adding into a full ring overwrites the oldest slot, so memory is
 * bounded. Not thread-safe.
 */
final class PingArray<T> {
  private final Object[] data;
  private final long[] ids;
  private final long[] times;
  private final int mask;
  private final long timeoutMillis;
  private final RandomGenerator random;
  private long lastAdded;
  private long lastDeleted;

  PingArray(int size, long timeoutMillis, RandomGenerator random) {
    if (size < 2 || Integer.bitCount(size) != 1) {
      throw new IllegalArgumentException("size must be a power of two, got " + size);
    }
    this.data = new Object[size];
    this.ids = new long[size];
    this.times = new long[size];
    this.mask = size - 1;
    this.timeoutMillis = timeoutMillis;
    this.random = random;
  }

  /** Stores {@code value} and returns its new id (never 0). */
  long add(T value, long now) {
    while (lastDeleted != lastAdded) {
      int i = (int) (lastDeleted & mask);
      if (data[i] != null && now - times[i] < timeoutMillis) {
        break;
      }
      clear(i);
      lastDeleted++;
    }
    int index = (int) (lastAdded & mask);
    if (data[index] != null) {
      clear(index);
      lastDeleted++;
    }
    long id = (random.nextLong() & ~(long) mask) | index;
    if (id == 0) {
      id = data.length;
    }
    data[index] = value;
    ids[index] = id;
    times[index] = now;
    lastAdded++;
    return id;
  }

  /** The value of a live id, consumed (a second check of the same id returns null). */
  @SuppressWarnings("unchecked")
  @Nullable T take(long id, long now) {
    if (id == 0) {
      return null;
    }
    int index = (int) (id & mask);
    if (data[index] == null || ids[index] != id || now - times[index] >= timeoutMillis) {
      return null;
    }
    T value = (T) data[index];
    clear(index);
    return value;
  }

  private void clear(int i) {
    data[i] = null;
    ids[i] = 0;
    times[i] = 0;
  }
}
