package org.toxreactive.transport.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.BytesPool;
import org.toxreactive.core.NetCryptoPacketKind;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.DatagramQueue;
import org.toxreactive.core.transport.Path;
import reactor.core.publisher.Flux;

/**
 * The inbound end of a {@link UdpTransport}: the last handler of its channel. Consumes every {@link
 * DatagramPacket}: drops it if it is too large or a rate-limited cookie request, else copies it
 * into a {@link Datagram} for the subscriber of {@link #receive()}. The packet is released here,
 * before this method returns, whatever happens to it: no buffer leaves the event loop. A subscriber
 * of {@link #receiveLeased()} gets data packets (0x1B) in arrays lent from a {@link BytesPool}
 * instead of new ones; a dropped lease is released here at once.
 *
 * <p>The subscriber's buffer is bounded; what does not fit, and what arrives while nobody
 * subscribes, is dropped and counted. Everything except {@link #receive()} and the counters runs on
 * the channel's event loop, which also serialises emissions into the subscriber's sink.
 */
final class UdpInbound extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(UdpInbound.class);

  /** First byte of a net_crypto cookie request, the only packet kind that is rate-limited. */
  static final byte COOKIE_REQUEST = NetCryptoPacketKind.COOKIE_REQUEST.idByte();

  private final int maxDatagramSize;
  private final RateLimiter<InetAddress> cookieLimiter;
  private final DatagramQueue inbound;
  private final BytesPool pool;
  private volatile boolean lending;
  private final AtomicLong oversize = new AtomicLong();
  private final AtomicLong rateLimited = new AtomicLong();

  UdpInbound(int maxDatagramSize, int queueCapacity, RateLimiter<InetAddress> cookieLimiter) {
    this.maxDatagramSize = maxDatagramSize;
    this.inbound = new DatagramQueue(queueCapacity);
    this.cookieLimiter = cookieLimiter;
    // arrays of the largest data packet (a longer datagram is copied, and no data packet), enough
    // free ones for a window's burst in flight to the subscriber; none made before the first lease
    this.pool =
        new BytesPool(
            Math.min(maxDatagramSize, NetCryptoPacketKind.MAX_PACKET_SIZE),
            Math.min(queueCapacity, POOL_CAPACITY));
  }

  /** Free arrays the pool keeps at most: 1,024 x 1,400 bytes, 1.4 MB. */
  static final int POOL_CAPACITY = 1024;

  /** See {@link UdpTransport#receive()}. */
  Flux<Datagram> receive() {
    return inbound.receive();
  }

  /**
   * See {@link UdpTransport#receiveLeased()}: {@link #receive()}, lending data packets while this
   * subscription lasts. The flag only saves copies: a lease that reaches a subscriber that never
   * releases (a refused second subscriber flipping the flag around a plain one) costs its array and
   * nothing else, since only the holder of a lease can end it.
   */
  Flux<Datagram> receiveLeased() {
    return Flux.defer(
        () -> {
          Flux<Datagram> queue = inbound.receive();
          return queue.doOnSubscribe(s -> lending = true).doFinally(signal -> lending = false);
        });
  }

  /** Arrays the lending pool has made so far (see {@link BytesPool#created()}). */
  long poolArraysCreated() {
    return pool.created();
  }

  long dropped() {
    return inbound.dropped();
  }

  long oversize() {
    return oversize.get();
  }

  long rateLimited() {
    return rateLimited.get();
  }

  /** Consumes {@code msg}: a {@link DatagramPacket} is released here; anything else passes on. */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof DatagramPacket)) {
      ctx.fireChannelRead(msg);
      return;
    }
    DatagramPacket packet = (DatagramPacket) msg;
    try {
      Datagram datagram = accept(packet);
      if (datagram != null && !inbound.offer(datagram)) {
        BytesPool.release(datagram.data()); // dropped: a lease goes back at once
      }
    } finally {
      packet.release();
    }
  }

  /** Borrows {@code packet}: a copy of it, or null if it is dropped. */
  private @Nullable Datagram accept(DatagramPacket packet) {
    ByteBuf content = packet.content();
    int length = content.readableBytes();
    if (length > maxDatagramSize) {
      // The channel reads at most maxDatagramSize + 1 bytes, so a longer datagram shows up here
      // truncated to exactly that: never deliver a truncated packet.
      oversize.incrementAndGet();
      return null;
    }
    NetCryptoPacketKind kind =
        length > 0
            ? NetCryptoPacketKind.ofId(content.getUnsignedByte(content.readerIndex()))
            : null;
    if (kind != null
        && rateLimited(kind)
        && !cookieLimiter.tryAcquire(packet.sender().getAddress())) {
      rateLimited.incrementAndGet();
      return null;
    }
    Bytes data =
        lending && kind == NetCryptoPacketKind.DATA ? pool.copyOf(content) : Bytes.copyOf(content);
    return new Datagram(Path.udp(packet.sender()), data);
  }

  /**
   * Whether packets of {@code kind} pass the per-source bucket: only cookie requests, the one kind
   * a stranger sends that costs the receiver an X25519 (docs/protocol.md 4.2). A switch without a
   * default: a new kind must be decided on here.
   */
  static boolean rateLimited(NetCryptoPacketKind kind) {
    return switch (kind) {
      case COOKIE_REQUEST -> true;
      case COOKIE_RESPONSE, HANDSHAKE, DATA -> false;
    };
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    inbound.close();
    ctx.fireChannelInactive();
  }

  /**
   * A read error on a datagram socket concerns one datagram, not the transport: log it and go on.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("UDP read error on {}", ctx.channel().localAddress(), cause);
  }
}
