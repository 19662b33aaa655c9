package org.toxreactive.core.transport;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The inbound end of a {@link PacketTransport} as its contract wants it: one subscriber at a time,
 * a bounded buffer, and what finds no room or no subscriber dropped and counted, never buffered
 * without bound. {@link #offer} may be called from several threads (it serialises them, as Reactor
 * sinks refuse concurrent producers); {@link #close} completes the subscriber, now or when it
 * comes.
 *
 * <pre>{@code
 * DatagramQueue inbound = new DatagramQueue(4096);
 * public Flux<Datagram> receive() { return inbound.receive(); }
 * // on an event loop:  inbound.offer(new Datagram(path, Bytes.copyOf(buf)));
 * }</pre>
 */
public final class DatagramQueue {
  private final int capacity;
  private final AtomicReference<Sinks.Many<Datagram>> receiver = new AtomicReference<>();
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean closed;

  /**
   * A queue of at most {@code capacity} datagrams.
   *
   * @param capacity at least 1
   */
  public DatagramQueue(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
  }

  /**
   * See the {@link PacketTransport#receive()} contract.
   *
   * @return the datagrams
   */
  public Flux<Datagram> receive() {
    return Flux.defer(
        () -> {
          if (closed) {
            return Flux.empty();
          }
          Sinks.Many<Datagram> sink =
              Sinks.many().unicast().onBackpressureBuffer(new ArrayBlockingQueue<>(capacity));
          if (!receiver.compareAndSet(null, sink)) {
            return Flux.error(
                new IllegalStateException(
                    "receive() already has a subscriber; a transport allows one at a time"));
          }
          if (closed) {
            sink.tryEmitComplete(); // closed between the check and the install
          }
          return sink.asFlux().doFinally(signal -> receiver.compareAndSet(sink, null));
        });
  }

  /**
   * Hands {@code datagram} to the subscriber, or drops and counts it.
   *
   * @param datagram the datagram
   * @return whether the subscriber got it or has it queued; false: dropped (a caller that lent the
   *     datagram's bytes from a {@link org.toxreactive.core.BytesPool} may release them at once)
   */
  public boolean offer(Datagram datagram) {
    synchronized (this) {
      Sinks.Many<Datagram> sink = receiver.get();
      if (sink == null || sink.tryEmitNext(datagram).isFailure()) {
        dropped.incrementAndGet();
        return false;
      }
      return true;
    }
  }

  /**
   * Datagrams dropped so far: no subscriber, or its buffer was full.
   *
   * @return the count
   */
  public long dropped() {
    return dropped.get();
  }

  /** Completes the subscriber (and any later one); further offers are dropped. */
  public void close() {
    closed = true;
    synchronized (this) {
      Sinks.Many<Datagram> sink = receiver.get();
      if (sink != null) {
        sink.tryEmitComplete();
      }
    }
  }
}
