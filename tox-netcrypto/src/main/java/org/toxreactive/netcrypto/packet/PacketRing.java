package org.toxreactive.netcrypto.packet;

/**
 * net_crypto's send or receive array (PROTOCOL.md 4.9): 32768 slots indexed by wrapping u32 packet
 * numbers between {@code start} (first not yet released) and {@code end} (one past the newest).
 * Every comparison is an unsigned subtraction relative to {@code start}, so it works across the u32
 * wrap. Not thread-safe.
 */
public final class PacketRing<T> {
  /** CRYPTO_PACKET_BUFFER_SIZE. */
  public static final int SIZE = 32768;

  private static final int MASK = SIZE - 1;
  private final Object[] slots = new Object[SIZE];
  private int start;
  private int end;

  public int start() {
    return start;
  }

  public int end() {
    return end;
  }

  /** Number of positions between start and end (stored or holes). */
  public int span() {
    return end - start;
  }

  private boolean inWindow(int num) {
    return Integer.compareUnsigned(num - start, end - start) < 0;
  }

  /**
   * Stores {@code value} at {@code num}. Refused (false) if {@code num} is 32768 or more ahead of
   * start (which also catches numbers below start) or the slot is taken. Extends end past num.
   */
  public boolean store(int num, T value) {
    if (Integer.compareUnsigned(num - start, SIZE) >= 0
        || slots[num & MASK] != null && inWindow(num)) {
      return false;
    }
    slots[num & MASK] = value;
    if (!inWindow(num)) {
      end = num + 1;
    }
    return true;
  }

  /** The value at {@code num}, or null for a hole or a number outside [start, end). */
  @SuppressWarnings("unchecked")
  public T get(int num) {
    return inWindow(num) ? (T) slots[num & MASK] : null;
  }

  /** Empties the slot at {@code num} (start does not move); returns what was there. */
  @SuppressWarnings("unchecked")
  public T remove(int num) {
    if (!inWindow(num)) {
      return null;
    }
    T old = (T) slots[num & MASK];
    slots[num & MASK] = null;
    return old;
  }

  /** Releases every slot below {@code newStart}; end follows if it was passed. */
  public void moveStart(int newStart) {
    int stored = end - start;
    int moved = newStart - start;
    if (Integer.compareUnsigned(moved, stored) > 0) {
      end = newStart; // everything stored is released; only those slots need clearing
      moved = stored;
    }
    for (int i = 0; i < moved; i++) {
      slots[(start + i) & MASK] = null;
    }
    start = newStart;
  }

  /** Moves end forward to {@code num} (never back, at most 32768 past start). */
  public boolean setEnd(int num) {
    if (Integer.compareUnsigned(num - start, SIZE) > 0) {
      return false;
    }
    if (Integer.compareUnsigned(num - start, end - start) > 0) {
      end = num;
    }
    return true;
  }
}
