package org.toxreactive.transport.tcp;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.toxreactive.core.BytesPool;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.DatagramQueue;
import org.toxreactive.core.transport.PathEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Where a {@link RelayPool}'s links deliver: one bounded receive queue for a single subscriber, a
 * hot stream of path events, and the counters of what was dropped on the way.
 *
 * <p>Every relay link emits from its own event loop, and Reactor sinks refuse concurrent producers,
 * so each sink is fed under its own monitor. Those monitors are the outermost locks: callers hold
 * no other lock of the pool when they emit (see {@link PoolLane}).
 */
final class PoolOutlets {
  private final DatagramQueue inbound;
  private final PayloadLender lender;
  private final Sinks.Many<PathEvent> events = Sinks.many().multicast().directBestEffort();
  private final Object eventLock = new Object();
  private final Sinks.Many<RelayOnionResponse> onion = Sinks.many().multicast().directBestEffort();
  private final Object onionLock = new Object();
  private final AtomicLong droppedOnion = new AtomicLong();
  private final AtomicLong unroutedData = new AtomicLong();
  private final AtomicLong droppedEvents = new AtomicLong();

  PoolOutlets(int queueCapacity) {
    this.inbound = new DatagramQueue(queueCapacity);
    this.lender = new PayloadLender(queueCapacity);
  }

  /** See {@link RelayPool#receive()}. */
  Flux<Datagram> receive() {
    return inbound.receive();
  }

  /**
   * See {@link RelayPool#receiveLeased()}: {@link #receive()}, with the lender lending while this
   * subscription owns the queue. A refused second subscriber does not stop the lending of the
   * subscription it was refused for (each subscription has its own token). Datagrams the queue
   * still holds when the subscriber cancels are discarded through Reactor's discard hook, which
   * ends their loans.
   */
  Flux<Datagram> receiveLeased() {
    return Flux.defer(
        () -> {
          Object token = new Object();
          return inbound
              .receive()
              .doOnSubscribe(s -> lender.start(token))
              .doFinally(signal -> lender.stop(token))
              .doOnDiscard(Datagram.class, d -> BytesPool.release(d.data()));
        });
  }

  /** The links' payload lender (see {@link PayloadLender}). */
  PayloadLender lender() {
    return lender;
  }

  Flux<PathEvent> pathEvents() {
    return events.asFlux();
  }

  /** Queues {@code datagram} for the subscriber; a dropped one's loan, if any, ends here. */
  void datagram(Datagram datagram) {
    if (!inbound.offer(datagram)) {
      BytesPool.release(datagram.data());
    }
  }

  /** Counts data on a connection id without a route; its loan, if any, ends here. */
  void unroutedData(org.toxreactive.core.Bytes payload) {
    BytesPool.release(payload);
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

  Flux<RelayOnionResponse> onionResponses() {
    return onion.asFlux();
  }

  void onionResponse(RelayOnionResponse r) {
    synchronized (onionLock) {
      Sinks.EmitResult result = onion.tryEmitNext(r);
      if (result.isFailure()) {
        droppedOnion.incrementAndGet();
      }
    }
  }

  long droppedOnionResponses() {
    return droppedOnion.get();
  }

  long droppedInbound() {
    return inbound.dropped();
  }

  long unroutedDataCount() {
    return unroutedData.get();
  }

  long droppedEvents() {
    return droppedEvents.get();
  }

  void close() {
    inbound.close();
    synchronized (eventLock) {
      events.tryEmitComplete();
    }
    synchronized (onionLock) {
      onion.tryEmitComplete();
    }
  }
}
