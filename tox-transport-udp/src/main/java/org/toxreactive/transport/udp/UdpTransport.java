package org.toxreactive.transport.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.NetCryptoPacketKind;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.resources.LoopResources;
import reactor.netty.udp.UdpServer;

/**
 * The direct path: a {@link PacketTransport} on one UDP socket (Reactor Netty {@link UdpServer}).
 * Serves {@link Path.Udp} only.
 *
 * <pre>{@code
 * UdpTransport udp = UdpTransport.create()
 *     .host("0.0.0.0")
 *     .port(33445)
 *     .receiveBuffer(1 << 20)      // SO_RCVBUF and SO_SNDBUF, bytes
 *     .receiveQueue(4096)          // datagrams buffered for a slow subscriber
 *     .bindNow();
 * udp.receive().subscribe(d -> handle(d.path(), d.data()));
 * udp.send(Path.udp(peer), packet).subscribe();
 * udp.dispose();                   // closes the socket, completes receive()
 * }</pre>
 *
 * <p>Inbound, in this order: a datagram longer than {@link Builder#maxDatagramSize(int)} (default
 * 2048) is dropped and counted in {@link #oversizeInbound()}; a cookie request ({@link
 * NetCryptoPacketKind#COOKIE_REQUEST}) beyond the per-source-IP token bucket (10, one more every
 * 100 ms, as c-toxcore HEAD) is dropped and counted in {@link #rateLimited()}; anything else is
 * copied into {@link Bytes}, its buffer released at once, and queued for the subscriber of {@link
 * #receive()}. A full queue, or no subscriber, drops it and counts it in {@link #droppedInbound()}.
 * Datagrams are emitted on the socket's event loop: subscribers that do real work should {@code
 * publishOn} elsewhere.
 *
 * <p>Outbound, {@link #offer} and {@link #send} copy the datagram into a pooled direct buffer and,
 * on any thread but the socket's event loop, put it into a bounded queue ({@link
 * Builder#sendQueue(int)}, 4096 by default); at most one drain task at a time runs on the event
 * loop, writes every queued datagram (up to 1,024) and flushes once, which Netty's epoll channel
 * turns into one {@code sendmmsg} call. A full queue refuses ({@link #refusedOutbound()}); what is
 * still queued when the transport is disposed is released and counted in {@link #sendFailures()}.
 */
public final class UdpTransport implements PacketTransport {
  /** Largest packet {@link #send} accepts: c-toxcore's MAX_CRYPTO_PACKET_SIZE. */
  public static final int MAX_PACKET_SIZE = NetCryptoPacketKind.MAX_PACKET_SIZE;

  /** Rate-limit buckets kept at most (one per source IP that sent a cookie request lately). */
  static final int MAX_RATE_LIMITED_SOURCES = 65_536;

  private static final String INBOUND_HANDLER = "tox.udp.inbound";

  /** Largest {@link Builder#sendQueue(int)}. */
  static final int MAX_SEND_QUEUE = 1 << 20;

  /**
   * Read-only configuration.
   *
   * @param receiveBufferBytes SO_RCVBUF and SO_SNDBUF, or 0 for the operating system's defaults
   * @param receiveQueue datagrams buffered for a slow subscriber before dropping
   * @param sendQueue datagrams waiting for the event loop's next batch before {@code offer} refuses
   *     (rounded up to a power of two)
   * @param maxDatagramSize longer inbound datagrams are dropped
   * @param cookieBurst cookie requests one source IP may send at once
   * @param cookieRefill time for one more cookie request token
   * @param scheduler the clock of the rate limiter
   */
  public record Config(
      String host,
      int port,
      int receiveBufferBytes,
      int receiveQueue,
      int sendQueue,
      int maxDatagramSize,
      int cookieBurst,
      Duration cookieRefill,
      Scheduler scheduler) {
    /**
     * Checks every value; the exceptions name the one out of range.
     *
     * @param host local address to bind
     * @param port local port, 0 for any
     * @param receiveBufferBytes SO_RCVBUF and SO_SNDBUF, 0 for the OS's
     * @param receiveQueue datagrams buffered for a slow subscriber
     * @param sendQueue datagrams waiting to be written, 4..1048576
     * @param maxDatagramSize longer inbound datagrams are dropped
     * @param cookieBurst cookie requests one source may send at once
     * @param cookieRefill time for one more cookie request
     * @param scheduler the rate limiter's clock
     */
    public Config {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(cookieRefill, "cookieRefill");
      Objects.requireNonNull(scheduler, "scheduler");
      if (port < 0 || port > 0xFFFF) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      if (receiveBufferBytes < 0) {
        throw new IllegalArgumentException(
            "receiveBufferBytes must be >= 0: " + receiveBufferBytes);
      }
      if (receiveQueue < 1) {
        throw new IllegalArgumentException("receiveQueue must be >= 1: " + receiveQueue);
      }
      if (sendQueue < 4 || sendQueue > MAX_SEND_QUEUE) {
        throw new IllegalArgumentException(
            "sendQueue must be 4.." + MAX_SEND_QUEUE + ": " + sendQueue);
      }
      if (maxDatagramSize < 1 || maxDatagramSize > 0xFFFF) {
        throw new IllegalArgumentException("maxDatagramSize out of range: " + maxDatagramSize);
      }
      if (cookieBurst < 1) {
        throw new IllegalArgumentException("cookieBurst must be >= 1: " + cookieBurst);
      }
      if (cookieRefill.isNegative() || cookieRefill.isZero()) {
        throw new IllegalArgumentException("cookieRefill must be positive: " + cookieRefill);
      }
    }
  }

