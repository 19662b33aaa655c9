package org.toxreactive.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import org.jspecify.annotations.Nullable;

/**
 * Splits the stream after the handshake into frames: {@code u16 BE length L ‖ L bytes}. Emits the L
 * bytes (length stripped). A frame with L > 2048 fails fast with a {@link
 * io.netty.handler.codec.TooLongFrameException}, which ends the link, as in c-toxcore. L = 0 yields
 * an empty frame, which the secure handler skips (c-toxcore reads it as "nothing yet").
 *
 * <p>Once the channel is closed (a bad frame or packet ended the link) the bytes still buffered are
 * discarded, not decoded: otherwise the frames behind the one that killed the link, decoded when
 * the link goes inactive, could raise a second error (a second kill counted for one link).
 */
final class RelayFrameDecoder extends LengthFieldBasedFrameDecoder {
  RelayFrameDecoder() {
    super(
        RelayProtocol.LENGTH_FIELD_SIZE + RelayProtocol.MAX_FRAME_LENGTH,
        0,
        RelayProtocol.LENGTH_FIELD_SIZE,
        0,
        RelayProtocol.LENGTH_FIELD_SIZE,
        true);
  }

  @Override
  protected @Nullable Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    if (!ctx.channel().isOpen()) {
      in.skipBytes(in.readableBytes());
      return null;
    }
    return super.decode(ctx, in);
  }
}
