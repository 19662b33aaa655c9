package org.toxreactive.transport.tcp;

import io.netty.handler.flush.FlushConsolidationHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.KeyPair;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpClient;
import reactor.netty.transport.ProxyProvider;
import reactor.util.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;

/**
 * Connects to a Tox TCP relay (ours, tox-bootstrapd, or any c-toxcore relay). Immutable: every
 * setter returns a new client.
 *
 * <pre>{@code
 * RelayClient client = RelayClient.create(RelayAddress.parse("127.0.0.1:33445:KEY"), dhtKeys)
 *     .proxy(RelayProxy.socks5("127.0.0.1", 1080));      // optional
 * Mono<RelayConnection> once = client.connect();          // one link
 * Flux<RelayConnection> forever = client.connectForever(); // a new link after each loss, with backoff
 * }</pre>
 *
 * <p>The handshake must complete within {@link RelayProtocol#CONNECTION_TIMEOUT} (10 s) of the
 * connect attempt, proxy negotiation included. The link then pings first and every 30 s and closes
 * when a pong is 10 s late. All timers run on {@link #scheduler(Scheduler)}.
 */
public final class RelayClient {
  /** Read-only configuration of a client. */
  public record Config(
      RelayAddress address,
      KeyPair keys,
      @Nullable RelayProxy proxy,
      Duration handshakeTimeout,
      Duration pingInterval,
      Duration pingTimeout,
      Retry reconnect,
      Scheduler scheduler,
      @Nullable InetSocketAddress localAddress) {}

  private final Config config;
  private final @Nullable LoopResources loops;
  private final @Nullable PayloadLender lender;

  private RelayClient(
      Config config, @Nullable LoopResources loops, @Nullable PayloadLender lender) {
    this.config = config;
    this.loops = loops;
    this.lender = lender;
  }

  /**
   * @param address the relay's host, port and public key
   * @param dhtKeys our DHT key pair: our identity towards relays and routed peers
   * @return a client with the defaults
   */
  public static RelayClient create(RelayAddress address, KeyPair dhtKeys) {
    return new RelayClient(
        new Config(
            Objects.requireNonNull(address, "address is null"),
            Objects.requireNonNull(dhtKeys, "dhtKeys is null"),
            null,
            RelayProtocol.CONNECTION_TIMEOUT,
            RelayProtocol.PING_INTERVAL,
            RelayProtocol.PING_TIMEOUT,
            defaultReconnect(),
            Schedulers.parallel(),
            null),
        null,
        null);
  }

