package org.toxreactive.friend;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntPredicate;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.core.transport.PathEvent;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One UDP socket shared by the DHT, the onion and net_crypto, as c-toxcore shares its one socket: a
 * single subscription to the shared transport's {@link PacketTransport#receive()}, and filtered
 * views by the packet's first byte (docs/protocol.md "Friend connections and Messenger", the packet
 * kinds on the socket).
 *
 * <pre>{@code
 * UdpTransport udp = UdpTransport.create().port(33445).bindNow();
 * UdpDemux demux = UdpDemux.over(udp);
 * PacketTransport forNetCrypto = demux.view(UdpDemux.NET_CRYPTO);
 * Flux<Datagram> forDht = demux.inbound(UdpDemux.DHT);
 * udp.offer(path, bytes);               // everyone sends on the shared transport itself
 * }</pre>
 *
 * <p>A packet goes to the first filter (in the order the views were made) that takes its first
 * byte, to every current subscriber of that view; one no view takes, or that arrives while its view
 * has no subscriber or a subscriber that is not ready, is dropped and counted ({@link
 * #unclaimed()}, {@link #dropped()}): these are datagrams, nothing is buffered. The demux never
 * disposes the shared transport: its owner does; {@link #dispose()} ends the one subscription and
 * completes every view.
 */
public final class UdpDemux implements Disposable {
  /** net_crypto's packets: cookie request and response, handshake, data (0x18..0x1b). */
  public static final IntPredicate NET_CRYPTO = b -> b >= 0x18 && b <= 0x1b;

  /**
   * The DHT's packets: ping request and response (0x00, 0x01), nodes request and response (0x02,
   * 0x04), the DHT-routed crypto request (0x20: NAT ping, DHT-PK) and bootstrap info (0xf0).
   */
  public static final IntPredicate DHT =
      b -> b == 0x00 || b == 0x01 || b == 0x02 || b == 0x04 || b == 0x20 || b == 0xf0;

  /**
   * The onion's packets: onion requests and responses of every hop (0x80..0x8e, announce and data
   * packets among them) and the forwarding packets of 0.2.19+ (0x90..0x93).
   */
  public static final IntPredicate ONION =
      b -> (b >= 0x80 && b <= 0x8e) || (b >= 0x90 && b <= 0x93);

  private record View(IntPredicate filter, Sinks.Many<Datagram> sink) {}

  private final PacketTransport shared;
  private final List<View> views = new CopyOnWriteArrayList<>();
  private final LongAdder unclaimed = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final Disposable upstream;
  private volatile boolean disposed;

  private UdpDemux(PacketTransport shared) {
    this.shared = shared;
    this.upstream = shared.receive().subscribe(this::dispatch, e -> complete(), this::complete);
  }

  /**
   * Subscribes to {@code shared}'s inbound packets, once, for as long as the demux lives.
   *
   * @param shared the socket's transport (it must have no other subscriber)
   * @return the demux
   */
  public static UdpDemux over(PacketTransport shared) {
    return new UdpDemux(Objects.requireNonNull(shared, "shared transport is null"));
  }

  /**
   * The shared transport every view sends on.
   *
   * @return the transport given to {@link #over}
   */
  public PacketTransport shared() {
    return shared;
  }

  /**
   * Inbound packets whose first byte {@code firstByte} takes (and no earlier filter took), hot:
   * what arrives while nobody subscribes is dropped. Any number of subscribers; completes when the
   * shared transport's inbound stream ends or the demux is disposed.
   *
   * @param firstByte the packet kinds wanted, by first byte (0..255)
   * @return the packets
   */
  public Flux<Datagram> inbound(IntPredicate firstByte) {
    Objects.requireNonNull(firstByte, "filter is null");
    Sinks.Many<Datagram> sink = Sinks.many().multicast().directBestEffort();
    views.add(new View(firstByte, sink));
    if (disposed) {
      sink.tryEmitComplete();
    }
    return sink.asFlux();
  }

  /**
   * A {@link PacketTransport} whose {@code receive()} is {@link #inbound(IntPredicate)} of {@code
   * firstByte} and which sends on the shared transport. Disposing the view does not close the
   * socket.
   *
   * @param firstByte the packet kinds wanted, by first byte (0..255)
   * @return the view
   */
  public PacketTransport view(IntPredicate firstByte) {
    return new Filtered(inbound(firstByte));
  }

  /**
   * Packets no filter took.
   *
   * @return the count so far
   */
  public long unclaimed() {
    return unclaimed.sum();
  }

  /**
   * Packets a view took while it had no subscriber ready for them.
   *
   * @return the count so far
   */
  public long dropped() {
    return dropped.sum();
  }

  private void dispatch(Datagram d) {
    Bytes data = d.data();
    if (data.length() == 0) {
      unclaimed.increment();
      return;
    }
    int first = data.get(0) & 0xFF;
    for (View v : views) {
      if (v.filter.test(first)) {
        if (v.sink.tryEmitNext(d).isFailure()) {
          dropped.increment();
        }
        return;
      }
    }
    unclaimed.increment();
  }

  private void complete() {
    disposed = true;
    for (View v : views) {
      v.sink.tryEmitComplete();
    }
  }

  /** Ends the subscription to the shared transport and completes every view. */
  @Override
  public void dispose() {
    upstream.dispose();
    complete();
  }

  /**
   * @return whether the demux was disposed or its upstream ended
   */
  @Override
  public boolean isDisposed() {
    return disposed;
  }

  /** A filtered view that sends on the shared transport. */
  private final class Filtered implements PacketTransport {
    private final Flux<Datagram> inbound;
    private volatile boolean closed;

    Filtered(Flux<Datagram> inbound) {
      this.inbound = inbound;
    }

    @Override
    public Flux<Datagram> receive() {
      return inbound;
    }

    @Override
    public Mono<Void> send(Path path, Bytes data) {
      return shared.send(path, data);
    }

    @Override
    public boolean offer(Path path, Bytes data) {
      return shared.offer(path, data);
    }

    /** Borrows {@code packet}: the shared transport copies it before returning. */
    @Override
    public boolean offer(Path path, byte[] packet, int offset, int length) {
      return shared.offer(path, packet, offset, length);
    }

    @Override
    public boolean serves(Path path) {
      return !closed && !shared.isDisposed() && shared.serves(path);
    }

    @Override
    public int maxPacketSize() {
      return shared.maxPacketSize();
    }

    @Override
    public Flux<PathEvent> pathEvents() {
      return shared.pathEvents();
    }

    @Override
    public void pathFailed(Path path, String reason) {
      shared.pathFailed(path, reason);
    }

    @Override
    public void standby(Path path, boolean standby) {
      shared.standby(path, standby);
    }

    @Override
    public void dispose() {
      closed = true;
    }

    @Override
    public boolean isDisposed() {
      return closed || shared.isDisposed() || disposed;
    }
  }
}
