package org.toxreactive.transport.udp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.internal.MathUtil;
import io.netty.util.internal.PlatformDependent;
import java.nio.channels.ClosedChannelException;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.MonoSink;

/**
 * The outbound end of a {@link UdpTransport}: datagrams handed over on any thread are written to
 * the channel in batches, one flush per batch, so that Netty's epoll datagram channel sends a batch
 * with one {@code sendmmsg} call instead of one {@code sendmsg}, one cross-thread task, one wake-up
 * of the event loop and one flush per datagram.
 *
 * <p>A caller off the event loop puts its datagram into a bounded multi-producer queue; the first
 * one to find no drain pending schedules one on the channel's event loop. {@link #draining} says
 * that a consumer owns the queue (a drain task is scheduled or running): only its owner polls, so
 * the queue has one consumer at a time. The drain writes up to {@link #BATCH} datagrams, flushes
 * once, and either goes on in a new task (more queued: other tasks and reads get their turn in
 * between) or gives the queue up and takes it again if something arrived meanwhile. A full queue
 * refuses the datagram, releases its buffer and counts it ({@link #refused()}): it never grows
 * without bound. A caller on the event loop (a subscriber answering a datagram, a send completed by
 * the drain's own flush) writes at once, not through the queue, and schedules one flush task for
 * all such writes, which runs later in the same turn of the loop.
 *
 * <p>Ownership: every method here <b>owns</b> the {@link DatagramPacket} it is given, whatever it
 * returns: written (the channel releases it), or released here (refused, or the channel closed
 * before the drain reached it). After the channel closes, whoever owns the queue empties it,
 * releasing each buffer; an offer that finds the event loop gone (execution rejected) empties it
 * itself.
 */
final class UdpOutbound {
  /**
   * Datagrams one drain writes before it flushes and yields: Linux's UIO_MAXIOV, the most one
   * {@code sendmmsg} call takes (Netty's epoll channel hands it at most that many).
   */
  static final int BATCH = 1024;

  /** Largest queue chunk (the queue grows in chunks up to its capacity; idle, it stays small). */
  private static final int MAX_CHUNK = 1024;

  private final Channel channel;
  private final EventLoop loop;
  private final Queue<Object> queue; // DatagramPacket (offer) or Sent (send)
  private final int capacity;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Runnable drainTask = this::drain;
  private final Runnable flushTask = this::flushWritesOfTheLoop;
  private boolean flushScheduled; // the event loop's only
  private final LongAdder refused = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final ChannelFutureListener countFailure =
      f -> {
        if (!f.isSuccess()) {
          failures.increment();
        }
      };

  /**
   * Binds the queue to {@code channel}, which must be registered with its event loop already.
   *
   * @param channel the socket's channel
   * @param capacity datagrams queued at most, rounded up to a power of two (at least 4)
   */
  UdpOutbound(Channel channel, int capacity) {
    this.channel = channel;
    this.loop = channel.eventLoop();
    this.capacity = MathUtil.findNextPositivePowerOfTwo(Math.max(4, capacity));
    // the chunk must be smaller than the capacity (JCTools' rule)
    this.queue =
        PlatformDependent.newMpscQueue(Math.min(MAX_CHUNK, this.capacity / 2), this.capacity);
  }

  /**
   * Sends {@code packet} (owned) with no completion signal; a failure of the socket counts in
   * {@link #failures()}.
   *
   * @return false if the queue was full (counted in {@link #refused()}, {@code packet} released)
   */
  boolean offer(DatagramPacket packet) {
    return enqueue(packet);
  }

  /**
   * Sends {@code packet} (owned) and completes {@code sink} when it is written to the socket, or
   * errors it with the channel's error; a full queue errors it at once.
   */
  void send(DatagramPacket packet, MonoSink<Void> sink) {
    if (!enqueue(new Sent(packet, sink))) {
      sink.error(
          new IllegalStateException(
              "send queue of " + capacity + " datagrams full on " + channel.localAddress()));
    }
  }

