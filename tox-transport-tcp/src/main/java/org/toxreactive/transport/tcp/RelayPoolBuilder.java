package org.toxreactive.transport.tcp;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.KeyPair;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.resources.LoopResources;
import reactor.util.retry.Retry;

/**
 * How to build a {@link RelayPool}, from {@link RelayPool#create}. Immutable: every setter returns
 * a new builder (a copy of its {@link RelayPoolConfig} with one change), so one can be shared and
 * varied; each terminal call starts a new pool.
 *
 * <pre>{@code
 * RelayPoolBuilder base = RelayPool.create(dhtKeys).relays(List.of(a, b, c, d));
 * RelayPool pool = base.active(2).proxy(RelayProxy.socks5("127.0.0.1", 1080)).connectNow();
 * }</pre>
 *
 * <p><b>Terminal calls.</b> A pool is ready when the link to one of its relays is up ({@link
 * RelayPool#ready()}): then it can send. {@link #connect()} and {@link #connectNow()} hand the pool
 * over when it is ready, and fail with a one-line {@link RelayLinkDownException} when it cannot be
 * (every relay's reconnect policy gave up before any link came up, or the time ran out) after
 * disposing the pool. {@link #connectInBackground()} hands it over at once, links coming up behind
 * it: for a node that must start while its relays are away (a relay pool is one transport among
 * several), which then reads {@link RelayPool#ready()} if it cares.
 */
public final class RelayPoolBuilder {
  /** Relays connected at once unless told otherwise (c-toxcore's RECOMMENDED_..._CONNECTIONS). */
  public static final int DEFAULT_ACTIVE = 3;

  /** Inbound packets queued for a slow subscriber of {@link RelayPool#receive()} by default. */
  public static final int DEFAULT_RECEIVE_QUEUE = 4096;

  /** How long {@link #connectNow()} waits for the first link. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private final RelayPoolConfig c;
  private final @Nullable LoopResources loops;

  private RelayPoolBuilder(RelayPoolConfig c, @Nullable LoopResources loops) {
    this.c = c;
    this.loops = loops;
  }

  private RelayPoolBuilder with(Consumer<Draft> change) {
    Draft d = new Draft(c);
    change.accept(d);
    return new RelayPoolBuilder(d.build(), loops);
  }

  /** A configuration being changed by one setter. */
  private static final class Draft {
    final KeyPair keys;
    List<RelayAddress> relays;
    int active;
    Retry reconnect;
    Scheduler scheduler;
    @Nullable RelayProxy proxy;
    int receiveQueue;

    Draft(RelayPoolConfig c) {
      keys = c.keys();
      relays = c.relays();
      active = c.active();
      reconnect = c.reconnect();
      scheduler = c.scheduler();
      proxy = c.proxy();
      receiveQueue = c.receiveQueue();
    }

    RelayPoolConfig build() {
      return new RelayPoolConfig(keys, relays, active, reconnect, scheduler, proxy, receiveQueue);
    }
  }

  /**
   * The event loops every link runs on (default: Reactor Netty's global {@code TcpResources},
   * daemon threads shared by the JVM). The caller owns {@code loops} and disposes it after the
   * pool.
   *
   * @param loops the event loops, or null for Reactor Netty's global ones
   * @return the changed builder
   */
  public RelayPoolBuilder loopResources(@Nullable LoopResources loops) {
    return new RelayPoolBuilder(c, loops);
  }

  static RelayPoolBuilder create(KeyPair dhtKeys) {
    return new RelayPoolBuilder(
        new RelayPoolConfig(
            dhtKeys,
            List.of(),
            DEFAULT_ACTIVE,
            RelayClient.defaultReconnect(),
            Schedulers.parallel(),
            null,
            DEFAULT_RECEIVE_QUEUE),
        null);
  }

  /**
   * The configuration the terminal calls use.
   *
   * @return the configuration
   */
  public RelayPoolConfig configuration() {
    return c;
  }

