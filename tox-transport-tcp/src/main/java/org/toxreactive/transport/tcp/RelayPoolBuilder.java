package org.toxreactive.transport.tcp;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.KeyPair;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.resources.LoopResources;
import reactor.util.retry.Retry;

/**
 * How to build a {@link RelayPool}, from {@link RelayPool#create}. Immutable: every setter returns
 * a new builder, so one can be shared and varied; {@link #start()} starts a new pool each time.
 *
 * <pre>{@code
 * RelayPoolBuilder base = RelayPool.create(dhtKeys).relays(List.of(a, b, c, d));
 * RelayPool pool = base.active(2).proxy(RelayProxy.socks5("127.0.0.1", 1080)).start();
 * }</pre>
 */
public final class RelayPoolBuilder {
  /** Relays connected at once unless told otherwise (c-toxcore's RECOMMENDED_..._CONNECTIONS). */
  public static final int DEFAULT_ACTIVE = 3;

  /** Inbound packets queued for a slow subscriber of {@link RelayPool#receive()} by default. */
  public static final int DEFAULT_RECEIVE_QUEUE = 4096;

  /**
   * Read-only configuration of a pool.
   *
   * @param keys our DHT key pair
   * @param relays every relay, in order of preference; the first {@code active} are connected
   * @param active how many relays are connected at once; the others are spares
   * @param reconnect backoff between link attempts to one relay (see {@link RelayClient#reconnect})
   * @param scheduler timers of every link: handshake deadline, keepalive, reconnect backoff
   * @param proxy HTTP CONNECT or SOCKS5 proxy for every link, or null for direct links
   * @param receiveQueue inbound packets queued for a slow subscriber before dropping
   */
  public record Config(
      KeyPair keys,
      List<RelayAddress> relays,
      int active,
      Retry reconnect,
      Scheduler scheduler,
      @Nullable RelayProxy proxy,
      int receiveQueue) {
    /**
     * Checks the values; the exception names the one that is wrong.
     *
     * @param keys our DHT key pair
     * @param relays every relay, preferred first
     * @param active relays connected at once
     * @param reconnect backoff between link attempts
     * @param scheduler timers of every link
     * @param proxy proxy for every link, or null
     * @param receiveQueue inbound packets queued for a slow subscriber
     */
    public Config {
      Objects.requireNonNull(keys, "keys");
      relays = List.copyOf(relays);
      Objects.requireNonNull(reconnect, "reconnect");
      Objects.requireNonNull(scheduler, "scheduler");
      Set<Object> seen = new HashSet<>();
      for (RelayAddress r : relays) {
        if (!seen.add(r.publicKey())) {
          throw new IllegalArgumentException("relay key listed twice: " + r.publicKey());
        }
      }
      if (active < 1) {
        throw new IllegalArgumentException("active must be >= 1, got " + active);
      }
      if (receiveQueue < 1) {
        throw new IllegalArgumentException("receiveQueue must be >= 1, got " + receiveQueue);
      }
    }
  }

  private final Config c;
  private final LoopResources loops;

  private RelayPoolBuilder(Config c, LoopResources loops) {
    this.c = c;
    this.loops = loops;
  }

  private RelayPoolBuilder with(Config changed) {
    return new RelayPoolBuilder(changed, loops);
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
        new Config(
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
   * The configuration {@link #start()} uses.
   *
   * @return the configuration
   */
  public Config configuration() {
    return c;
  }

  /**
   * Every relay, preferred first; relay keys must differ.
   *
   * @param relays the relays
   * @return a new builder with this change
   */
  public RelayPoolBuilder relays(List<RelayAddress> relays) {
    return with(
        new Config(c.keys, relays, c.active, c.reconnect, c.scheduler, c.proxy, c.receiveQueue));
  }

  /**
   * How many relays are connected at once (default 3); the rest wait as spares.
   *
   * @param active at least 1
   * @return a new builder with this change
   */
  public RelayPoolBuilder active(int active) {
    return with(
        new Config(c.keys, c.relays, active, c.reconnect, c.scheduler, c.proxy, c.receiveQueue));
  }

  /**
   * Backoff between link attempts to one relay (default {@link RelayClient#defaultReconnect()}:
   * forever). A finite policy that gives up turns the relay into the last spare.
   *
   * @param policy the backoff
   * @return a new builder with this change
   */
  public RelayPoolBuilder reconnect(Retry policy) {
    return with(
        new Config(c.keys, c.relays, c.active, policy, c.scheduler, c.proxy, c.receiveQueue));
  }

  /**
   * Where the links' timers run (virtual time in tests).
   *
   * @param scheduler the links' timers
   * @return a new builder with this change
   */
  public RelayPoolBuilder scheduler(Scheduler scheduler) {
    return with(
        new Config(c.keys, c.relays, c.active, c.reconnect, scheduler, c.proxy, c.receiveQueue));
  }

  /**
   * Connects every relay through this proxy; null for direct links.
   *
   * @param proxy the proxy, or null
   * @return a new builder with this change
   */
  public RelayPoolBuilder proxy(@Nullable RelayProxy proxy) {
    return with(
        new Config(c.keys, c.relays, c.active, c.reconnect, c.scheduler, proxy, c.receiveQueue));
  }

  /**
   * Inbound packets queued for a slow subscriber before dropping (default 4096).
   *
   * @param packets at least 1
   * @return a new builder with this change
   */
  public RelayPoolBuilder receiveQueue(int packets) {
    return with(new Config(c.keys, c.relays, c.active, c.reconnect, c.scheduler, c.proxy, packets));
  }

  /**
   * Starts a pool: connects the first {@link Config#active()} relays in the background and returns
   * at once. With no relays configured the pool starts empty and {@link RelayPool#addRelay} fills
   * it (its {@link RelayPool#ready()} then waits for the first added relay's link).
   *
   * @return the started pool
   */
  public RelayPool start() {
    return new RelayPool(c, loops).startLinks();
  }
}
