package org.toxreactive.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Client side of the relay handshake in a Netty pipeline: writes the 128-byte hello as soon as it
 * is added to an active channel, waits for exactly 96 bytes, then installs the {@link
 * RelayFrameDecoder} and {@link SecureFrameHandler} after itself, announces {@link
 * HandshakeCompleted} and removes itself (bytes that arrived after the 96 go on to the frame
 * decoder). A response that does not decrypt ends the link with a {@link HandshakeException}.
 */
final class ClientHandshakeHandler extends ByteToMessageDecoder {
  static final String FRAMES = "tox.relay.frames";
  static final String SECURE = "tox.relay.secure";

  /** User event fired once the link is encrypted; its handler may send immediately. */
  record HandshakeCompleted(SecureFrameHandler secure) {}

  private final ClientHandshake handshake;
  private final @Nullable PayloadLender lender;
  private boolean helloSent;

  ClientHandshakeHandler(ClientHandshake handshake) {
    this(handshake, null);
  }

  /** {@code lender}: a relay pool's, whose frame handler may lend data payloads; else null. */
  ClientHandshakeHandler(ClientHandshake handshake, @Nullable PayloadLender lender) {
    this.handshake = handshake;
    this.lender = lender;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      sendHello(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    sendHello(ctx);
    super.channelActive(ctx);
  }

  private void sendHello(ChannelHandlerContext ctx) {
    if (helloSent) {
      return;
    }
    helloSent = true;
    ByteBuf hello = ctx.alloc().buffer(RelayProtocol.CLIENT_HELLO_SIZE);
    handshake.writeHello(hello);
    ctx.writeAndFlush(hello);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < RelayProtocol.SERVER_RESPONSE_SIZE) {
      return;
    }
    SecureSession session;
    try {
      session = handshake.readResponse(in);
    } catch (HandshakeException e) {
      in.skipBytes(in.readableBytes());
      ctx.fireExceptionCaught(e);
      ctx.close();
      return;
    }
    SecureFrameHandler secure = new SecureFrameHandler(session, lender);
    ctx.pipeline().addAfter(ctx.name(), FRAMES, new RelayFrameDecoder());
    ctx.pipeline().addAfter(FRAMES, SECURE, secure);
    ctx.fireUserEventTriggered(new HandshakeCompleted(secure));
    ctx.pipeline().remove(this);
  }
}
