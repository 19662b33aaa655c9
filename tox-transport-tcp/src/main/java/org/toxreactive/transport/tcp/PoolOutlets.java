package org.toxreactive.transport.tcp;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PathEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Where a {@link RelayPool}'s links deliver: one bounded receive queue for a single subscriber, a
 * hot stream of path events, and the counters of what was dropped on the way.
 *
 * <p>Every relay link emits from its own event loop, and Reactor sinks refuse concurrent producers,
 * so each sink is fed under its own monitor. Those monitors are the outermost locks: callers hold
 * no other lock of the pool when they emit (see {@link RelayLink}).
 */
final class PoolOutlets {
  private final int queueCapacity;
  private final AtomicReference<Sinks.Many<Datagram>> receiver = new AtomicReference<>();
  private final Sinks.Many<PathEvent> events = Sinks.many().multicast().directBestEffort();
  private final Object datagramLock = new Object();
  private final Object eventLock = new Object();
  private final AtomicLong droppedInbound = new AtomicLong();
  private final AtomicLong unroutedData = new AtomicLong();
  private final AtomicLong droppedEvents = new AtomicLong();
  private volatile boolean closed;

  PoolOutlets(int queueCapacity) {
    this.queueCapacity = queueCapacity;
  }

  /** See {@link RelayPool#receive()}. */
  Flux<Datagram> receive() {
    return Flux.defer(
        () -> {
          if (closed) {
            return Flux.empty();
          }
          Sinks.Many<Datagram> sink =
              Sinks.many().unicast().onBackpressureBuffer(new ArrayBlockingQueue<>(queueCapacity));
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

  Flux<PathEvent> pathEvents() {
    return events.asFlux();
  }

  void datagram(Datagram datagram) {
    synchronized (datagramLock) {
      Sinks.Many<Datagram> sink = receiver.get();
      if (sink == null || sink.tryEmitNext(datagram).isFailure()) {
        droppedInbound.incrementAndGet();
      }
    }
  }

  void unroutedData() {
    unroutedData.incrementAndGet();
  }

  void pathEvents(List<PathEvent> batch) {
    if (batch.isEmpty()) {
      return;
    }
    synchronized (eventLock) {
      for (PathEvent e : batch) {
        Sinks.EmitResult r = events.tryEmitNext(e);
        if (r.isFailure() && r != Sinks.EmitResult.FAIL_ZERO_SUBSCRIBER) {
          droppedEvents.incrementAndGet();
        }
      }
    }
  }

  long droppedInbound() {
    return droppedInbound.get();
  }

  long unroutedDataCount() {
    return unroutedData.get();
  }

  long droppedEvents() {
    return droppedEvents.get();
  }

  void close() {
    closed = true;
    synchronized (datagramLock) {
      Sinks.Many<Datagram> sink = receiver.get();
      if (sink != null) {
        sink.tryEmitComplete();
      }
    }
    synchronized (eventLock) {
      events.tryEmitComplete();
    }
  }
}