  /** A configuration being changed by one setter of {@link Builder}. */
  private static final class Draft {
    String host;
    int port;
    int receiveBufferBytes;
    int receiveQueue;
    int sendQueue;
    int maxDatagramSize;
    int cookieBurst;
    Duration cookieRefill;
    Scheduler scheduler;

    Draft(Config c) {
      host = c.host;
      port = c.port;
      receiveBufferBytes = c.receiveBufferBytes;
      receiveQueue = c.receiveQueue;
      sendQueue = c.sendQueue;
      maxDatagramSize = c.maxDatagramSize;
      cookieBurst = c.cookieBurst;
      cookieRefill = c.cookieRefill;
      scheduler = c.scheduler;
    }

    Config build() {
      return new Config(
          host,
          port,
          receiveBufferBytes,
          receiveQueue,
          sendQueue,
          maxDatagramSize,
          cookieBurst,
          cookieRefill,
          scheduler);
    }
  }

  private final Connection connection;
  private final UdpInbound inbound;
  private final UdpOutbound outbound;
  private final InetSocketAddress localAddress;

  private UdpTransport(Connection connection, UdpInbound inbound, int sendQueue) {
    this.connection = connection;
    this.inbound = inbound;
    this.outbound = new UdpOutbound(connection.channel(), sendQueue);
    this.localAddress = (InetSocketAddress) connection.channel().localAddress();
  }

  /**
   * Socket buffers of 2 MiB, as c-toxcore sets them: Linux's default receive buffer (208 KiB) holds
   * about 90 full-size datagrams, so a burst while the engine is busy decrypting would be dropped
   * by the kernel and read as congestion. The kernel caps the value at {@code net.core.rmem_max}.
   */
  public static final int DEFAULT_SOCKET_BUFFER = 2 << 20;

  /**
   * An unbound transport on 0.0.0.0, an ephemeral port, {@link #DEFAULT_SOCKET_BUFFER} socket
   * buffers, a receive queue and a send queue of 4096 datagrams each, 2048-byte datagrams, cookie
   * requests limited to 10 per source and one more per 100 ms on {@link Schedulers#parallel()}'s
   * clock.
   *
   * @return the builder
   */
  public static Builder create() {
    return new Builder(
        new Config(
            "0.0.0.0",
            0,
            DEFAULT_SOCKET_BUFFER,
            4096,
            4096,
            2048,
            10,
            Duration.ofMillis(100),
            Schedulers.parallel()));
  }

  /**
   * Immutable: every setter returns a new builder, so one can be shared and varied. {@link #bind()}
   * opens a socket each time it is subscribed.
   */
  public static final class Builder {
    private final Config c;
    private final @Nullable LoopResources loops;

    private Builder(Config c) {
      this(c, null);
    }

    private Builder(Config c, @Nullable LoopResources loops) {
      this.c = c;
      this.loops = loops;
    }

    /**
     * The event loops the socket runs on (default: Reactor Netty's global {@code UdpResources},
     * daemon threads shared by the JVM). The caller owns {@code loops} and disposes it after the
     * transport.
     *
     * @param loops the event loops, or null for Reactor Netty's global ones
     * @return the changed builder
     */
    public Builder loopResources(@Nullable LoopResources loops) {
      return new Builder(c, loops);
    }

