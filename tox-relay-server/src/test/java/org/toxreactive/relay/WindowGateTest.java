package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link WindowGate} on an embedded channel with an injected window and clock (virtual time). The
 * fake socket: {@code edge} is the right edge of the client's window in stream bytes, {@code sent}
 * what the gate let through; the room is their difference, as {@code TCP_INFO} gives it.
 */
class WindowGateTest {
  private final AtomicLong edge = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong nanos = new AtomicLong();
  private final WindowGate gate = new WindowGate(ch -> edge.get() - sent.get(), nanos::get);
  private final EmbeddedChannel ch = new EmbeddedChannel();

  WindowGateTest() {
    ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(4_000_000, 8_000_000));
    ch.pipeline().addFirst(gate);
    ch.pipeline()
        .addFirst(
            new ChannelOutboundHandlerAdapter() {
              @Override
              public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                sent.addAndGet(((ByteBuf) msg).readableBytes());
                ctx.write(msg, promise);
              }
            });
    ch.freezeTime();
  }

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
  }

  private static ByteBuf frame(int len, int tag) {
    ByteBuf b = Unpooled.buffer(len);
    for (int i = 0; i < len; i++) {
      b.writeByte(tag);
    }
    return b;
  }

  /** What reached the socket side, in order: each frame's length and first byte. */
  private List<String> written() {
    List<String> out = new ArrayList<>();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      out.add(b.readableBytes() + ":" + b.getByte(0));
      b.release();
    }
    return out;
  }

  @Test
  void onlyWholeFramesThatFitGoOutAndTheRestFollowAsTheWindowOpens() {
    edge.set(2_500);
    ch.writeAndFlush(frame(1_000, 1));
    ch.writeAndFlush(frame(1_000, 2));
    ch.writeAndFlush(frame(1_000, 3)); // 3,000 > 2,500: waits whole, not split
    assertThat(written()).containsExactly("1000:1", "1000:2");

    edge.set(2_900); // the client read a little: 900 free, not enough for frame 3
    ch.advanceTimeBy(WindowGate.POLL_MILLIS, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(written()).isEmpty();

    edge.set(3_000); // room for exactly frame 3
    ch.advanceTimeBy(WindowGate.POLL_MILLIS, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(written()).containsExactly("1000:3");
    assertThat(gate.forced()).isZero();
  }

  @Test
  void heldCountsEveryWaitingByteAndSetsNoLimitOfItsOwn() {
    // 2 MiB wait: more than the 1 MiB the gate used to hold before turning the channel unwritable;
    // the limit is now the client's Backlog, which reads held()
    for (int i = 0; i < 2_048; i++) {
      ch.write(frame(1_024, i));
      assertThat(gate.held()).isEqualTo((i + 1) * 1_024L);
    }
    ch.flush();
    assertThat(written()).isEmpty();
    assertThat(ch.isWritable()).isTrue();

    edge.set(1_024 * 1_000); // room for 1,000 frames
    ch.advanceTimeBy(WindowGate.POLL_MILLIS, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(written()).hasSize(1_000);
    assertThat(gate.held()).isEqualTo(1_048L * 1_024);
  }

  @Test
  void aFrameThatWaitedTooLongGoesOutAloneSoALostWindowUpdateCannotStopTheLink() {
    ch.writeAndFlush(frame(1_000, 1));
    ch.writeAndFlush(frame(1_000, 2));
    for (long ms = 1; ms < WindowGate.FORCE_MILLIS; ms++) {
      nanos.set(TimeUnit.MILLISECONDS.toNanos(ms));
      ch.advanceTimeBy(WindowGate.POLL_MILLIS, TimeUnit.MILLISECONDS);
      ch.runScheduledPendingTasks();
    }
    assertThat(written()).isEmpty();

    nanos.set(TimeUnit.MILLISECONDS.toNanos(WindowGate.FORCE_MILLIS));
    ch.advanceTimeBy(WindowGate.POLL_MILLIS, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(written()).containsExactly("1000:1");
    assertThat(gate.forced()).isEqualTo(1);
  }

  @Test
  void framesWaitingWhenTheChannelClosesAreReleased() {
    ByteBuf held = frame(1_000, 1);
    ch.writeAndFlush(held);
    ch.close();
    assertThat(held.refCnt()).isZero();
  }

  @Test
  void aChannelWithoutTcpInfoCannotTellWhetherTheGateWorks() {
    assertThat(WindowGate.available(new EmbeddedChannel())).isNull();
  }

  /**
   * On Linux 5.4 and later an epoll socket's TCP_INFO has the window; a closed one tells nothing.
   */
  @Test
  void anEpollSocketTellsWhetherItsKernelReportsTheWindow() {
    assumeTrue(Epoll.isAvailable(), "epoll transport not available here");
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    try {
      ChannelFuture bound =
          new ServerBootstrap()
              .group(loop)
              .channel(EpollServerSocketChannel.class)
              .childHandler(new ChannelInboundHandlerAdapter())
              .bind("127.0.0.1", 0);
      assertThat(bound.awaitUninterruptibly(5, TimeUnit.SECONDS)).isTrue();
      Channel server = bound.channel();
      assertThat(WindowGate.available(server)).isEqualTo(kernelAtLeast(5, 4));
      assertThat(server.close().awaitUninterruptibly(5, TimeUnit.SECONDS)).isTrue();
      assertThat(WindowGate.available(server)).isNull();
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  private static boolean kernelAtLeast(int major, int minor) {
    String[] v = System.getProperty("os.version").split("[.-]");
    int ma = Integer.parseInt(v[0]);
    int mi = Integer.parseInt(v[1]);
    return ma > major || (ma == major && mi >= minor);
  }

  @Test
  void roomIsTheWindowLessWhatTheSocketHoldsInFlightAndUnsent() {
    ByteBuffer info =
        ByteBuffer.allocate(WindowGate.TCP_INFO_LENGTH).order(ByteOrder.nativeOrder());
    info.putLong(120, 50_000); // bytes_acked
    info.putInt(144, 3_000); // notsent_bytes
    info.putLong(200, 61_000); // bytes_sent, 1,000 of them retransmissions
    info.putLong(208, 1_000); // bytes_retrans
    info.putInt(228, 65_536); // snd_wnd
    assertThat(WindowGate.room(info)).isEqualTo(65_536 - 10_000 - 3_000);

    info.putInt(228, 12_000); // window smaller than what the socket holds
    assertThat(WindowGate.room(info)).isZero();
  }
}
