package org.toxreactive.test.sim;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * A host on a {@link SimNetwork}, addressed by its name. It behaves like a UDP socket: {@link
 * #send} is fire-and-forget, {@link #receive()} has one subscriber at a time and a bounded buffer,
 * and packets that find no room or no subscriber are dropped and counted.
 *
 * <p>Packets are emitted on whatever thread runs the network's scheduler (with a {@code
 * VirtualTimeScheduler}: the thread that advances time), one at a time.
 */
public final class SimNode implements Disposable {
  /** Packets a slow subscriber may have waiting before further ones are dropped. */
  public static final int RECEIVE_QUEUE = 4096;

  private final SimNetwork network;
  private final String name;
  private final AtomicReference<Sinks.Many<SimPacket>> receiver = new AtomicReference<>();
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean disposed;
  private volatile boolean closed;

  SimNode(SimNetwork network, String name) {
    this.network = network;
    this.name = name;
  }

  /**
   * This node's name: its address on the network.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The network this node is on.
   *
   * @return the network
   */
  public SimNetwork network() {
    return network;
  }

  /**
   * Sends a copy of {@code data} to the node named {@code to} (which need not exist yet: the packet
   * is lost if nobody has that name when it arrives). Never blocks, never fails.
   *
   * @param to the receiver's name
   * @param data the bytes (copied)
   */
  public void send(String to, byte[] data) {
    network.send(this, to, data);
  }

  /**
   * Packets addressed to this node, in arrival order. One subscriber at a time: a second concurrent
   * one gets an {@link IllegalStateException}. Completes when the node is disposed.
   *
   * @return the packets
   */
  public Flux<SimPacket> receive() {
    return Flux.defer(
        () -> {
          if (closed) {
            return Flux.empty();
          }
          Sinks.Many<SimPacket> sink =
              Sinks.many().unicast().onBackpressureBuffer(new ArrayBlockingQueue<>(RECEIVE_QUEUE));
          if (!receiver.compareAndSet(null, sink)) {
            return Flux.error(
                new IllegalStateException("node " + name + " already has a subscriber"));
          }
          if (closed) {
            sink.tryEmitComplete();
          }
          return sink.asFlux().doFinally(signal -> receiver.compareAndSet(sink, null));
        });
  }

  /**
   * Packets that arrived while nobody was subscribed or the subscriber's buffer was full.
   *
   * @return the count so far
   */
  public long droppedInbound() {
    return dropped.get();
  }

  /**
   * Removes this node from the network for good: it sends and receives nothing more and {@link
   * #receive()} completes. {@link SimNetwork#node(String)} then makes a new node with this name.
   * (To take a node down and bring it back, use {@link SimNetwork#kill} and {@link
   * SimNetwork#revive}.)
   */
  @Override
  public void dispose() {
    if (!disposed) {
      disposed = true;
      network.remove(this);
    }
  }

  @Override
  public boolean isDisposed() {
    return disposed;
  }

  @Override
  public String toString() {
    return "SimNode[" + name + "]";
  }

  /** Called by the network's drain only, which serialises it with {@link #complete()}. */
  void deliver(SimPacket packet) {
    Sinks.Many<SimPacket> sink = receiver.get();
    if (sink == null || sink.tryEmitNext(packet).isFailure()) {
      dropped.incrementAndGet();
    }
  }

  /** Called by the network's drain only. */
  void complete() {
    closed = true;
    Sinks.Many<SimPacket> sink = receiver.get();
    if (sink != null) {
      sink.tryEmitComplete();
    }
  }
}