  /** Refused for a full queue so far. */
  long refused() {
    return refused.sum();
  }

  /** Offered datagrams the socket failed to send (or that the channel closed on) so far. */
  long failures() {
    return failures.sum();
  }

  private boolean enqueue(Object message) {
    if (loop.inEventLoop()) {
      write(message);
      if (!flushScheduled) { // one flush, after whatever else this turn of the loop writes
        flushScheduled = true;
        try {
          loop.execute(flushTask);
        } catch (RejectedExecutionException e) {
          flushScheduled = false;
          channel.flush();
        }
      }
      return true;
    }
    if (!queue.offer(message)) {
      refused.increment();
      discard(message, null);
      return false;
    }
    scheduleDrain();
    return true;
  }

  /** Takes the queue if nobody owns it and schedules a drain; on a dead loop, empties it here. */
  private void scheduleDrain() {
    if (!draining.get() && draining.compareAndSet(false, true)) {
      execute();
    }
  }

  /** The caller owns the queue: runs a drain on the loop, or empties the queue if it is gone. */
  private void execute() {
    try {
      loop.execute(drainTask);
    } catch (RejectedExecutionException e) {
      // the event loop has shut down: no drain will ever run; we own the queue, so empty it
      discardAll();
    }
  }

  /** On the event loop: flushes what callers on the loop wrote. */
  private void flushWritesOfTheLoop() {
    flushScheduled = false;
    channel.flush();
  }

  /** On the event loop, owning the queue. */
  private void drain() {
    if (!channel.isOpen()) {
      discardAll();
      return;
    }
    int written = 0;
    Object m;
    while (written < BATCH && (m = queue.poll()) != null) {
      write(m);
      written++;
    }
    channel.flush();
    if (written == BATCH && !queue.isEmpty()) {
      execute(); // still the owner: go on after whatever else the loop has to do
      return;
    }
    release();
  }

  /** Gives the queue up; takes it back for one more drain if a datagram came in meanwhile. */
  private void release() {
    draining.set(false);
    if (!queue.isEmpty() && draining.compareAndSet(false, true)) {
      execute();
    }
  }

  /** Owning the queue (on the loop, or on a thread whose drain was rejected): releases all. */
  private void discardAll() {
    ClosedChannelException closed = new ClosedChannelException();
    while (true) {
      Object m;
      while ((m = queue.poll()) != null) {
        discard(m, closed);
      }
      draining.set(false);
      if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
        return;
      }
    }
  }

  /** On the event loop: the channel owns the packet from here, written or failed. */
  private void write(Object m) {
    try {
      if (m instanceof Sent sent) {
        channel.write(sent.packet, channel.newPromise().addListener(sent));
      } else {
        channel.write(m, channel.newPromise().addListener(countFailure));
      }
    } catch (RuntimeException e) {
      // a channel refuses by failing the promise and releasing; a throw means it did not take it
      discard(m, e);
    }
  }

  /**
   * Releases what was never written. {@code cause} null: refused for a full queue (the caller
   * reports that); else the datagram was accepted and is lost: a send fails, an offer counts.
   */
  private void discard(Object m, @Nullable Throwable cause) {
    DatagramPacket packet = m instanceof Sent sent ? sent.packet : (DatagramPacket) m;
    if (packet.refCnt() > 0) {
      packet.release();
    }
    if (cause == null) {
      return;
    }
    if (m instanceof Sent sent) {
      sent.sink.error(cause);
    } else {
      failures.increment();
    }
  }

  /** A datagram of {@code send}: its own listener completes the caller's Mono. */
  private static final class Sent implements ChannelFutureListener {
    final DatagramPacket packet;
    final MonoSink<Void> sink;

    Sent(DatagramPacket packet, MonoSink<Void> sink) {
      this.packet = packet;
      this.sink = sink;
    }

    @Override
    public void operationComplete(ChannelFuture f) {
      Throwable cause = f.cause();
      if (cause == null) {
        sink.success();
      } else {
        sink.error(cause);
      }
    }
  }
}
