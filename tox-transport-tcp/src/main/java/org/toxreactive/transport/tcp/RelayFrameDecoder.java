package org.toxreactive.transport.tcp;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits the stream after the handshake into frames: {@code u16 BE length L ‖ L bytes}. Emits the L
 * bytes (length stripped). A frame with L > 2048 fails fast with a {@link
 * io.netty.handler.codec.TooLongFrameException}, which ends the link, as in c-toxcore. L = 0 yields
 * an empty frame, which the secure handler skips (c-toxcore reads it as "nothing yet").
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
}
