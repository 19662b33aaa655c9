package org.toxreactive.dht;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;

/**
 * A {@link DhtCore} on a bound UDP channel: datagrams the owner hands to {@link #onDatagram} go to
 * the core, the core's output is written to the channel, and {@link #start} ticks the core once a
 * second on the channel's event loop. Everything runs on that loop; the caller of {@link
 * #onDatagram} must be on it. Used by {@link DhtNode} (a channel of its own) and by the relay
 * server (its UDP channel, shared with the onion path).
 */
public final class DhtChannel {
  private final Channel channel;
  private final DhtCore core;
  private final LongSupplier clock;
  private @Nullable ScheduledFuture<?> ticker;

  /**
   * A core on {@code channel}; call {@link #start} to begin ticking.
   *
   * @param channel the bound UDP channel; the core's output is written to it
   * @param keys the node's DHT key pair
   * @param config the node's settings
   * @param clock milliseconds, monotonic
   */
  public DhtChannel(Channel channel, KeyPair keys, DhtConfig config, LongSupplier clock) {
    this.channel = channel;
    this.clock = clock;
    this.core = new DhtCore(keys, config, this::write, new SecureRandom(), clock.getAsLong());
  }

  private void write(ByteBuf packet, IpPort to) {
    channel.writeAndFlush(
        new DatagramPacket(packet, new InetSocketAddress(to.address(), to.port())),
        channel.voidPromise());
  }

  /** Bootstraps and starts the once-a-second tick on the channel's loop. */
  public void start() {
    channel
        .eventLoop()
        .execute(
            () -> {
              core.start(clock.getAsLong());
              ticker =
                  channel
                      .eventLoop()
                      .scheduleAtFixedRate(
                          () -> core.tick(clock.getAsLong()), 1, 1, TimeUnit.SECONDS);
            });
  }

  /** Stops the tick. */
  public void stop() {
    channel
        .eventLoop()
        .execute(
            () -> {
              if (ticker != null) {
                ticker.cancel(false);
              }
            });
  }

  /**
   * Hands one datagram to the core (on the channel's loop). Borrows it: the caller releases it.
   *
   * @param p the datagram (borrowed)
   */
  public void onDatagram(DatagramPacket p) {
    InetSocketAddress from = p.sender();
    if (from == null || from.getAddress() == null) {
      return;
    }
    core.receive(p.content(), new IpPort(from.getAddress(), from.getPort()), clock.getAsLong());
  }

  /**
   * The core, for work on the channel's loop (bootstrap, lists).
   *
   * @return the core; touch it on the channel's loop only
   */
  public DhtCore core() {
    return core;
  }

  /**
   * The node's counters, readable from any thread.
   *
   * @return the live counters
   */
  public DhtStats stats() {
    return core.stats();
  }

  /**
   * The UDP channel the node runs on.
   *
   * @return the channel
   */
  public Channel channel() {
    return channel;
  }
}