  /**
   * Every relay, preferred first; relay keys must differ.
   *
   * @param relays the relays
   * @return a new builder with this change
   */
  public RelayPoolBuilder relays(List<RelayAddress> relays) {
    return with(d -> d.relays = relays);
  }

  /**
   * How many relays are connected at once (default 3); the rest wait as spares.
   *
   * @param active at least 1
   * @return a new builder with this change
   */
  public RelayPoolBuilder active(int active) {
    return with(d -> d.active = active);
  }

  /**
   * Backoff between link attempts to one relay (default {@link RelayClient#defaultReconnect()}:
   * forever). A finite policy that gives up turns the relay into the last spare.
   *
   * @param policy the backoff
   * @return a new builder with this change
   */
  public RelayPoolBuilder reconnect(Retry policy) {
    return with(d -> d.reconnect = policy);
  }

  /**
   * Where the links' timers run (virtual time in tests).
   *
   * @param scheduler the links' timers
   * @return a new builder with this change
   */
  public RelayPoolBuilder scheduler(Scheduler scheduler) {
    return with(d -> d.scheduler = scheduler);
  }

  /**
   * Connects every relay through this proxy; null for direct links.
   *
   * @param proxy the proxy, or null
   * @return a new builder with this change
   */
  public RelayPoolBuilder proxy(@Nullable RelayProxy proxy) {
    return with(d -> d.proxy = proxy);
  }

  /**
   * Inbound packets queued for a slow subscriber before dropping (default 4096).
   *
   * @param packets at least 1
   * @return a new builder with this change
   */
  public RelayPoolBuilder receiveQueue(int packets) {
    return with(d -> d.receiveQueue = packets);
  }

  /**
   * Starts a pool, lazily: on subscription connects the first {@link RelayPoolConfig#active()}
   * relays and emits the pool once it is ready (the link to one relay is up). Errors with {@link
   * RelayLinkDownException} if every relay's reconnect policy gives up before that (never with the
   * default policy, which retries forever: bound the wait with {@code timeout}, as {@link
   * #connectNow(Duration)} does), and with {@link IllegalStateException} if no relay is configured.
   * On an error or a cancel the pool is disposed.
   *
   * @return the pool, once it can send
   */
  public Mono<RelayPool> connect() {
    return Mono.defer(
        () -> {
          if (c.relays().isEmpty()) {
            return Mono.error(new IllegalStateException("a relay pool needs at least one relay"));
          }
          RelayPool pool = connectInBackground();
          return pool.ready()
              .thenReturn(pool)
              .doOnError(e -> pool.dispose())
              .doOnCancel(pool::dispose);
        });
  }

  /**
   * {@link #connect()} and wait at most {@link #DEFAULT_CONNECT_TIMEOUT}.
   *
   * @return the ready pool
   * @throws RelayLinkDownException if no link came up in time (the pool is then disposed)
   */
  public RelayPool connectNow() {
    return connectNow(DEFAULT_CONNECT_TIMEOUT);
  }

  /**
   * {@link #connect()} and wait at most {@code timeout} (real time).
   *
   * @param timeout how long the first link may take, positive
   * @return the ready pool
   * @throws RelayLinkDownException if no link came up in time (the pool is then disposed)
   */
  public RelayPool connectNow(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    RelayPool pool =
        connect()
            .timeout(
                timeout,
                Mono.error(
                    () ->
                        new RelayLinkDownException(
                            "no link to any of "
                                + c.relays().size()
                                + " relays came up within "
                                + timeout.toMillis()
                                + " ms")))
            .block();
    return Objects.requireNonNull(pool, "pool");
  }

  /**
   * Starts a pool and returns it at once; its first {@link RelayPoolConfig#active()} links come up
   * in the background ({@link RelayPool#ready()} says when one is). For a pool that must not hold
   * up its owner while relays are away. With no relays configured the pool starts empty and {@link
   * RelayPool#addRelay} fills it (its {@link RelayPool#ready()} then waits for the first added
   * relay's link).
   *
   * @return the started pool
   * @throws IllegalStateException if no relay is configured
   */
  public RelayPool connectInBackground() {
    return new RelayPool(c, loops).startLinks();
  }
}