    /**
     * The configuration {@link #bind()} uses.
     *
     * @return the configuration
     */
    public Config configuration() {
      return c;
    }

    /** A new builder with one change applied to a copy of the configuration (checked again). */
    private Builder with(Consumer<Draft> change) {
      Draft d = new Draft(c);
      change.accept(d);
      return new Builder(d.build(), loops);
    }

    /**
     * Local address to bind, e.g. "127.0.0.1", "0.0.0.0", "::".
     *
     * @param host a literal address (no DNS lookup is wanted here)
     * @return a new builder with this change
     */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host is null");
      return with(d -> d.host = host);
    }

    /**
     * Local port; 0 picks a free one (see {@link UdpTransport#localAddress()}).
     *
     * @param port 0..65535
     * @return a new builder with this change
     */
    public Builder port(int port) {
      return with(d -> d.port = port);
    }

    /**
     * The socket buffers (SO_RCVBUF and SO_SNDBUF) in bytes; 0 keeps the operating system's.
     *
     * @param bytes at least 0
     * @return a new builder with this change
     */
    public Builder receiveBuffer(int bytes) {
      return with(d -> d.receiveBufferBytes = bytes);
    }

    /**
     * How many datagrams wait for a slow subscriber before further ones are dropped.
     *
     * @param datagrams at least 1
     * @return a new builder with this change
     */
    public Builder receiveQueue(int datagrams) {
      return with(d -> d.receiveQueue = datagrams);
    }

    /**
     * How many datagrams handed to {@link UdpTransport#offer} or {@link UdpTransport#send} on other
     * threads than the socket's event loop may wait for its next batch (default 4096, rounded up to
     * a power of two); beyond that {@code offer} refuses and counts ({@link
     * UdpTransport#refusedOutbound()}) and {@code send} errors.
     *
     * @param datagrams 4..1048576
     * @return a new builder with this change
     */
    public Builder sendQueue(int datagrams) {
      return with(d -> d.sendQueue = datagrams);
    }

    /**
     * Inbound datagrams longer than this are dropped and counted (default 2048).
     *
     * @param bytes 1..65535
     * @return a new builder with this change
     */
    public Builder maxDatagramSize(int bytes) {
      return with(d -> d.maxDatagramSize = bytes);
    }

    /**
     * Cookie requests per source IP: {@code burst} at once, one more per {@code refill}.
     *
     * @param burst cookie requests at once, at least 1
     * @param refill time for one more, positive
     * @return a new builder with this change
     */
    public Builder cookieRequestLimit(int burst, Duration refill) {
      return with(
          d -> {
            d.cookieBurst = burst;
            d.cookieRefill = refill;
          });
    }

    /**
     * The clock of the cookie request limiter (virtual time in tests).
     *
     * @param scheduler the limiter's clock
     * @return a new builder with this change
     */
    public Builder scheduler(Scheduler scheduler) {
      Objects.requireNonNull(scheduler, "scheduler is null");
      return with(d -> d.scheduler = scheduler);
    }

    /**
     * Binds a new socket when subscribed; errors with the bind failure.
     *
     * @return the bound transport
     */
    public Mono<UdpTransport> bind() {
      Config config = c;
      LoopResources runOn = loops;
      return Mono.defer(
          () -> {
            UdpInbound inbound =
                new UdpInbound(
                    config.maxDatagramSize,
                    config.receiveQueue,
                    new RateLimiter<>(
                        config.cookieBurst,
                        config.cookieRefill,
                        MAX_RATE_LIMITED_SOURCES,
                        config.scheduler));
            UdpServer server =
                UdpServer.create()
                    .host(config.host)
                    .port(config.port)
                    // One byte more than allowed, so that a longer datagram is seen (truncated)
                    // and dropped rather than silently cut to size.
                    .option(
                        ChannelOption.RECVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(config.maxDatagramSize + 1))
                    .doOnBound(
                        connection -> {
                          // Before Reactor Netty's bridge, which then never sees a datagram.
                          connection.addHandlerLast(INBOUND_HANDLER, inbound);
                          // Reactor Netty reads only on demand of its own inbound, which nobody
                          // subscribes; nothing has been read yet.
                          connection.channel().config().setAutoRead(true);
                        });
            if (runOn != null) {
              server = server.runOn(runOn);
            }
            if (config.receiveBufferBytes > 0) {
              server =
                  server
                      .option(ChannelOption.SO_RCVBUF, config.receiveBufferBytes)
                      .option(ChannelOption.SO_SNDBUF, config.receiveBufferBytes);
            }
            return server
                .bind()
                .map(connection -> new UdpTransport(connection, inbound, config.sendQueue));
          });
    }

