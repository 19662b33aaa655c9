package org.toxreactive.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.BytesPool;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;

/**
 * Relay side of the handshake in a Netty pipeline: waits for the 128-byte hello (it may arrive in
 * pieces), answers with 96 bytes, installs the {@link RelayFrameDecoder} and {@link
 * SecureFrameHandler} after itself, fires {@link ClientAccepted} and removes itself. A hello that
 * does not decrypt ends the connection with a {@link HandshakeException}. The connection is still
 * unconfirmed: the first frame that decrypts confirms it (docs/protocol.md 2.2).
 */
public final class ServerHandshakeHandler extends ByteToMessageDecoder {
  /** User event: the handshake succeeded; the link is encrypted and may be used at once. */
  public record ClientAccepted(PublicKey clientKey) {}

  private final KeyPair relayKeys;
  private final @Nullable BytesPool payloads;

  /**
   * A handler answering hellos with this relay's keys.
   *
   * @param relayKeys the relay's key pair
   */
  public ServerHandshakeHandler(KeyPair relayKeys) {
    this(relayKeys, null);
  }

  /**
   * A handler answering hellos with this relay's keys whose link decodes each routed data packet
   * (connection id 16 or more) with its payload lent from {@code payloads} instead of copied into a
   * new array: whoever receives the {@link org.toxreactive.transport.tcp.packet.Data} owns the loan
   * and ends it ({@link BytesPool#release}) once nothing reads the payload any more
   * (docs/architecture.md 4).
   *
   * @param relayKeys the relay's key pair
   * @param payloads the pool routed payloads are lent from, or null to copy them
   */
  public ServerHandshakeHandler(KeyPair relayKeys, @Nullable BytesPool payloads) {
    this.relayKeys = relayKeys;
    this.payloads = payloads;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < RelayProtocol.CLIENT_HELLO_SIZE) {
      return;
    }
    ByteBuf response = ctx.alloc().buffer(RelayProtocol.SERVER_RESPONSE_SIZE);
    ServerHandshake.Result result;
    try {
      result = ServerHandshake.accept(relayKeys, in, response);
    } catch (HandshakeException e) {
      response.release();
      in.skipBytes(in.readableBytes());
      ctx.fireExceptionCaught(e);
      ctx.close();
      return;
    }
    ctx.writeAndFlush(response);
    ctx.pipeline().addAfter(ctx.name(), ClientHandshakeHandler.FRAMES, new RelayFrameDecoder());
    ctx.pipeline()
        .addAfter(
            ClientHandshakeHandler.FRAMES,
            ClientHandshakeHandler.SECURE,
            new SecureFrameHandler(
                result.session(), payloads == null ? null : PayloadLender.forRelay(payloads)));
    ctx.fireUserEventTriggered(new ClientAccepted(result.clientKey()));
    ctx.pipeline().remove(this);
  }
}
