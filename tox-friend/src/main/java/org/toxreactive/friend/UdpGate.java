package org.toxreactive.friend;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.core.transport.PathEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * net_crypto's view of the UDP socket, held shut until a number of friends' messages have arrived
 * ({@link ToxNode.Builder#udpAfter}, docs/protocol.md 14.6): while shut it serves no path, drops
 * every inbound datagram (counted) and refuses every send, so connections start on the relays;
 * {@link #messageReceived()} opens it at the {@code n}th message, for good. With {@code n = 0} it
 * is open from the start and passes everything through.
 */
final class UdpGate implements PacketTransport {
  private final PacketTransport udp;
  private final AtomicInteger toGo;
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean open;

  /**
   * A gate over {@code udp} that opens once {@code messages} messages have arrived.
   *
   * @param udp net_crypto's view of the UDP socket
   * @param messages messages to receive before opening, 0 for open at once
   */
  UdpGate(PacketTransport udp, int messages) {
    this.udp = Objects.requireNonNull(udp, "udp");
    if (messages < 0) {
      throw new IllegalArgumentException("udpAfter must be >= 0 messages, got " + messages);
    }
    this.toGo = new AtomicInteger(messages);
    this.open = messages == 0;
  }

  /** Whether UDP is let through. */
  boolean isOpen() {
    return open;
  }

  /** Inbound datagrams dropped while shut. */
  long dropped() {
    return dropped.get();
  }

  /**
   * A friend's message arrived; returns true for the one that opens the gate (exactly once).
   *
   * @return whether this call opened the gate
   */
  boolean messageReceived() {
    if (open) {
      return false;
    }
    if (toGo.decrementAndGet() == 0) {
      open = true;
      return true;
    }
    return false;
  }

  @Override
  public Flux<Datagram> receive() {
    return udp.receive()
        .filter(
            d -> {
              if (open) {
                return true;
              }
              dropped.incrementAndGet();
              return false;
            });
  }

  @Override
  public Mono<Void> send(Path path, Bytes data) {
    return open
        ? udp.send(path, data)
        : Mono.error(new IllegalStateException("direct UDP is held back (udpAfter)"));
  }

  @Override
  public boolean offer(Path path, Bytes data) {
    return open && udp.offer(path, data);
  }

  /** Borrows {@code packet} as {@link PacketTransport#offer(Path, byte[], int, int)} says. */
  @Override
  public boolean offer(Path path, byte[] packet, int offset, int length) {
    return open && udp.offer(path, packet, offset, length);
  }

  @Override
  public boolean serves(Path path) {
    return open && udp.serves(path);
  }

  @Override
  public int maxPacketSize() {
    return udp.maxPacketSize();
  }

  @Override
  public Flux<PathEvent> pathEvents() {
    return udp.pathEvents();
  }

  @Override
  public void pathFailed(Path path, String reason) {
    udp.pathFailed(path, reason);
  }

  @Override
  public void standby(Path path, boolean standby) {
    udp.standby(path, standby);
  }

  @Override
  public void dispose() {
    udp.dispose();
  }

  @Override
  public boolean isDisposed() {
    return udp.isDisposed();
  }
}