  /**
   * Exponential backoff from 1 s to 60 s with jitter, forever, reset after each good link.
   *
   * @return the policy
   */
  public static Retry defaultReconnect() {
    return Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1))
        .maxBackoff(Duration.ofSeconds(60))
        .jitter(0.5)
        .transientErrors(true);
  }

  /**
   * The configuration links are made with.
   *
   * @return the configuration
   */
  public Config configuration() {
    return config;
  }

  /**
   * Goes through an HTTP CONNECT or SOCKS5 proxy; null for a direct connection.
   *
   * @param proxy the proxy, or null
   * @return a new client with this change
   */
  public RelayClient proxy(@Nullable RelayProxy proxy) {
    return with(d -> d.proxy = proxy);
  }

  /**
   * Deadline from connect to an accepted server response (default 10 s, as c-toxcore).
   *
   * @param timeout positive
   * @return a new client with this change
   */
  public RelayClient handshakeTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout is null");
    return with(d -> d.handshakeTimeout = positive(timeout));
  }

  /**
   * Keepalive ping interval and pong deadline (defaults 30 s and 10 s, as c-toxcore).
   *
   * @param interval between pings, positive
   * @param timeout for the pong, positive
   * @return a new client with this change
   */
  public RelayClient keepalive(Duration interval, Duration timeout) {
    return with(
        d -> {
          d.pingInterval = positive(interval);
          d.pingTimeout = positive(timeout);
        });
  }

  /**
   * The backoff policy of {@link #connectForever()}.
   *
   * @param policy the backoff
   * @return a new client with this change
   */
  public RelayClient reconnect(Retry policy) {
    Objects.requireNonNull(policy, "policy is null");
    return with(d -> d.reconnect = policy);
  }

  /**
   * Where timers run: handshake deadline, pings, pong deadline, reconnect backoff.
   *
   * @param scheduler the timers' scheduler
   * @return a new client with this change
   */
  public RelayClient scheduler(Scheduler scheduler) {
    Objects.requireNonNull(scheduler, "scheduler is null");
    return with(d -> d.scheduler = scheduler);
  }

  /**
   * Binds the local end of the TCP connection (to the proxy, if any) to {@code local} before
   * connecting, e.g. {@code new InetSocketAddress("127.0.0.2", 0)} to pick a source address; null
   * (the default) lets the OS choose.
   *
   * @param local the local address, or null
   * @return a new client with this change
   */
  public RelayClient localAddress(@Nullable InetSocketAddress local) {
    return with(d -> d.localAddress = local);
  }

  /** A new client whose configuration is this one's with {@code change} applied. */
  private RelayClient with(Consumer<Draft> change) {
    Draft d = new Draft(config);
    change.accept(d);
    return new RelayClient(d.build(), loops, lender);
  }

  /**
   * The event loops the links run on (default: Reactor Netty's global {@code TcpResources}, daemon
   * threads shared by the JVM). The caller owns {@code loops} and disposes it after the links.
   *
   * @param loops the event loops, or null for Reactor Netty's global ones
   * @return the changed client
   */
  public RelayClient loopResources(@Nullable LoopResources loops) {
    return new RelayClient(config, loops, lender);
  }

  /**
   * A relay pool's links: routed net_crypto data packets are decoded with their payloads lent by
   * {@code lender} while it lends (see {@link PayloadLender}), instead of copied.
   */
  RelayClient lendPayloads(@Nullable PayloadLender lender) {
    return new RelayClient(config, loops, lender);
  }

  /** A configuration being changed by one setter. */
  private static final class Draft {
    RelayAddress address;
    KeyPair keys;
    @Nullable RelayProxy proxy;
    Duration handshakeTimeout;
    Duration pingInterval;
    Duration pingTimeout;
    Retry reconnect;
    Scheduler scheduler;
    @Nullable InetSocketAddress localAddress;

    Draft(Config c) {
      address = c.address();
      keys = c.keys();
      proxy = c.proxy();
      handshakeTimeout = c.handshakeTimeout();
      pingInterval = c.pingInterval();
      pingTimeout = c.pingTimeout();
      reconnect = c.reconnect();
      scheduler = c.scheduler();
      localAddress = c.localAddress();
    }

    Config build() {
      return new Config(
          address,
          keys,
          proxy,
          handshakeTimeout,
          pingInterval,
          pingTimeout,
          reconnect,
          scheduler,
          localAddress);
    }
  }

  private static Duration positive(Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("duration must be positive: " + d);
    }
    return d;
  }

  /**
   * Opens one link: TCP connect (through the proxy if any), handshake, first ping. Errors with
   * {@link HandshakeException} on a wrong relay key or a silent relay, or with the I/O error.
   *
   * @return the link once its handshake is done
   */
  public Mono<RelayConnection> connect() {
    RelayAddress address = config.address;
    return Mono.defer(
            () -> {
              // A cancel while the TCP connect is under way: Reactor Netty may still complete the
              // connect and hand the channel to nobody; close the channel then (seen in tests: the
              // link stayed open until the relay closed it).
              AtomicReference<io.netty.channel.@Nullable Channel> made = new AtomicReference<>();
              AtomicBoolean cancelled = new AtomicBoolean();
              return tcpClient()
                  .doOnChannelInit(
                      (observer, channel, remote) -> {
                        made.set(channel);
                        if (cancelled.get()) {
                          channel.close();
                        }
                      })
                  .connect()
                  .flatMap(this::handshake)
                  .doOnCancel(
                      () -> {
                        cancelled.set(true);
                        io.netty.channel.Channel c = made.get();
                        if (c != null) {
                          c.close();
                        }
                      });
            })
        .timeout(
            config.handshakeTimeout,
            Mono.error(
                () ->
                    new HandshakeException(
                        "no handshake with relay "
                            + address.hostPort()
                            + " within "
                            + config.handshakeTimeout.toMillis()
                            + " ms")),
            config.scheduler);
  }

  /**
   * {@link #connect()} and wait (at most the handshake timeout plus a margin).
   *
   * @return the link
   * @throws IllegalStateException if it is not up in time
   */
  public RelayConnection connectNow() {
    return Objects.requireNonNull(
        connect().block(config.handshakeTimeout.plusSeconds(5)), "relay link completed empty");
  }

  /**
   * Keeps a link up: emits a new {@link RelayConnection} each time one is established, reconnecting
   * after a failure or loss with the {@link #reconnect(Retry)} policy. Cancel to stop; the current
   * link is then closed.
   *
   * @return each new link as it comes up
   */
  public Flux<RelayConnection> connectForever() {
    return connect()
        .flatMapMany(
            c ->
                Flux.just(c)
                    .concatWith(
                        c.onDispose()
                            .then(
                                Mono.error(
                                    () -> new RelayProtocolException("relay link lost: " + c))))
                    .doOnCancel(c::dispose))
        .retryWhen(withScheduler(config.reconnect));
  }

  /** Backoff delays run on the client's scheduler too, so virtual time drives reconnects. */
  private Retry withScheduler(Retry policy) {
    return policy instanceof RetryBackoffSpec
        ? ((RetryBackoffSpec) policy).scheduler(config.scheduler)
        : policy;
  }

  private Mono<RelayConnection> handshake(Connection conn) {
    RelayConnection relay = new RelayConnection(conn.channel(), config.address, config);
    conn.addHandlerLast("tox.relay.session", relay.sessionHandler());
    // Sends arrive one task per packet from other threads; consolidating their flushes into one per
    // drained run of tasks turns a burst of packets into one write system call.
    conn.channel()
        .pipeline()
        .addFirst("tox.relay.flush", new FlushConsolidationHandler(256, true))
        .addBefore(
            "tox.relay.session",
            "tox.relay.handshake",
            new ClientHandshakeHandler(
                new ClientHandshake(config.keys, config.address.publicKey()), lender));
    // Reactor Netty reads on demand of inbound(); our handlers consume everything themselves, so
    // the link reads continuously (relayed data is bounded by the event buffer, see
    // RelayConnection).
    conn.channel().config().setAutoRead(true);
    return relay.whenReady().doOnCancel(conn::dispose);
  }

  private TcpClient tcpClient() {
    TcpClient tcp =
        TcpClient.create()
            .host(config.address.host())
            .port(config.address.port())
            .option(io.netty.channel.ChannelOption.TCP_NODELAY, true);
    if (loops != null) {
      tcp = tcp.runOn(loops);
    }
    InetSocketAddress local = config.localAddress;
    if (local != null) {
      tcp = tcp.bindAddress(() -> local);
    }
    RelayProxy proxy = config.proxy;
    if (proxy != null) {
      tcp =
          tcp.proxy(
              spec ->
                  spec.type(
                          proxy.type() == RelayProxy.Type.HTTP
                              ? ProxyProvider.Proxy.HTTP
                              : ProxyProvider.Proxy.SOCKS5)
                      .host(proxy.host())
                      .port(proxy.port())
                      .connectTimeoutMillis(config.handshakeTimeout.toMillis()));
    }
    return tcp;
  }
}
