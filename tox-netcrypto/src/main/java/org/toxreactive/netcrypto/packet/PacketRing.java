package org.toxreactive.netcrypto.packet;

import org.jspecify.annotations.Nullable;

/**
 * net_crypto's send or receive array (docs/protocol.md 4.9): up to 32768 slots indexed by wrapping
 * u32 packet numbers between {@code start} (first not yet released) and {@code end} (one past the
 * newest). Every comparison is an unsigned subtraction relative to {@code start}, so it works
 * across the u32 wrap. Not thread-safe.
 *
 * <p>The slot array starts at {@link #INITIAL_CAPACITY} and doubles (up to {@link #SIZE}) when a
 * number or a new end falls beyond it, so an idle session holds a few hundred bytes here instead of
 * a 32768-slot array; the protocol's limits are those of the full-size ring either way.
 */
public final class PacketRing<T> {
  /** CRYPTO_PACKET_BUFFER_SIZE: the most numbers between start and end. */
  public static final int SIZE = 32768;

  /** Slots allocated by a new ring. */
  public static final int INITIAL_CAPACITY = 16;

  private Object[] slots = new Object[INITIAL_CAPACITY];
  private int mask = INITIAL_CAPACITY - 1;
  private int start;
  private int end;

  /**
   * The first number not yet released.
   *
   * @return start
   */
  public int start() {
    return start;
  }

  /**
   * One past the newest number.
   *
   * @return end
   */
  public int end() {
    return end;
  }

  /**
   * Number of positions between start and end (stored or holes).
   *
   * @return end - start
   */
  public int span() {
    return end - start;
  }

  /**
   * Slots allocated now (a power of two, {@link #INITIAL_CAPACITY} to {@link #SIZE}).
   *
   * @return the number of slots
   */
  public int capacity() {
    return slots.length;
  }

  private boolean inWindow(int num) {
    return Integer.compareUnsigned(num - start, end - start) < 0;
  }

  /**
   * Makes room for {@code positions} numbers from start on (at most {@link #SIZE}): the slot array
   * doubles until it holds them, and what is stored moves to its place in the bigger array.
   */
  private void ensureCapacity(int positions) {
    if (positions <= slots.length) {
      return;
    }
    int capacity = slots.length;
    while (capacity < positions) {
      capacity <<= 1;
    }
    Object[] bigger = new Object[capacity];
    int newMask = capacity - 1;
    int stored = end - start;
    for (int i = 0; i < stored; i++) {
      bigger[(start + i) & newMask] = slots[(start + i) & mask];
    }
    slots = bigger;
    mask = newMask;
  }

  /**
   * Stores {@code value} at {@code num}. Refused (false) if {@code num} is 32768 or more ahead of
   * start (which also catches numbers below start) or the slot is taken. Extends end past num.
   *
   * @param num the packet number
   * @param value what to store
   * @return whether it was stored
   */
  public boolean store(int num, T value) {
    int offset = num - start;
    if (Integer.compareUnsigned(offset, SIZE) >= 0) {
      return false;
    }
    ensureCapacity(offset + 1);
    if (slots[num & mask] != null && inWindow(num)) {
      return false;
    }
    slots[num & mask] = value;
    if (!inWindow(num)) {
      end = num + 1;
    }
    return true;
  }

  /**
   * The value at {@code num}, or null for a hole or a number outside [start, end).
   *
   * @param num the packet number
   * @return what is stored there, or null
   */
  @SuppressWarnings("unchecked")
  public @Nullable T get(int num) {
    return inWindow(num) ? (T) slots[num & mask] : null;
  }

  /**
   * Empties the slot at {@code num} (start does not move); returns what was there.
   *
   * @param num the packet number
   * @return what was stored there, or null
   */
  @SuppressWarnings("unchecked")
  public @Nullable T remove(int num) {
    if (!inWindow(num)) {
      return null;
    }
    T old = (T) slots[num & mask];
    slots[num & mask] = null;
    return old;
  }

  /**
   * Releases every slot below {@code newStart}; end follows if it was passed.
   *
   * @param newStart the new start
   */
  public void moveStart(int newStart) {
    int stored = end - start;
    int moved = newStart - start;
    if (Integer.compareUnsigned(moved, stored) > 0) {
      end = newStart; // everything stored is released; only those slots need clearing
      moved = stored;
    }
    for (int i = 0; i < moved; i++) {
      slots[(start + i) & mask] = null;
    }
    start = newStart;
  }

  /**
   * Moves end forward to {@code num} (never back, at most 32768 past start).
   *
   * @param num the new end
   * @return false if it is more than 32768 past start (nothing changes then)
   */
  public boolean setEnd(int num) {
    int offset = num - start;
    if (Integer.compareUnsigned(offset, SIZE) > 0) {
      return false;
    }
    if (Integer.compareUnsigned(offset, end - start) > 0) {
      // every number in the window needs a slot of its own, or two would share one
      ensureCapacity(offset);
      end = num;
    }
    return true;
  }
}
