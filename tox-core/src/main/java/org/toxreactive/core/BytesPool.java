package org.toxreactive.core;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reused arrays for inbound packets that cross a thread: a transport copies a datagram out of
 * Netty's pooled buffer into one of these arrays ({@link #copyOf}) instead of a new one, and the
 * one consumer of the datagram hands the array back ({@link #release}) once it has read it, e.g.
 * net_crypto after opening a data packet into its own scratch array.
 *
 * <p>Internal: for this project's transports and net_crypto (applications never see a lease unless
 * they ask a transport for {@code receiveLeased()}). Ownership, in the words of
 * docs/architecture.md 4:
 *
 * <ul>
 *   <li>{@link #copyOf} <b>lends</b> the bytes to the caller, who passes the loan on with the
 *       datagram to exactly one consumer. Until it is released the bytes behave as any immutable
 *       {@link Bytes}.
 *   <li>{@link #release} <b>ends</b> the loan: neither the releaser nor anyone it gave the bytes to
 *       may read them afterwards (the array holds the next datagram soon). Releasing twice, or
 *       releasing ordinary bytes, does nothing: each loan is ended at most once.
 *   <li>A loan nobody ends costs nothing but the array: it is garbage-collected like any other
 *       (there is no reference count and no leak to detect), and the pool makes a new array.
 * </ul>
 *
 * <p>The free arrays are a bounded queue ({@code capacity}); arrays released beyond it are left to
 * the garbage collector, so the pool never holds more than {@code capacity x arraySize} bytes and
 * holds none until it is used. Thread-safe: one thread may lend while another releases.
 */
public final class BytesPool {
  private final int arraySize;
  private final ArrayBlockingQueue<Slot> free;
  private final LongAdder created = new LongAdder();

  /** One array and the loan it is out on (null while free); a loan ends by compare-and-set. */
  private static final class Slot extends AtomicReference<Bytes> {
    private static final long serialVersionUID = 1L;

    final transient byte[] array;
    final transient BytesPool pool;

    Slot(byte[] array, BytesPool pool) {
      this.array = array;
      this.pool = pool;
    }
  }

  /**
   * A pool of arrays of {@code arraySize} bytes, keeping at most {@code capacity} free ones.
   *
   * @param arraySize the largest packet a lease holds, at least 1
   * @param capacity how many free arrays the pool keeps, at least 1
   */
  public BytesPool(int arraySize, int capacity) {
    if (arraySize < 1 || capacity < 1) {
      throw new IllegalArgumentException(
          "pool of " + capacity + " arrays of " + arraySize + " bytes: both must be positive");
    }
    this.arraySize = arraySize;
    this.free = new ArrayBlockingQueue<>(capacity);
  }

  /**
   * Copies the readable bytes of {@code buf} into a free array of the pool (a new one if none is
   * free) and lends them; more than the pool's array size is copied into a new exact array instead
   * (ordinary bytes). Borrows {@code buf}: neither its indices nor its reference count change.
   *
   * @param buf the packet
   * @return the bytes, on loan until {@link #release}d
   */
  public Bytes copyOf(ByteBuf buf) {
    int length = buf.readableBytes();
    if (length > arraySize) {
      return Bytes.copyOf(buf);
    }
    Slot slot = free.poll();
    if (slot == null) {
      slot = new Slot(new byte[arraySize], this);
      created.increment();
    }
    buf.getBytes(buf.readerIndex(), slot.array, 0, length);
    Bytes lent = Bytes.leased(slot.array, length, slot);
    slot.set(lent);
    return lent;
  }

  /**
   * Ends the loan of {@code bytes} if they are one (see the class comment): their array goes back
   * to its pool. Does nothing for ordinary bytes or a loan already ended.
   *
   * @param bytes bytes a consumer has finished reading
   * @return whether a loan ended here
   */
  public static boolean release(Bytes bytes) {
    if (!(Bytes.slotOf(bytes) instanceof Slot slot) || !slot.compareAndSet(bytes, null)) {
      return false;
    }
    slot.pool.free.offer(slot); // full: the array is left to the garbage collector
    return true;
  }

  /**
   * Arrays made so far: the first uses, plus every loan that was never ended or found the free
   * queue full. A steady count under a steady flow means the arrays are reused.
   *
   * @return the count
   */
  public long created() {
    return created.sum();
  }

  /**
   * Free arrays now.
   *
   * @return the count, at most the capacity
   */
  public int free() {
    return free.size();
  }
}
