package org.toxreactive.onion;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.Path;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The onion client (docs/protocol.md 13.10): announces our real key on the onion, looks friends up,
 * exchanges DHT-PK announcements and friend requests with them, as c-toxcore 0.2.18's {@code
 * onion_client.c}. A thin reactive shell over {@link OnionClientCore}: every input and the
 * once-a-second run go through one lock, timers run on the given {@link Scheduler} (a {@code
 * VirtualTimeScheduler} in tests).
 *
 * <pre>{@code
 * OnionClient onion = OnionClient.create(realKeys, dht::keyPair, OnionIo.udp(onionView, udp))
 *     .pathNodes(() -> dht.randomNodes(8))
 *     .closeNodes(() -> dht.closest(dht.publicKey(), 4))
 *     .dhtConnected(dht::connected)
 *     .dhtRoute((friendDhtKey, payload) -> dht.sendToFriend(friendDhtKey, 156, payload))
 *     .bindNow();
 * onion.friendRequests().subscribe(r -> System.out.println(r.from() + ": " + r.text()));
 * onion.dhtPks().subscribe(a -> netCrypto.friendDhtKey(a.friendReal(), a.dhtKey()));
 * Disposable search = onion.lookup(friendRealKey);           // until disposed
 * Disposable request = onion.sendFriendRequest(friendRealKey, nospam, Bytes.ofUtf8("hi"));
 * }</pre>
 *
 * <p>Paths go over UDP while the DHT is connected, through the relays of {@link OnionIo#relays()}
 * otherwise. Hot streams ({@link #dhtPks()}, {@link #friendRequests()}) drop what arrives with no
 * subscriber. Every method is thread-safe and never blocks on I/O.
 */
public final class OnionClient implements Disposable {
  /** Sends a DHT request of kind 156 through the DHT (the DHT client's {@code sendToFriend}). */
  @FunctionalInterface
  public interface DhtRoute {
    /**
     * Sends {@code payload} to the node with DHT key {@code friendDhtKey} through nodes that know
     * it.
     *
     * @param friendDhtKey the friend's DHT key
     * @param payload the kind-156 payload ({@link org.toxreactive.onion.packet.DhtPkRoute})
     * @return false if no node knows the friend
     */
    boolean send(PublicKey friendDhtKey, Bytes payload);
  }

  /**
   * Read-only configuration of a client ({@link Builder#configuration()}).
   *
   * @param realKeys our long-term key pair
   * @param dhtKeys our current DHT key pair, read when a path is built or an announcement sent
   * @param io UDP, relays or both
   * @param pathNodes random good DHT nodes for paths
   * @param closeNodes DHT nodes close to us, for DHT-PK announcements
   * @param dhtConnected whether the DHT is connected, or null: true if the I/O has UDP
   * @param dhtRoute where DHT-PK announcements go through the DHT, or null: not that way
   * @param scheduler timers and clock
   * @param seed the seed of the client's random choices
   * @param wallSeconds the wall clock in seconds, for DHT-PK replay counters
   * @param bootstrap bootstrap nodes for the first paths and announces
   */
  public record Config(
      KeyPair realKeys,
      Supplier<KeyPair> dhtKeys,
      OnionIo io,
      Supplier<List<PackedNode>> pathNodes,
      Supplier<List<PackedNode>> closeNodes,
      @Nullable BooleanSupplier dhtConnected,
      @Nullable DhtRoute dhtRoute,
      Scheduler scheduler,
      long seed,
      LongSupplier wallSeconds,
      List<PackedNode> bootstrap) {
    /**
     * Checks the values; the exception names the one that is missing.
     *
     * @param realKeys our long-term key pair
     * @param dhtKeys our current DHT key pair
     * @param io the I/O
     * @param pathNodes nodes for paths
     * @param closeNodes nodes close to us
     * @param dhtConnected DHT connectivity, or null
     * @param dhtRoute DHT route, or null
     * @param scheduler timers and clock
     * @param seed the seed
     * @param wallSeconds the wall clock
     * @param bootstrap bootstrap nodes
     */
    public Config {
      Objects.requireNonNull(realKeys, "realKeys is null");
      Objects.requireNonNull(dhtKeys, "dhtKeys is null");
      Objects.requireNonNull(io, "io is null");
      Objects.requireNonNull(pathNodes, "pathNodes is null");
      Objects.requireNonNull(closeNodes, "closeNodes is null");
      Objects.requireNonNull(scheduler, "scheduler is null");
      Objects.requireNonNull(wallSeconds, "wallSeconds is null");
      bootstrap = List.copyOf(Objects.requireNonNull(bootstrap, "bootstrap is null"));
    }
  }

  /**
   * How to build an {@link OnionClient}, from {@link OnionClient#create}. Immutable: every setter
   * returns a new builder, so one can be shared and varied; {@link #bindNow()} (or {@link #bind()})
   * starts a new client on the I/O each time.
   */
  public static final class Builder {
    private final Config config;

    private Builder(Config config) {
      this.config = config;
    }

    /**
     * The configuration {@link #bindNow()} uses.
     *
     * @return the configuration
     */
    public Config configuration() {
      return config;
    }

    /**
     * Random good DHT nodes for paths, asked once a second (the DHT client's {@code
     * randomNodes(8)}). Default: none.
     *
     * @param nodes the supplier
     * @return a new builder with this change
     */
    public Builder pathNodes(Supplier<List<PackedNode>> nodes) {
      return with(d -> d.pathNodes = Objects.requireNonNull(nodes, "nodes is null"));
    }

    /**
     * DHT nodes close to us, put in our DHT-PK announcements (c-toxcore's {@code closelist_nodes}).
     * Default: none.
     *
     * @param nodes the supplier
     * @return a new builder with this change
     */
    public Builder closeNodes(Supplier<List<PackedNode>> nodes) {
      return with(d -> d.closeNodes = Objects.requireNonNull(nodes, "nodes is null"));
    }

    /**
     * Whether the DHT is connected ({@code dht_isconnected}): UDP paths while true, relay paths
     * while false. Default: true if the I/O has UDP.
     *
     * @param connected the supplier
     * @return a new builder with this change
     */
    public Builder dhtConnected(BooleanSupplier connected) {
      return with(d -> d.dhtConnected = Objects.requireNonNull(connected, "connected is null"));
    }

    /**
     * Where DHT-PK announcements go through the DHT (every 20 s per friend whose DHT key we know).
     * Default: not sent that way.
     *
     * @param route the DHT's send
     * @return a new builder with this change
     */
    public Builder dhtRoute(DhtRoute route) {
      return with(d -> d.dhtRoute = Objects.requireNonNull(route, "route is null"));
    }

    /**
     * Bootstrap nodes for the first paths and announces (needed when UDP is off, as the DHT then
     * knows nobody); {@link OnionClient#addBootstrapNode} adds more later.
     *
     * @param nodes UDP nodes
     * @return a new builder with this change
     */
    public Builder bootstrap(List<PackedNode> nodes) {
      Objects.requireNonNull(nodes, "nodes is null");
      return with(d -> d.bootstrap = concat(d.bootstrap, nodes));
    }

    /**
     * The timers' scheduler and clock. Default: {@link Schedulers#parallel()}.
     *
     * @param scheduler the scheduler
     * @return a new builder with this change
     */
    public Builder scheduler(Scheduler scheduler) {
      return with(d -> d.scheduler = Objects.requireNonNull(scheduler, "scheduler is null"));
    }

    /**
     * Seeds the client's random choices (paths, nodes); keys stay random. Default: random.
     *
     * @param seed the seed
     * @return a new builder with this change
     */
    public Builder seed(long seed) {
      return with(d -> d.seed = seed);
    }

    /**
     * The wall clock in seconds, read once, for DHT-PK replay counters. Default: the system clock.
     *
     * @param wallSeconds the clock
     * @return a new builder with this change
     */
    public Builder wallSeconds(LongSupplier wallSeconds) {
      return with(d -> d.wallSeconds = Objects.requireNonNull(wallSeconds, "wallSeconds is null"));
    }

    /**
     * Starts the client now: subscribes to the I/O and runs once a second until disposed. Opens no
     * socket of its own (the I/O is the caller's), so it returns at once.
     *
     * @return the running client
     */
    public OnionClient bindNow() {
      return new OnionClient(config);
    }

    /**
     * Starts the client lazily: on subscription, as {@link #bindNow()}, and emits it.
     *
     * @return the running client, on subscription
     */
    public Mono<OnionClient> bind() {
      return Mono.fromCallable(this::bindNow);
    }

    private Builder with(Consumer<Draft> change) {
      Draft d = new Draft(config);
      change.accept(d);
      return new Builder(d.build());
    }

    private static List<PackedNode> concat(List<PackedNode> a, List<PackedNode> b) {
      List<PackedNode> all = new ArrayList<>(a);
      all.addAll(b);
      return all;
    }
  }

  /** A configuration being changed by one setter. */
  private static final class Draft {
    final KeyPair realKeys;
    final Supplier<KeyPair> dhtKeys;
    final OnionIo io;
    Supplier<List<PackedNode>> pathNodes;
    Supplier<List<PackedNode>> closeNodes;
    @Nullable BooleanSupplier dhtConnected;
    @Nullable DhtRoute dhtRoute;
    Scheduler scheduler;
    long seed;
    LongSupplier wallSeconds;
    List<PackedNode> bootstrap;

    Draft(Config c) {
      realKeys = c.realKeys();
      dhtKeys = c.dhtKeys();
      io = c.io();
      pathNodes = c.pathNodes();
      closeNodes = c.closeNodes();
      dhtConnected = c.dhtConnected();
      dhtRoute = c.dhtRoute();
      scheduler = c.scheduler();
      seed = c.seed();
      wallSeconds = c.wallSeconds();
      bootstrap = c.bootstrap();
    }

    Config build() {
      return new Config(
          realKeys,
          dhtKeys,
          io,
          pathNodes,
          closeNodes,
          dhtConnected,
          dhtRoute,
          scheduler,
          seed,
          wallSeconds,
          bootstrap);
    }
  }

  private final OnionIo io;
  private final Scheduler scheduler;
  private final OnionClientCore core;
  private final Sinks.Many<DhtPkAnnouncement> dhtPks = Sinks.many().multicast().directBestEffort();
  private final Sinks.Many<FriendRequest> friendRequests =
      Sinks.many().multicast().directBestEffort();
  private final Disposable.Composite subscriptions = Disposables.composite();
  private volatile boolean disposed;

  private OnionClient(Config b) {
    this.io = b.io();
    this.scheduler = b.scheduler();
    BooleanSupplier connected = b.dhtConnected();
    BooleanSupplier udp =
        b.io().udpOut() == null
            ? () -> false
            : connected == null || b.io().relays() == null ? () -> true : connected;
    Supplier<List<PackedNode>> pathNodes = b.pathNodes();
    Supplier<List<PackedNode>> closeNodes = b.closeNodes();
    Supplier<KeyPair> dhtKeys = b.dhtKeys();
    DhtRoute route = b.dhtRoute();
    OnionClientCore.Io coreIo =
        new OnionClientCore.Io() {
          @Override
          public KeyPair dhtKeys() {
            return dhtKeys.get();
          }

          @Override
          public boolean udpUsable() {
            return udp.getAsBoolean();
          }

          @Override
          public List<PackedNode> randomDhtNodes(int n) {
            return limit(pathNodes.get(), n);
          }

          @Override
          public List<PackedNode> closeDhtNodes(int n) {
            return limit(closeNodes.get(), n);
          }

          @Override
          public List<PublicKey> connectedRelays() {
            return io.relays() == null ? List.of() : io.relays().connected();
          }

          @Override
          public boolean udp(IpPort to, byte[] packet) {
            return io.udpOut() != null
                && io.udpOut()
                    .offer(
                        Path.udp(new InetSocketAddress(to.address(), to.port())),
                        Bytes.adopt(packet));
          }

          @Override
          public boolean tcp(PublicKey relay, Nonce nonce, byte[] payload) {
            return io.relays() != null
                && io.relays().sendOnionRequest(relay, nonce, Bytes.adopt(payload));
          }

          @Override
          public boolean dhtRoute(PublicKey friendDhtKey, byte[] payload) {
            return route != null && route.send(friendDhtKey, Bytes.adopt(payload));
          }

          @Override
          public void dhtPk(DhtPkAnnouncement announcement) {
            dhtPks.tryEmitNext(announcement);
          }

          @Override
          public void friendRequest(FriendRequest request) {
            friendRequests.tryEmitNext(request);
          }
        };
    this.core =
        new OnionClientCore(b.realKeys(), coreIo, b.seed(), b.wallSeconds().getAsLong(), now());
    for (PackedNode n : b.bootstrap()) {
      core.addBootstrapNode(n);
    }
    if (io.udpInbound() != null) {
      subscriptions.add(io.udpInbound().subscribe(this::onDatagram, e -> {}));
    }
    if (io.relays() != null) {
      subscriptions.add(
          io.relays()
              .responses()
              .subscribe(
                  r -> {
                    synchronized (core) {
                      if (!disposed) {
                        core.onRelayResponse(r.relay(), r.packet().toArray(), now());
                      }
                    }
                  },
                  e -> {}));
    }
    subscriptions.add(scheduler.schedulePeriodically(this::tick, 0, 1000, TimeUnit.MILLISECONDS));
  }

  private static List<PackedNode> limit(List<PackedNode> nodes, int n) {
    return nodes.size() <= n ? nodes : nodes.subList(0, n);
  }

  /**
   * A builder for a client with our real key pair, our DHT key pair as it is now (read whenever a
   * path is built or a DHT-PK announcement sent), and its I/O.
   *
   * @param realKeys our long-term key pair
   * @param dhtKeys our current DHT key pair
   * @param io UDP, relays or both
   * @return the builder
   */
  public static Builder create(KeyPair realKeys, Supplier<KeyPair> dhtKeys, OnionIo io) {
    return new Builder(
        new Config(
            realKeys,
            dhtKeys,
            io,
            List::of,
            List::of,
            null,
            null,
            Schedulers.parallel(),
            new java.security.SecureRandom().nextLong(),
            () -> System.currentTimeMillis() / 1000,
            List.of()));
  }

  private long now() {
    return scheduler.now(TimeUnit.MILLISECONDS);
  }

  private void onDatagram(Datagram d) {
    if (!(d.path() instanceof Path.Udp u)) {
      return;
    }
    InetSocketAddress a = u.address();
    if (a.getAddress() == null) {
      return;
    }
    synchronized (core) {
      if (!disposed) {
        core.onUdp(d.data().toArray(), new IpPort(a.getAddress(), a.getPort()), now());
      }
    }
  }

  private void tick() {
    synchronized (core) {
      if (!disposed) {
        core.tick(now());
      }
    }
  }

  // ---------------------------------------------------------------- API

  /**
   * Our real key, the one we announce.
   *
   * @return the key
   */
  public PublicKey publicKey() {
    return core.publicKey();
  }

  /**
   * Sets the TCP relays (packed TCP nodes) put in our DHT-PK announcements; c-toxcore puts up to 2
   * connected relays there.
   *
   * @param ourRelays our connected relays
   */
  public void announceRelays(List<PackedNode> ourRelays) {
    Objects.requireNonNull(ourRelays, "ourRelays is null");
    synchronized (core) {
      core.announceRelays(ourRelays);
    }
  }

  /**
   * Adds a bootstrap node for paths and first announces.
   *
   * @param node a UDP node
   */
  public void addBootstrapNode(PackedNode node) {
    Objects.requireNonNull(node, "node is null");
    synchronized (core) {
      core.addBootstrapNode(node);
    }
  }

  /**
   * Drops friend requests that do not carry our nospam. Default: every nospam accepted (the
   * receiver checks {@link FriendRequest#nospam()}).
   *
   * @param nospam Tox ID bytes 32..35 read big-endian
   */
  public void nospam(int nospam) {
    synchronized (core) {
      core.nospam(nospam);
    }
  }

  /**
   * Looks {@code friendReal} up on the onion and sends it our DHT-PK announcement, as c-toxcore
   * does for every friend, until the handle is disposed. Its announcements come on {@link
   * #dhtPks()}.
   *
   * @param friendReal the friend's real key
   * @return stops the lookup
   * @throws IllegalStateException if too many friends are tracked
   */
  public Disposable lookup(PublicKey friendReal) {
    Objects.requireNonNull(friendReal, "friendReal is null");
    synchronized (core) {
      if (!core.addFriend(friendReal)) {
        throw new IllegalStateException(
            "the onion client tracks " + OnionClientCore.MAX_FRIENDS + " friends already");
      }
    }
    return once(
        () -> {
          synchronized (core) {
            core.removeFriend(friendReal);
          }
        });
  }

  /**
   * Sends a friend request with {@code tox_friend_add}'s rules: the friend is looked up, the
   * request goes out once its data key is known, and again after 5, 10, 20... s until the friend is
   * {@link #friendOnline online} or the handle is disposed.
   *
   * @param friendReal the friend's real key (its Tox ID's first 32 bytes)
   * @param nospam the Tox ID's nospam, bytes 32..35 read big-endian
   * @param message 1..1016 bytes
   * @return stops resending
   * @throws IllegalArgumentException for an empty or too long message, or our own key
   */
  public Disposable sendFriendRequest(PublicKey friendReal, int nospam, Bytes message) {
    Objects.requireNonNull(friendReal, "friendReal is null");
    Objects.requireNonNull(message, "message is null");
    synchronized (core) {
      if (!core.sendFriendRequest(friendReal, nospam, message)) {
        throw new IllegalStateException(
            "the onion client tracks " + OnionClientCore.MAX_FRIENDS + " friends already");
      }
    }
    return once(
        () -> {
          synchronized (core) {
            core.cancelFriendRequest(friendReal);
          }
        });
  }

  /**
   * How many times the pending friend request to {@code friendReal} has gone out.
   *
   * @param friendReal the friend's real key
   * @return the count, 0 if none is pending
   */
  public int friendRequestSends(PublicKey friendReal) {
    Objects.requireNonNull(friendReal, "friendReal is null");
    synchronized (core) {
      return core.friendRequestSends(friendReal);
    }
  }

  /**
   * Tells the client a friend's connection is up or down: no lookup while it is up (as c-toxcore),
   * and a pending friend request to it ends.
   *
   * @param friendReal the friend's real key
   * @param online whether it is online
   */
  public void friendOnline(PublicKey friendReal, boolean online) {
    Objects.requireNonNull(friendReal, "friendReal is null");
    synchronized (core) {
      core.friendOnline(friendReal, online);
    }
  }

  /**
   * Allows a new friend request from {@code from} to be emitted (requests from one key are emitted
   * once, among the last 32 requesters, as c-toxcore).
   *
   * @param from the requester's real key
   */
  public void forgetFriendRequest(PublicKey from) {
    Objects.requireNonNull(from, "from is null");
    synchronized (core) {
      core.forgetFriendRequest(from);
    }
  }

  /**
   * DHT-PK announcements of looked-up friends, each newer than the last. Hot.
   *
   * @return the announcements
   */
  public Flux<DhtPkAnnouncement> dhtPks() {
    return dhtPks.asFlux();
  }

  /**
   * Friend requests to us. Hot.
   *
   * @return the requests
   */
  public Flux<FriendRequest> friendRequests() {
    return friendRequests.asFlux();
  }

  /**
   * Whether enough announce nodes store our announce (c-toxcore's onion connection status is not
   * NONE); friends are looked up only then.
   *
   * @return whether we are announced
   */
  public boolean announced() {
    synchronized (core) {
      return core.announced();
    }
  }

  /**
   * Live announce nodes that store our announce now.
   *
   * @return how many (at most 12)
   */
  public int announcedNodes() {
    synchronized (core) {
      return core.announcedNodes(now());
    }
  }

  /**
   * The friend's DHT key as the last announcement told it, or null.
   *
   * @param friendReal the friend's real key
   * @return the key, or null
   */
  public @Nullable PublicKey friendDhtKey(PublicKey friendReal) {
    Objects.requireNonNull(friendReal, "friendReal is null");
    synchronized (core) {
      return core.friendDhtKey(friendReal);
    }
  }

  /**
   * A DHT request of kind 156 that reached us through the DHT (the DHT client's {@code
   * cryptoRequests()}): decrypted and handled as an onion DHT-PK announcement.
   *
   * @param fromDhtKey the DHT request's sender key
   * @param payload the bytes after the kind byte
   */
  public void onDhtPkPacket(PublicKey fromDhtKey, Bytes payload) {
    Objects.requireNonNull(fromDhtKey, "fromDhtKey is null");
    Objects.requireNonNull(payload, "payload is null");
    synchronized (core) {
      if (!disposed) {
        core.onDhtPkPacket(fromDhtKey, payload.toArray(), now());
      }
    }
  }

  /**
   * Our DHT-PK announcement for {@code friendReal} as a kind-156 DHT payload, for a host that sends
   * it through the DHT itself (the client does so every 20 s when given a {@link DhtRoute}).
   *
   * @param friendReal the friend's real key
   * @return the payload
   */
  public Bytes dhtPkPayload(PublicKey friendReal) {
    Objects.requireNonNull(friendReal, "friendReal is null");
    synchronized (core) {
      return Bytes.adopt(core.dhtPkRoutePayload(friendReal, now()));
    }
  }

  /**
   * Counts of what became of the inputs.
   *
   * @param outcome an outcome
   * @return how many inputs ended so
   */
  public long count(OnionClientCore.Outcome outcome) {
    Objects.requireNonNull(outcome, "outcome is null");
    synchronized (core) {
      return core.count(outcome);
    }
  }

  /** Stops the timers and unsubscribes; the hot streams complete. */
  @Override
  public void dispose() {
    synchronized (core) {
      if (disposed) {
        return;
      }
      disposed = true;
      dhtPks.tryEmitComplete();
      friendRequests.tryEmitComplete();
    }
    subscriptions.dispose();
  }

  @Override
  public boolean isDisposed() {
    return disposed;
  }

  private static Disposable once(Runnable r) {
    return new Disposable() {
      private final java.util.concurrent.atomic.AtomicBoolean done =
          new java.util.concurrent.atomic.AtomicBoolean();

      @Override
      public void dispose() {
        if (done.compareAndSet(false, true)) {
          r.run();
        }
      }

      @Override
      public boolean isDisposed() {
        return done.get();
      }
    };
  }

  @Override
  public String toString() {
    return "OnionClient[" + core.publicKey() + "]";
  }

  /** How long a friend request waits before its first resend ({@code FRIENDREQUEST_TIMEOUT}). */
  public static final Duration FRIEND_REQUEST_TIMEOUT =
      Duration.ofSeconds(OnionClientCore.FRIENDREQUEST_TIMEOUT);
}