    /**
     * {@link #bind()} and wait up to 10 s.
     *
     * @return the bound transport
     * @throws IllegalStateException if it is not bound within 10 s
     */
    public UdpTransport bindNow() {
      return bindNow(Duration.ofSeconds(10));
    }

    /**
     * {@link #bind()} and wait up to {@code timeout}.
     *
     * @param timeout how long to wait at most
     * @return the bound transport
     * @throws IllegalStateException if it is not bound in time
     */
    public UdpTransport bindNow(Duration timeout) {
      UdpTransport t = bind().block(timeout);
      if (t == null) {
        throw new IllegalStateException("bind completed without a transport");
      }
      return t;
    }
  }

  /**
   * The bound address; its port is the real one when bound with port 0.
   *
   * @return the local address
   */
  public InetSocketAddress localAddress() {
    return localAddress;
  }

  /**
   * Inbound datagrams, each a copy with the sender's address as its {@link Path.Udp}. One
   * subscriber at a time: a second concurrent one gets an {@link IllegalStateException}; after a
   * cancel another may subscribe. Completes when the transport is disposed.
   */
  @Override
  public Flux<Datagram> receive() {
    return inbound.receive();
  }

  /**
   * As {@link #receive()}, but a data packet (0x1B) arrives in an array lent from this transport's
   * {@link org.toxreactive.core.BytesPool} (up to 1,024 free arrays of the largest data packet,
   * 1,400 bytes, made on first use) instead of a new one: the subscriber releases it with {@link
   * org.toxreactive.core.BytesPool#release} once read. Other packets are copies as in {@link
   * #receive()}. The same one-subscriber rule.
   */
  @Override
  public Flux<Datagram> receiveLeased() {
    return inbound.receiveLeased();
  }

  /**
   * Copies {@code data} into a new buffer that the channel owns and releases, and queues it for the
   * event loop's next batch like {@link #offer(Path, Bytes)} (so a thread's sends and offers keep
   * their order). Completes when the datagram is written to the socket; errors with {@link
   * IllegalArgumentException} for a path other than a resolved {@link Path.Udp} of a family this
   * socket can reach, or for more than {@link #MAX_PACKET_SIZE} bytes, with {@link
   * IllegalStateException} once disposed or while the send queue is full, and with the channel's
   * error otherwise.
   */
  @Override
  public Mono<Void> send(Path path, Bytes data) {
    return Mono.defer(
        () -> {
          Objects.requireNonNull(path, "path");
          Objects.requireNonNull(data, "data");
          if (!serves(path)) {
            return Mono.error(
                new IllegalArgumentException(
                    "UDP transport on " + localAddress + " cannot reach " + path));
          }
          if (data.length() > MAX_PACKET_SIZE) {
            return Mono.error(
                new IllegalArgumentException(
                    "packet of " + data.length() + " bytes exceeds " + MAX_PACKET_SIZE));
          }
          InetSocketAddress to = ((Path.Udp) path).address();
          return Mono.<Void>create(sink -> send(to, data, sink));
        });
  }

  private void send(InetSocketAddress to, Bytes data, MonoSink<Void> sink) {
    Channel channel = connection.channel();
    if (!channel.isActive()) {
      sink.error(new IllegalStateException(this + " is disposed"));
      return;
    }
    DatagramPacket packet;
    try {
      packet = copy(channel, to, data);
    } catch (RuntimeException e) {
      sink.error(e);
      return;
    }
    outbound.send(packet, sink);
  }

  /**
   * As {@link #send}, without the Mono: the datagram is copied into a buffer the channel owns and
   * queued for the event loop, which writes every queued datagram and flushes once per batch
   * (epoll: one {@code sendmmsg}); a failure of the socket counts in {@link #sendFailures()}.
   * Returns false for what {@link #send} refuses, once disposed, and while the send queue is full
   * ({@link Builder#sendQueue(int)}, counted in {@link #refusedOutbound()}). Called on the socket's
   * event loop, it writes at once and flushes at the end of the loop's turn.
   */
  @Override
  public boolean offer(Path path, Bytes data) {
    if (path == null || data == null || data.length() > MAX_PACKET_SIZE || !serves(path)) {
      return false;
    }
    Channel channel = connection.channel();
    if (!channel.isActive()) {
      return false;
    }
    DatagramPacket packet;
    try {
      packet = copy(channel, ((Path.Udp) path).address(), data);
    } catch (RuntimeException e) {
      return false;
    }
    return outbound.offer(packet);
  }

  /**
   * As {@link #offer(Path, Bytes)}, of {@code length} bytes of {@code packet} from {@code offset}:
   * copied into a pooled direct buffer before this returns, so the caller keeps its array (no
   * {@link Bytes} in between).
   */
  @Override
  public boolean offer(Path path, byte[] packet, int offset, int length) {
    if (path == null
        || packet == null
        || offset < 0
        || length < 0
        || length > packet.length - offset
        || length > MAX_PACKET_SIZE
        || !serves(path)) {
      return false;
    }
    Channel channel = connection.channel();
    if (!channel.isActive()) {
      return false;
    }
    ByteBuf buf = channel.alloc().directBuffer(length);
    DatagramPacket datagram;
    try {
      buf.writeBytes(packet, offset, length);
      datagram = new DatagramPacket(buf, ((Path.Udp) path).address());
    } catch (RuntimeException e) {
      buf.release();
      return false;
    }
    return outbound.offer(datagram);
  }

  /** Arrays {@link #receiveLeased()}'s pool has made so far: steady once arrays are reused. */
  long poolArraysCreated() {
    return inbound.poolArraysCreated();
  }

  /** The socket's channel, for tests. */
  Channel channel() {
    return connection.channel();
  }

  /**
   * Copies {@code data} into a new direct buffer addressed to {@code to}; the caller owns the
   * packet (and hands it to {@link UdpOutbound}, which owns it from then on).
   */
  private static DatagramPacket copy(Channel channel, InetSocketAddress to, Bytes data) {
    ByteBuf buf = channel.alloc().directBuffer(data.length());
    try {
      data.writeTo(buf);
      return new DatagramPacket(buf, to);
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
  }

  /**
   * Datagrams {@link #offer}ed that the socket failed to send, including those still queued when
   * the transport was disposed.
   *
   * @return the count so far
   */
  public long sendFailures() {
    return outbound.failures();
  }

  /**
   * Datagrams {@link #offer}ed (or {@link #send sent}) while the send queue was full: refused,
   * never queued.
   *
   * @return the count so far
   */
  public long refusedOutbound() {
    return outbound.refused();
  }

  /** A resolved {@link Path.Udp}, IPv4 unless this socket is bound to IPv6. */
  @Override
  public boolean serves(Path path) {
    if (!(path instanceof Path.Udp)) {
      return false;
    }
    InetSocketAddress to = ((Path.Udp) path).address();
    if (to.isUnresolved()) {
      return false;
    }
    InetAddress local = localAddress.getAddress();
    return !(local instanceof Inet4Address) || to.getAddress() instanceof Inet4Address;
  }

  /** {@value #MAX_PACKET_SIZE}. */
  @Override
  public int maxPacketSize() {
    return MAX_PACKET_SIZE;
  }

  /**
   * Datagrams dropped because the subscriber was slow or absent.
   *
   * @return the count so far
   */
  public long droppedInbound() {
    return inbound.dropped();
  }

  /**
   * Cookie requests dropped by the per-source token bucket.
   *
   * @return the count so far
   */
  public long rateLimited() {
    return inbound.rateLimited();
  }

  /**
   * Datagrams dropped for being longer than the configured maximum.
   *
   * @return the count so far
   */
  public long oversizeInbound() {
    return inbound.oversize();
  }

  /** Closes the socket; {@link #receive()} then completes. */
  @Override
  public void dispose() {
    connection.dispose();
  }

  /**
   * {@link #dispose()} and wait up to {@code timeout} for the socket to close.
   *
   * @param timeout how long to wait at most
   */
  public void disposeNow(Duration timeout) {
    connection.disposeNow(timeout);
  }

  @Override
  public boolean isDisposed() {
    return connection.isDisposed();
  }

  /**
   * Completes when the socket is closed.
   *
   * @return completes when the socket is closed
   */
  public Mono<Void> onDispose() {
    return connection.onDispose();
  }

  @Override
  public String toString() {
    return "UdpTransport[" + localAddress + "]";
  }
}
