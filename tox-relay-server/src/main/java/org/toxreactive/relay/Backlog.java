package org.toxreactive.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.toxreactive.transport.tcp.packet.RelayPacket;

/**
 * A client's unread outbound backlog, the one budget the relay keeps per client: the bytes the
 * router has handed to the client's event loop and not yet written ({@code inTransit}), plus what
 * waits in its {@link WindowGate} (frames that do not fit the client's window yet) and in its
 * channel's outbound buffer. The router-side half and the outbound buffer count a packet with a
 * fixed bookkeeping overhead, so a flood of tiny pongs is charged for the memory it really takes,
 * not just its wire bytes.
 *
 * <pre>{@code
 * long cost = Backlog.cost(packet);
 * if (backlog.tryReserve(cost, limit)) {      // router loop
 *   loop.execute(() -> { ch.write(packet); backlog.written(cost); });
 * }
 * }</pre>
 *
 * <p>{@link #tryReserve} and {@link #bytes} run on the router loop, {@link #written} on the
 * client's; the shared counter is atomic and the outbound buffer's total is a volatile read.
 */
final class Backlog {
  /** Frame overhead on the wire: the 2-byte length and the 16-byte MAC. */
  static final int FRAME_OVERHEAD = 2 + 16;

  /**
   * Bookkeeping charged per queued packet; Netty charges the same per outbound-buffer entry by
   * default, so the two halves of the backlog are counted alike.
   */
  static final int PACKET_OVERHEAD = 96;

  private final AtomicLong inTransit = new AtomicLong();
  private final LongSupplier buffered;
  private boolean overflowed;

  /**
   * @param buffered bytes waiting on the client's loop: its outbound buffer (see {@link
   *     #outboundBytes(Channel)}) and its window gate
   */
  Backlog(LongSupplier buffered) {
    this.buffered = buffered;
  }

  /**
   * @param ch a client's channel
   * @param gate its window gate, or null if it has none
   * @return a backlog that reads {@code ch}'s outbound buffer and what {@code gate} holds
   */
  static Backlog of(Channel ch, @Nullable WindowGate gate) {
    return gate == null
        ? new Backlog(() -> outboundBytes(ch))
        : new Backlog(() -> outboundBytes(ch) + gate.held());
  }

  /**
   * @param ch a channel
   * @return bytes (with Netty's per-entry overhead) waiting in its outbound buffer; 0 once closed
   */
  static long outboundBytes(Channel ch) {
    ChannelOutboundBuffer b = ch.unsafe().outboundBuffer();
    return b == null ? 0 : b.totalPendingWriteBytes();
  }

  /**
   * @param p a packet for the client
   * @return what queuing it costs: its frame on the wire plus {@link #PACKET_OVERHEAD}
   */
  static long cost(RelayPacket p) {
    return p.encodedLength() + FRAME_OVERHEAD + PACKET_OVERHEAD;
  }

  /**
   * @return the unread outbound bytes now
   */
  long bytes() {
    return inTransit.get() + buffered.getAsLong();
  }

  /**
   * Reserves room for a packet of {@code cost} bytes if the backlog stays within {@code limit}.
   * Once a reservation fails the backlog stays overflowed: every later one fails too.
   *
   * @return true if reserved (call {@link #written} once the packet is in the channel)
   */
  boolean tryReserve(long cost, long limit) {
    if (overflowed || bytes() + cost > limit) {
      overflowed = true;
      return false;
    }
    inTransit.addAndGet(cost);
    return true;
  }

  /**
   * @param cost a reserved packet's cost
   * @param limit the soft limit
   * @return true if a packet of {@code cost} fits under {@code limit} now (nothing is reserved)
   */
  boolean fits(long cost, long limit) {
    return !overflowed && bytes() + cost <= limit;
  }

  /** The reserved packet of {@code cost} has been written to the channel (or dropped with it). */
  void written(long cost) {
    inTransit.addAndGet(-cost);
  }

  /**
   * @return true once a reservation has failed (the client is being disconnected)
   */
  boolean overflowed() {
    return overflowed;
  }
}
