package org.toxreactive.netcrypto;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.netcrypto.packet.PacketRing;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Configuration of a net_crypto node: our keys, the transports packets travel on, who may connect
 * to us, and the limits that keep it responsive when strangers flood it. Immutable: each setter
 * returns a new value (a copy of its {@link Config} with one change); {@link #bindNow()} (or {@link
 * #bind()}) starts a node on the transports.
 *
 * <pre>{@code
 * NetCryptoNode node = NetCrypto.create(realKeys, dhtKeys)
 *     .transport(UdpTransport.create().port(33445).bindNow())
 *     .acceptor(peer -> friends.contains(peer.realKey()))
 *     .bindNow();
 * node.incoming().subscribe(conn -> conn.lossless().subscribe(...));
 * CryptoConnection c = node.connect(friendReal, friendDht, List.of(Path.udp(addr))).block();
 * }</pre>
 *
 * <p>Limits and their defaults: {@link #keyBudget} 500 X25519 computations a second; {@link
 * #maxPendingSessions} 64; {@link #maxSessions} 1024; {@link #maxSessionsPerSource} 8; {@link
 * #receiveQueue} 8192 data and 512 control packets. Cookie requests are also limited per source (10
 * at once, one more every 100 ms, as c-toxcore limits them per IP). The caps apply to sessions
 * peers open to us; {@link NetCryptoNode#connect} is never refused by them. What the limits drop is
 * counted in {@link NetCryptoNode#stats()}.
 */
public final class NetCrypto {
  /**
   * Lossless messages received ahead of the subscriber's demand, at most, unless told otherwise.
   */
  public static final int DEFAULT_RECEIVE_WINDOW = 4096;

  /**
   * Read-only configuration of a node ({@link NetCrypto#configuration()}).
   *
   * @param realKeys our long-term key pair
   * @param dhtKeys our DHT key pair
   * @param transports the transports, in the order they were added
   * @param acceptor which peers may open a connection to us
   * @param idleTimeout how long a session lives without hearing from its peer
   * @param keysPerSecond handshake key computations per second at most ({@link
   *     NetCrypto#keyBudget})
   * @param maxPendingSessions sessions in the handshake at once ({@link
   *     NetCrypto#maxPendingSessions})
   * @param maxSessions sessions at once ({@link NetCrypto#maxSessions})
   * @param maxSessionsPerSource sessions per source ({@link NetCrypto#maxSessionsPerSource})
   * @param dataQueue data packets queued for the engine ({@link NetCrypto#receiveQueue})
   * @param controlQueue control packets queued for the engine ({@link NetCrypto#receiveQueue})
   * @param scheduler the engine's scheduler, or null for a thread of the node's own
   * @param receiveWindow lossless messages stored ahead of the subscriber ({@link
   *     NetCrypto#receiveWindow})
   * @param publishOn where signals reach the application, or null for the engine's worker
   */
  public record Config(
      KeyPair realKeys,
      KeyPair dhtKeys,
      List<PacketTransport> transports,
      Predicate<PeerInfo> acceptor,
      Duration idleTimeout,
      int keysPerSecond,
      int maxPendingSessions,
      int maxSessions,
      int maxSessionsPerSource,
      int dataQueue,
      int controlQueue,
      @Nullable Scheduler scheduler,
      int receiveWindow,
      @Nullable Scheduler publishOn) {
    /**
     * Checks the values (the exception names the one that is wrong) and copies the transport list.
     *
     * @param realKeys our long-term key pair
     * @param dhtKeys our DHT key pair
     * @param transports the transports
     * @param acceptor the acceptor
     * @param idleTimeout the idle timeout, positive
     * @param keysPerSecond the key budget, at least 1
     * @param maxPendingSessions sessions in the handshake at once, at least 1
     * @param maxSessions sessions at once, at least 1
     * @param maxSessionsPerSource sessions per source, at least 1
     * @param dataQueue data packets queued, at least 1
     * @param controlQueue control packets queued, at least 1
     * @param scheduler the scheduler, or null
     * @param receiveWindow the receive window, 16..32768
     * @param publishOn the application's scheduler, or null
     */
    public Config {
      Objects.requireNonNull(realKeys, "realKeys is null");
      Objects.requireNonNull(dhtKeys, "dhtKeys is null");
      transports = List.copyOf(transports);
      Objects.requireNonNull(acceptor, "acceptor is null");
      Objects.requireNonNull(idleTimeout, "idle timeout is null");
      if (idleTimeout.isNegative() || idleTimeout.isZero()) {
        throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeout);
      }
      if (receiveWindow < 16 || receiveWindow > PacketRing.SIZE) {
        throw new IllegalArgumentException(
            "receive window must be 16.." + PacketRing.SIZE + " messages, got " + receiveWindow);
      }
      new Limits(
          keysPerSecond,
          maxPendingSessions,
          maxSessions,
          maxSessionsPerSource,
          dataQueue,
          controlQueue); // checks them
    }

    Limits limits() {
      return new Limits(
          keysPerSecond,
          maxPendingSessions,
          maxSessions,
          maxSessionsPerSource,
          dataQueue,
          controlQueue);
    }
  }

  /** A configuration being changed by one setter. */
  private static final class Draft {
    final KeyPair realKeys;
    final KeyPair dhtKeys;
    List<PacketTransport> transports;
    Predicate<PeerInfo> acceptor;
    Duration idleTimeout;
    int keysPerSecond;
    int maxPendingSessions;
    int maxSessions;
    int maxSessionsPerSource;
    int dataQueue;
    int controlQueue;
    @Nullable Scheduler scheduler;
    int receiveWindow;
    @Nullable Scheduler publishOn;

    Draft(Config c) {
      realKeys = c.realKeys();
      dhtKeys = c.dhtKeys();
      transports = c.transports();
      acceptor = c.acceptor();
      idleTimeout = c.idleTimeout();
      keysPerSecond = c.keysPerSecond();
      maxPendingSessions = c.maxPendingSessions();
      maxSessions = c.maxSessions();
      maxSessionsPerSource = c.maxSessionsPerSource();
      dataQueue = c.dataQueue();
      controlQueue = c.controlQueue();
      scheduler = c.scheduler();
      receiveWindow = c.receiveWindow();
      publishOn = c.publishOn();
    }

    Config build() {
      return new Config(
          realKeys,
          dhtKeys,
          transports,
          acceptor,
          idleTimeout,
          keysPerSecond,
          maxPendingSessions,
          maxSessions,
          maxSessionsPerSource,
          dataQueue,
          controlQueue,
          scheduler,
          receiveWindow,
          publishOn);
    }
  }

  private final Config c;
  private final CongestionController.Factory congestion;

  private NetCrypto(Config c, CongestionController.Factory congestion) {
    this.c = c;
    this.congestion = congestion;
  }

  private NetCrypto with(Consumer<Draft> change) {
    Draft d = new Draft(c);
    change.accept(d);
    return new NetCrypto(d.build(), congestion);
  }

  /**
   * This configuration as a read-only record; {@link #bindNow()} starts a node from it.
   *
   * @return the configuration
   */
  public Config configuration() {
    return c;
  }

  /**
   * @param realKeys our long-term key pair (the Tox ID's key)
   * @param dhtKeys our DHT key pair (what relays and cookie requests know us by)
   * @return a configuration with no transport, an acceptor that refuses everyone and the default
   *     limits
   */
  public static NetCrypto create(KeyPair realKeys, KeyPair dhtKeys) {
    Limits l = Limits.DEFAULTS;
    return new NetCrypto(
        new Config(
            Objects.requireNonNull(realKeys, "realKeys is null"),
            Objects.requireNonNull(dhtKeys, "dhtKeys is null"),
            List.of(),
            peer -> false,
            Duration.ofSeconds(32),
            l.keysPerSecond(),
            l.maxPendingSessions(),
            l.maxSessions(),
            l.maxSessionsPerSource(),
            l.dataQueue(),
            l.controlQueue(),
            null,
            DEFAULT_RECEIVE_WINDOW,
            null),
        CongestionController.DEFAULT);
  }

  /**
   * Adds a transport (UDP, relays, a simulated network).
   *
   * @param transport a transport packets can travel on
   * @return a new configuration with the transport added
   */
  public NetCrypto transport(PacketTransport transport) {
    Objects.requireNonNull(transport, "transport is null");
    return with(
        d -> {
          List<PacketTransport> t = new ArrayList<>(d.transports);
          t.add(transport);
          d.transports = t;
        });
  }

  /**
   * Decides on handshakes from peers we did not call (default: refuse all). It is asked after the
   * session caps and the key budget let the handshake through and its box opened, and before the
   * session allocates anything.
   *
   * @param acceptor true for a peer we accept; it runs on the node's thread and must not block
   * @return a new configuration with this acceptor
   */
  public NetCrypto acceptor(Predicate<PeerInfo> acceptor) {
    return with(d -> d.acceptor = acceptor);
  }

  /**
   * A connection whose peer sends nothing for this long ends with an error (default 32 s).
   *
   * @param timeout how long a silent peer is waited for, positive
   * @return a new configuration with this change
   */
  public NetCrypto idleTimeout(Duration timeout) {
    return with(d -> d.idleTimeout = timeout);
  }

  /**
   * The budget of X25519 computations a second that strangers can make us do (default 500): cookie
   * requests whose DHT key's shared key is not cached (one each) and handshakes from unknown real
   * keys (up to three each: the real key's shared key and the new session's two). The bucket holds
   * a quarter of a second's budget, at least 10. What finds it empty is dropped unopened and
   * counted; sessions that exist pay nothing (each holds its own shared keys).
   *
   * @param perSecond computations a second, at least 1
   * @return a new configuration with this change
   */
  public NetCrypto keyBudget(int perSecond) {
    return with(d -> d.keysPerSecond = perSecond);
  }

  /**
   * Sessions peers opened to us that have not been confirmed by a data packet yet, at most (default
   * 64). A pending session gives up after 8 handshake resends (8 s).
   *
   * @param max the cap, at least 1
   * @return a new configuration with this change
   */
  public NetCrypto maxPendingSessions(int max) {
    return with(d -> d.maxPendingSessions = max);
  }

  /**
   * Established sessions plus pending ones peers opened, at most (default 1024): past it a new
   * peer's handshake is refused. Sessions we open count as established but are never refused.
   *
   * @param max the cap, at least 1
   * @return a new configuration with this change
   */
  public NetCrypto maxSessions(int max) {
    return with(d -> d.maxSessions = max);
  }

  /**
   * Sessions peers opened to us from one source, at most (default 8): the source is the IP address
   * of a UDP path and the peer's DHT key for a relay path (the relay authenticated it).
   *
   * @param max the cap, at least 1
   * @return a new configuration with this change
   */
  public NetCrypto maxSessionsPerSource(int max) {
    return with(d -> d.maxSessionsPerSource = max);
  }

  /**
   * How many inbound packets may wait for the engine (defaults 8192 and 512): data packets in one
   * lane, cookie and handshake packets in another that is served after the data. A full lane drops
   * what arrives and counts it ({@link NetCryptoStats#receiveDropped}).
   *
   * @param dataPackets capacity of the data lane
   * @param controlPackets capacity of the control lane
   * @return a new configuration with this change
   */
  public NetCrypto receiveQueue(int dataPackets, int controlPackets) {
    return with(
        d -> {
          d.dataQueue = dataPackets;
          d.controlQueue = controlPackets;
        });
  }

  /**
   * The clock and executor of the node: all of its state runs on one worker of this scheduler
   * (default: a new single-threaded scheduler). Tests pass a VirtualTimeScheduler.
   *
   * @param scheduler the node's clock and executor; the caller owns and disposes it
   * @return a new configuration with this change
   */
  public NetCrypto scheduler(Scheduler scheduler) {
    Objects.requireNonNull(scheduler, "scheduler is null");
    return with(d -> d.scheduler = scheduler);
  }

  /**
   * Lossless messages a connection accepts ahead of what its {@link CryptoConnection#lossless()}
   * subscriber has requested (default {@value #DEFAULT_RECEIVE_WINDOW}; 16..32768). What arrives
   * beyond it is not stored and not acknowledged, so the peer's window stops sliding and it slows
   * down; it sends those packets again once the subscriber catches up. Nothing is dropped for the
   * application: a stalled subscriber costs at most this many messages (1373 bytes each at most).
   *
   * @param messages the window in messages
   * @return the changed configuration
   */
  public NetCrypto receiveWindow(int messages) {
    return with(d -> d.receiveWindow = messages);
  }

  /**
   * Where the node's signals reach the application (default: on the node's own thread, see {@link
   * NetCryptoNode}). Every subscription to a connection's {@code lossless()}, {@code lossy()},
   * {@code status()}, {@code onDispose()}, to {@code send} and {@code connect} results and to
   * {@code incoming()} is published on a worker of {@code scheduler} (Reactor's {@code publishOn},
   * 256 signals prefetched), so a subscriber that blocks holds up only its own stream. With {@code
   * Schedulers.boundedElastic()} each subscription gets a thread of its own; with a {@code
   * parallel()} scheduler subscriptions share its few threads.
   *
   * @param scheduler the application's scheduler; the caller owns and disposes it
   * @return the changed configuration
   */
  public NetCrypto publishOn(Scheduler scheduler) {
    Objects.requireNonNull(scheduler, "publishOn scheduler is null");
    return with(d -> d.publishOn = scheduler);
  }

  /**
   * The congestion controller each session gets (default {@link WindowCongestion}): the seam for
   * benchmarking another algorithm against it without touching the rest. Package-private: not an
   * API promise.
   */
  NetCrypto congestionController(CongestionController.Factory factory) {
    return new NetCrypto(
        c, Objects.requireNonNull(factory, "congestion controller factory is null"));
  }

  /**
   * Starts a node, lazily: on subscription it subscribes to every transport and emits the node,
   * ready to connect and to accept. Opens no socket (the transports are the caller's), so it never
   * waits; errors as {@link #bindNow()} throws.
   *
   * @return the node, on subscription
   */
  public Mono<NetCryptoNode> bind() {
    return Mono.fromCallable(this::bindNow);
  }

  /**
   * Starts a node now: subscribes to every transport and returns the node, ready to connect and to
   * accept. Each call starts a new node.
   *
   * @return the running node
   * @throws IllegalStateException if no transport was added
   */
  public NetCryptoNode bindNow() {
    if (c.transports().isEmpty()) {
      throw new IllegalStateException("a net_crypto node needs at least one transport");
    }
    Scheduler given = c.scheduler();
    Scheduler s = given != null ? given : Schedulers.newSingle("tox-netcrypto", true);
    Engine engine =
        new Engine(
            c.realKeys(),
            c.dhtKeys(),
            c.transports(),
            c.acceptor(),
            c.idleTimeout().toMillis(),
            c.limits(),
            s);
    engine.receiveWindow = c.receiveWindow();
    engine.publishOn = c.publishOn();
    engine.congestion = congestion;
    engine.start();
    return new NetCryptoNode(engine, c.realKeys(), c.dhtKeys(), given == null ? s : null);
  }
}
