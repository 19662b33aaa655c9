package org.toxreactive.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.unix.RawUnixChannelOption;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Hands the socket only whole frames that fit in the client's advertised receive window
 * (docs/protocol.md 8.14): a c-toxcore client reads a frame only once all of it is in its socket,
 * and a receive buffer filled up to a partial frame can stay charged full with the window shut for
 * good. Frames that do not fit wait here and go out as the window opens: checked again when credit
 * runs out and every {@value #POLL_MILLIS} ms while a frame waits. A frame that has waited {@value
 * #FORCE_MILLIS} ms goes out anyway, one at a time, so that a lost window update cannot stop a link
 * for ever (the kernel then probes the window itself).
 *
 * <p>The gate itself sets no limit: what waits here ({@link #held}) counts in the client's {@link
 * Backlog}, the one budget the relay keeps per client (docs/protocol.md 8.14): past it the relay
 * stops reading the clients that send to this one, drops, or disconnects.
 *
 * <p>The first handler of the pipeline (it sees the sealed frames, one {@link ByteBuf} each, and
 * the handshake response). Runs on the channel's event loop only.
 */
final class WindowGate extends ChannelDuplexHandler {
  /** How often a waiting frame checks the window again. */
  static final long POLL_MILLIS = 1;

  /** After this long without room, the head frame is released regardless. */
  static final long FORCE_MILLIS = 200;

  /** Linux {@code struct tcp_info} up to and including {@code tcpi_snd_wnd} (kernel 5.4+). */
  static final int TCP_INFO_LENGTH = 232;

  private static final RawUnixChannelOption TCP_INFO =
      new RawUnixChannelOption("TCP_INFO", 6, 11, TCP_INFO_LENGTH);

  private final ToLongFunction<Channel> room;
  private final LongSupplier nanoClock;
  private final ArrayDeque<ByteBuf> frames = new ArrayDeque<>();
  private final ArrayDeque<ChannelPromise> promises = new ArrayDeque<>();
  private final AtomicLong held = new AtomicLong(); // changed on the loop, read anywhere
  private long credit;
  private long waitingSince = -1;
  private @Nullable ScheduledFuture<?> poll; // null while no poll is scheduled
  private long forced;

  /**
   * @param room bytes the client's window can take now ({@link #socketRoom}; a test injects one)
   * @param nanoClock a monotonic clock in nanoseconds
   */
  WindowGate(ToLongFunction<Channel> room, LongSupplier nanoClock) {
    this.room = room;
    this.nanoClock = nanoClock;
  }

  /** A gate reading the window of an epoll channel's socket. */
  static WindowGate forSocket() {
    return new WindowGate(WindowGate::socketRoom, System::nanoTime);
  }

  /** Frames released after waiting {@value #FORCE_MILLIS} ms (a test reads it). */
  long forced() {
    return forced;
  }

  /** Bytes waiting here; read from any thread (a volatile read). */
  long held() {
    return held.get();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf)) {
      ctx.write(msg, promise);
      return;
    }
    ByteBuf frame = (ByteBuf) msg;
    frames.add(frame);
    promises.add(promise);
    held.addAndGet(frame.readableBytes());
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    drain(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    stop();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  private void stop() {
    if (poll != null) {
      poll.cancel(false);
      poll = null;
    }
    ClosedChannelException closed = null;
    for (ByteBuf frame; (frame = frames.poll()) != null; ) {
      ChannelPromise promise = promises.poll();
      frame.release();
      if (!promise.isVoid()) {
        if (closed == null) {
          closed = new ClosedChannelException();
        }
        promise.tryFailure(closed);
      }
    }
    held.set(0);
  }

  private void release(ChannelHandlerContext ctx) {
    ByteBuf frame = frames.poll();
    ChannelPromise promise = promises.poll();
    held.addAndGet(-frame.readableBytes());
    ctx.write(frame, promise);
  }

  private void drain(ChannelHandlerContext ctx) {
    boolean wrote = false;
    while (!frames.isEmpty()) {
      int len = frames.peek().readableBytes();
      if (len > credit) {
        // released frames still in Netty's outbound buffer are not in the socket's count yet
        credit =
            Math.max(0, room.applyAsLong(ctx.channel()) - Backlog.outboundBytes(ctx.channel()));
      }
      if (len > credit) {
        if (waitingSince < 0) {
          waitingSince = nanoClock.getAsLong();
        } else if (nanoClock.getAsLong() - waitingSince
            >= TimeUnit.MILLISECONDS.toNanos(FORCE_MILLIS)) {
          forced++;
          release(ctx);
          wrote = true;
          waitingSince = nanoClock.getAsLong();
        }
        break;
      }
      credit -= len;
      waitingSince = -1;
      release(ctx);
      wrote = true;
    }
    if (wrote) {
      ctx.flush();
    }
    if (!frames.isEmpty() && poll == null && ctx.channel().isActive()) {
      poll =
          ctx.executor()
              .schedule(
                  () -> {
                    poll = null;
                    drain(ctx);
                  },
                  POLL_MILLIS,
                  TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Whether {@code ch}'s socket reports its peer's window in {@code TCP_INFO} ({@code
   * tcpi_snd_wnd}, Linux 5.4 on): without it the gate would let every frame through unchecked.
   *
   * @param ch a connected channel (an epoll one has {@code TCP_INFO})
   * @return true or false, or null if this socket cannot tell (closed already, or no {@code
   *     TCP_INFO} at all)
   */
  static @Nullable Boolean available(Channel ch) {
    try {
      ByteBuffer info = ch.config().getOption(TCP_INFO);
      return info == null ? null : info.limit() >= TCP_INFO_LENGTH;
    } catch (ChannelException closed) {
      return null;
    }
  }

  /**
   * The room in {@code ch}'s peer's window, from its socket's {@code TCP_INFO}; unlimited where the
   * kernel does not report the window (before Linux 5.4).
   */
  static long socketRoom(Channel ch) {
    ByteBuffer info = ch.config().getOption(TCP_INFO).order(ByteOrder.nativeOrder());
    return info.limit() < TCP_INFO_LENGTH ? Long.MAX_VALUE : room(info);
  }

  /**
   * The bytes a peer's window takes beyond what the socket already holds: {@code snd_una + snd_wnd
   * - write_seq}, i.e. {@code tcpi_snd_wnd} minus the bytes in flight ({@code tcpi_bytes_sent -
   * tcpi_bytes_retrans - tcpi_bytes_acked}) minus those not yet sent ({@code tcpi_notsent_bytes}).
   *
   * @param info a {@code struct tcp_info} in native byte order, at least {@value #TCP_INFO_LENGTH}
   *     bytes
   * @return the room, 0 or more
   */
  static long room(ByteBuffer info) {
    long bytesAcked = info.getLong(120);
    long notSent = Integer.toUnsignedLong(info.getInt(144));
    long bytesSent = info.getLong(200);
    long bytesRetrans = info.getLong(208);
    long sndWnd = Integer.toUnsignedLong(info.getInt(228));
    long inFlight = Math.max(0, bytesSent - bytesRetrans - bytesAcked);
    return Math.max(0, sndWnd - inFlight - notSent);
  }
}
