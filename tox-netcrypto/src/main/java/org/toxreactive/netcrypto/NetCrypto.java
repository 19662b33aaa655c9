package org.toxreactive.netcrypto;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.netcrypto.packet.PacketRing;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Configuration of a net_crypto node: our keys, the transports packets travel on, who may connect
 * to us, and the limits that keep it responsive when strangers flood it. Immutable: each setter
 * returns a new value; {@link #start()} runs it.
 *
 * <pre>{@code
 * NetCryptoNode node = NetCrypto.create(realKeys, dhtKeys)
 *     .transport(UdpTransport.create().port(33445).bindNow())
 *     .acceptor(peer -> friends.contains(peer.realKey()))
 *     .start();
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
  private final KeyPair realKeys;
  private final KeyPair dhtKeys;
  private final List<PacketTransport> transports;
  private final Predicate<PeerInfo> acceptor;
  private final Duration idleTimeout;
  private final Limits limits;
  private final @Nullable Scheduler scheduler;
  private int receiveWindow = DEFAULT_RECEIVE_WINDOW;
  private @Nullable Scheduler publishOn;
  private CongestionController.Factory congestion = CongestionController.DEFAULT;

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
     * Copies the transport list.
     *
     * @param realKeys our long-term key pair
     * @param dhtKeys our DHT key pair
     * @param transports the transports
     * @param acceptor the acceptor
     * @param idleTimeout the idle timeout
     * @param keysPerSecond the key budget
     * @param maxPendingSessions sessions in the handshake at once
     * @param maxSessions sessions at once
     * @param maxSessionsPerSource sessions per source
     * @param dataQueue data packets queued
     * @param controlQueue control packets queued
     * @param scheduler the scheduler, or null
     * @param receiveWindow the receive window
     * @param publishOn the application's scheduler, or null
     */
    public Config {
      transports = List.copyOf(transports);
    }
  }

  /**
   * This configuration as a read-only record; {@link #start()} starts a node from it.
   *
   * @return the configuration
   */
  public Config configuration() {
    return new Config(
        realKeys,
        dhtKeys,
        transports,
        acceptor,
        idleTimeout,
        limits.keysPerSecond(),
        limits.maxPendingSessions(),
        limits.maxSessions(),
        limits.maxSessionsPerSource(),
        limits.dataQueue(),
        limits.controlQueue(),
        scheduler,
        receiveWindow,
        publishOn);
  }

  private NetCrypto(
      KeyPair realKeys,
      KeyPair dhtKeys,
      List<PacketTransport> transports,
      Predicate<PeerInfo> acceptor,
      Duration idleTimeout,
      Limits limits,
      @Nullable Scheduler scheduler) {
    this.realKeys = realKeys;
    this.dhtKeys = dhtKeys;
    this.transports = transports;
    this.acceptor = acceptor;
    this.idleTimeout = idleTimeout;
    this.limits = limits;
    this.scheduler = scheduler;
  }

  private NetCrypto copy(
      List<PacketTransport> transports,
      Predicate<PeerInfo> acceptor,
      Duration idleTimeout,
      Limits limits,
      @Nullable Scheduler scheduler) {
    NetCrypto n =
        new NetCrypto(realKeys, dhtKeys, transports, acceptor, idleTimeout, limits, scheduler);
    n.receiveWindow = receiveWindow;
    n.publishOn = publishOn;
    n.congestion = congestion;
    return n;
  }

  /**
   * @param realKeys our long-term key pair (the Tox ID's key)
   * @param dhtKeys our DHT key pair (what relays and cookie requests know us by)
   * @return a configuration with no transport, an acceptor that refuses everyone and the default
   *     limits
   */
  public static NetCrypto create(KeyPair realKeys, KeyPair dhtKeys) {
    return new NetCrypto(
        Objects.requireNonNull(realKeys, "realKeys is null"),
        Objects.requireNonNull(dhtKeys, "dhtKeys is null"),
        List.of(),
        peer -> false,
        Duration.ofSeconds(32),
        Limits.DEFAULTS,
        null);
  }

  private NetCrypto with(Limits l) {
    return copy(transports, acceptor, idleTimeout, l, scheduler);
  }

  /**
   * Adds a transport (UDP, relays, a simulated network).
   *
   * @param transport a transport packets can travel on
   * @return a new configuration with the transport added
   */
  public NetCrypto transport(PacketTransport transport) {
    List<PacketTransport> t = new ArrayList<>(transports);
    t.add(Objects.requireNonNull(transport, "transport is null"));
    return copy(List.copyOf(t), acceptor, idleTimeout, limits, scheduler);
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
    return copy(
        transports,
        Objects.requireNonNull(acceptor, "acceptor is null"),
        idleTimeout,
        limits,
        scheduler);
  }

  /**
   * A connection whose peer sends nothing for this long ends with an error (default 32 s).
   *
   * @param timeout how long a silent peer is waited for, positive
   * @return a new configuration with this change
   */
  public NetCrypto idleTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "idle timeout is null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("idle timeout must be positive, got " + timeout);
    }
    return copy(transports, acceptor, timeout, limits, scheduler);
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
    return with(
        new Limits(
            perSecond,
            limits.maxPendingSessions(),
            limits.maxSessions(),
            limits.maxSessionsPerSource(),
            limits.dataQueue(),
            limits.controlQueue()));
  }

  /**
   * Sessions peers opened to us that have not been confirmed by a data packet yet, at most (default
   * 64). A pending session gives up after 8 handshake resends (8 s).
   *
   * @param max the cap, at least 1
   * @return a new configuration with this change
   */
  public NetCrypto maxPendingSessions(int max) {
    return with(
        new Limits(
            limits.keysPerSecond(),
            max,
            limits.maxSessions(),
            limits.maxSessionsPerSource(),
            limits.dataQueue(),
            limits.controlQueue()));
  }

  /**
   * Established sessions plus pending ones peers opened, at most (default 1024): past it a new
   * peer's handshake is refused. Sessions we open count as established but are never refused.
   *
   * @param max the cap, at least 1
   * @return a new configuration with this change
   */
  public NetCrypto maxSessions(int max) {
    return with(
        new Limits(
            limits.keysPerSecond(),
            limits.maxPendingSessions(),
            max,
            limits.maxSessionsPerSource(),
            limits.dataQueue(),
            limits.controlQueue()));
  }

  /**
   * Sessions peers opened to us from one source, at most (default 8): the source is the IP address
   * of a UDP path and the peer's DHT key for a relay path (the relay authenticated it).
   *
   * @param max the cap, at least 1
   * @return a new configuration with this change
   */
  public NetCrypto maxSessionsPerSource(int max) {
    return with(
        new Limits(
            limits.keysPerSecond(),
            limits.maxPendingSessions(),
            limits.maxSessions(),
            max,
            limits.dataQueue(),
            limits.controlQueue()));
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
        new Limits(
            limits.keysPerSecond(),
            limits.maxPendingSessions(),
            limits.maxSessions(),
            limits.maxSessionsPerSource(),
            dataPackets,
            controlPackets));
  }

  /**
   * The clock and executor of the node: all of its state runs on one worker of this scheduler
   * (default: a new single-threaded scheduler). Tests pass a VirtualTimeScheduler.
   *
   * @param scheduler the node's clock and executor; the caller owns and disposes it
   * @return a new configuration with this change
   */
  public NetCrypto scheduler(Scheduler scheduler) {
    return copy(
        transports,
        acceptor,
        idleTimeout,
        limits,
        Objects.requireNonNull(scheduler, "scheduler is null"));
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
    if (messages < 16 || messages > PacketRing.SIZE) {
      throw new IllegalArgumentException(
          "receive window must be 16.." + PacketRing.SIZE + " messages, got " + messages);
    }
    NetCrypto n = copy(transports, acceptor, idleTimeout, limits, scheduler);
    n.receiveWindow = messages;
    return n;
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
    NetCrypto n = copy(transports, acceptor, idleTimeout, limits, this.scheduler);
    n.publishOn = scheduler;
    return n;
  }

  /**
   * The congestion controller each session gets (default {@link WindowCongestion}): the seam for
   * benchmarking another algorithm against it without touching the rest. Package-private: not an
   * API promise.
   */
  NetCrypto congestionController(CongestionController.Factory factory) {
    NetCrypto n = copy(transports, acceptor, idleTimeout, limits, scheduler);
    n.congestion = Objects.requireNonNull(factory, "congestion controller factory is null");
    return n;
  }

  /**
   * Starts receiving on every transport.
   *
   * @return the running node
   * @throws IllegalStateException if no transport was added
   */
  public NetCryptoNode start() {
    if (transports.isEmpty()) {
      throw new IllegalStateException("a net_crypto node needs at least one transport");
    }
    Scheduler s = scheduler != null ? scheduler : Schedulers.newSingle("tox-netcrypto", true);
    Engine engine =
        new Engine(realKeys, dhtKeys, transports, acceptor, idleTimeout.toMillis(), limits, s);
    engine.receiveWindow = receiveWindow;
    engine.publishOn = publishOn;
    engine.congestion = congestion;
    engine.start();
    return new NetCryptoNode(engine, realKeys, dhtKeys, scheduler == null ? s : null);
  }
}
