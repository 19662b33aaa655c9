package org.toxreactive.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.SharedKey;

/**
 * A link that failed decodes nothing more: found by SecureFrameFuzzTest (seed
 * crash-second-error-after-close), where the frames buffered behind a bad one were still decoded,
 * during the same read or when the link went inactive, and raised a second error for one link (the
 * relay counts a kill per error).
 */
class RelayFrameDecoderTest {
  private static final SharedKey KEY = SharedKey.of(new byte[32]);
  private static final int TOO_LONG = RelayProtocol.MAX_FRAME_LENGTH + 1;

  /** The link's owner: keeps each error and closes the channel, as RelayCore does. */
  private static final class Owner extends ChannelInboundHandlerAdapter {
    final List<Throwable> errors = new ArrayList<>();

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      errors.add(cause);
      ctx.close();
    }
  }

  private final Owner owner = new Owner();
  private final EmbeddedChannel ch =
      new EmbeddedChannel(
          new RelayFrameDecoder(),
          new SecureFrameHandler(new SecureSession(KEY, Nonce.zero(), Nonce.zero())),
          owner);

  @Test
  void framesBehindOneThatFailsToDecryptRaiseNothingMore() {
    ByteBuf in = Unpooled.buffer();
    in.writeShort(16).writeZero(16); // a frame that does not authenticate
    in.writeShort(TOO_LONG).writeZero(TOO_LONG);
    in.writeShort(TOO_LONG).writeZero(10); // and the start of another
    ch.writeInbound(in);
    ch.finishAndReleaseAll();
    assertThat(owner.errors)
        .singleElement()
        .isInstanceOf(RelayProtocolException.class)
        .hasFieldOrPropertyWithValue("message", "frame of 16 bytes failed to decrypt");
    assertThat(in.refCnt()).isZero();
  }

  @Test
  void aSecondTooLongFrameAfterTheFirstRaisesNothingMore() {
    ByteBuf in = Unpooled.buffer();
    for (int i = 0; i < 2; i++) {
      in.writeShort(TOO_LONG).writeZero(TOO_LONG);
    }
    ch.writeInbound(in);
    ch.finishAndReleaseAll();
    assertThat(owner.errors).singleElement().isInstanceOf(TooLongFrameException.class);
    assertThat(in.refCnt()).isZero();
  }
}
