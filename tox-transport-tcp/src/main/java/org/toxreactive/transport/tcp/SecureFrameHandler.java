package org.toxreactive.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import org.jspecify.annotations.Nullable;
import org.toxreactive.transport.tcp.packet.Data;
import org.toxreactive.transport.tcp.packet.MalformedRelayPacketException;
import org.toxreactive.transport.tcp.packet.RelayPacket;

/**
 * Turns frames into {@link RelayPacket}s and back, under the link's {@link SecureSession}.
 *
 * <ul>
 *   <li>Inbound: a frame (ByteBuf, owned and released here) is decrypted and decoded; the packet is
 *       fired on. A frame that fails to decrypt or a malformed packet ends the link with a {@link
 *       RelayProtocolException}; nothing is read after that.
 *   <li>Outbound: a {@link RelayPacket} is encoded, encrypted and written as one frame. A
 *       non-priority packet (data, OOB, onion, forwarding) is dropped <b>before</b> it consumes a
 *       nonce when the channel is not writable, so a slow reader cannot grow our memory; control
 *       packets are always queued (docs/protocol.md 2.3). {@link #writeEncoded} does the same for a
 *       data packet its caller encoded into a buffer already (a relay pool's borrowed offer).
 * </ul>
 *
 * <p>On a relay pool's link a {@link PayloadLender} may decode routed net_crypto data packets with
 * their payload lent from its pool instead of copied ({@link RelayPool#receiveLeased()}).
 */
final class SecureFrameHandler extends ChannelDuplexHandler {
  private final SecureSession session;
  private final @Nullable PayloadLender lender;
  private @Nullable ChannelHandlerContext ctx;
  private boolean failed;
  private long droppedPackets;

  SecureFrameHandler(SecureSession session) {
    this(session, null);
  }

  SecureFrameHandler(SecureSession session, @Nullable PayloadLender lender) {
    this.session = session;
    this.lender = lender;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  long droppedPackets() {
    return droppedPackets;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ByteBuf frame = (ByteBuf) msg;
    try {
      if (failed || !frame.isReadable()) {
        return; // after a failure we discard until close; an empty frame is skipped silently
      }
      ByteBuf plain = session.openFrame(frame); // the thread's scratch: decoded before the next
      if (plain == null) {
        fail(
            ctx,
            new RelayProtocolException(
                "frame of " + frame.readableBytes() + " bytes failed to decrypt"));
        return;
      }
      RelayPacket packet;
      try {
        PayloadLender l = lender;
        Data lent = l == null ? null : l.lend(plain);
        packet = lent != null ? lent : RelayPacket.decode(plain);
      } catch (MalformedRelayPacketException e) {
        fail(ctx, new RelayProtocolException("malformed packet: " + e.getMessage(), e));
        return;
      }
      ctx.fireChannelRead(packet);
    } finally {
      frame.release();
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof RelayPacket)) {
      ctx.write(msg, promise);
      return;
    }
    RelayPacket packet = (RelayPacket) msg;
    if (!packet.kind().isPriority() && !ctx.channel().isWritable()) {
      droppedPackets++;
      if (!promise.isVoid()) { // failing a void promise would fire exceptionCaught and close us
        promise.setFailure(RelayBackpressureException.INSTANCE);
      }
      return;
    }
    ctx.write(session.sealFrame(packet, ctx.alloc()), promise);
  }

  /**
   * On the event loop: seals {@code plaintext}, one whole encoded data packet, into a frame and
   * writes and flushes it, as {@link #write} does with a data packet; when the channel is not
   * writable (backed up, or closed) it is dropped before it consumes a nonce, and counted. Owns
   * {@code plaintext}: it is released here whatever happens. Written with the channel's void
   * promise (no promise object per packet): a write that fails closes the link.
   *
   * @param plaintext the encoded packet (released here)
   */
  void writeEncoded(ByteBuf plaintext) {
    try {
      ChannelHandlerContext c = ctx;
      if (c == null || !c.channel().isWritable()) {
        droppedPackets++;
        return;
      }
      // no promise per packet: a failed write fails the channel's void promise, which fires
      // exceptionCaught, and the session handler closes the link as for any I/O error
      c.writeAndFlush(session.sealEncoded(plaintext, c.alloc()), c.voidPromise());
    } finally {
      plaintext.release();
    }
  }

  private void fail(ChannelHandlerContext ctx, RelayProtocolException e) {
    failed = true;
    ctx.fireExceptionCaught(e);
    ctx.close();
  }
}
