package org.toxreactive.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
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
 *       packets are always queued (docs/protocol.md 2.3).
 * </ul>
 */
final class SecureFrameHandler extends ChannelDuplexHandler {
  private final SecureSession session;
  private boolean failed;
  private long droppedPackets;

  SecureFrameHandler(SecureSession session) {
    this.session = session;
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
        packet = RelayPacket.decode(plain);
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

  private void fail(ChannelHandlerContext ctx, RelayProtocolException e) {
    failed = true;
    ctx.fireExceptionCaught(e);
    ctx.close();
  }
}
