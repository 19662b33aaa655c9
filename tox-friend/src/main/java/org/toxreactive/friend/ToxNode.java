package org.toxreactive.friend;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SecretKey;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.NetCrypto;
import org.toxreactive.netcrypto.NetCryptoNode;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayPool;
import org.toxreactive.transport.tcp.RelayStatus;
import org.toxreactive.transport.udp.UdpTransport;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A Tox node an application embeds: our Tox ID, friends by Tox ID, friend requests, and per friend
 * its status and net_crypto connection while online, whatever the network (direct UDP found by the
 * DHT, or TCP relays). One UDP socket is shared by the DHT, the onion and net_crypto ({@link
 * UdpDemux}); TCP relays form a {@link RelayPool} that carries net_crypto and, without UDP, the
 * onion (docs/protocol.md "Friend connections and Messenger").
 *
 * <pre>{@code
 * ToxNode node = ToxNode.create(KeyPair.generate())
 *     .relays(List.of(RelayAddress.parse("127.0.0.1:33445:" + relayKey)))
 *     .bindNow();
 * node.bootstrap(List.of(BootstrapNode.parse("127.0.0.1:33445:" + dhtKey)));
 * System.out.println("TOXID " + node.toxId());
 * node.friendRequests().subscribe(FriendRequest::accept);
 * Friend f = node.addFriend(ToxId.parse(theirId), "hi, it's me");
 * f.status().subscribe(s -> System.out.println(s.kind()));
 * Files.write(state, node.state().toBytes());   // ToxNode.create(ToxState.fromBytes(...)) later
 * node.dispose();
 * }</pre>
 *
 * <p><b>Threads.</b> The friend layer runs on one worker of the node's scheduler (default a daemon
 * thread of its own; {@link Builder#scheduler} for tests on virtual time, which net_crypto then
 * shares). Every signal of {@link #friendRequests()} and of each {@link Friend} comes there; a
 * subscriber must not block it.
 */
public final class ToxNode implements Disposable {
  private static final Logger LOG = LoggerFactory.getLogger(ToxNode.class);

  /** How often our relays are checked and, when changed, announced (DHT-PK) again. */
  static final Duration RELAY_CHECK_EVERY = Duration.ofSeconds(2);

  private final KeyPair realKeys;
  private final KeyPair dhtKeys;
  private final int nospam;
  private final Scheduler scheduler;
  private final Scheduler.Worker worker;
  private final @Nullable Scheduler ownedScheduler;
  private final @Nullable PacketTransport udp;
  private final boolean ownsUdp;
  private final @Nullable UdpDemux demux;
  private final RelayPool pool;
  private final @Nullable UdpGate udpGate;
  private final NetCryptoNode netCrypto;
  private final @Nullable DhtLayer dht;
  private final @Nullable OnionLayer onion;
  private final Map<PublicKey, Friend> friends = new ConcurrentHashMap<>();
  private final Set<PublicKey> requestsShown = ConcurrentHashMap.newKeySet();
  private final Sinks.Many<FriendRequest> requests =
      Sinks.many().multicast().onBackpressureBuffer(256, false);
  private final Disposable.Composite running = Disposables.composite();
  private volatile List<PackedNode> announcedRelays = List.of();
  private volatile boolean disposed;
  private final Sinks.Empty<Void> terminated = Sinks.empty();
  private final int configuredUdpAfter;

  private ToxNode(Config b, Layers layers) {
    this.realKeys = b.realKeys();
    this.dhtKeys = KeyPair.generate(); // a new DHT key every start, as c-toxcore
    this.nospam = b.nospam();
    this.configuredUdpAfter = b.udpAfter();
    if (b.scheduler() != null) {
      this.scheduler = b.scheduler();
      this.ownedScheduler = null;
    } else {
      this.ownedScheduler = Schedulers.newSingle("tox-friend", true);
      this.scheduler = ownedScheduler;
    }
    this.worker = scheduler.createWorker();
    if (b.transport() != null) {
      this.udp = b.transport();
      this.ownsUdp = false;
    } else if (b.udp()) {
      this.udp = UdpTransport.create().host(b.host()).port(b.port()).bindNow();
      this.ownsUdp = true;
    } else {
      this.udp = null;
      this.ownsUdp = false;
    }
    this.demux = udp == null ? null : UdpDemux.over(udp);
    // always a pool, perhaps empty: bootstrap nodes' TCP ports and friends' relays grow it
    this.pool =
        RelayPool.create(dhtKeys)
            .relays(b.relays())
            .active(RelayPool.MAX_RELAYS_PER_PEER)
            .connectInBackground();
    NetCrypto config =
        NetCrypto.create(realKeys, dhtKeys).acceptor(p -> friends.containsKey(p.realKey()));
    if (demux != null) {
      this.udpGate = new UdpGate(demux.view(UdpDemux.NET_CRYPTO), b.udpAfter());
      config = config.transport(udpGate);
    } else {
      this.udpGate = null;
    }
    config = config.transport(pool);
    if (b.scheduler() != null) {
      config = config.scheduler(b.scheduler());
    }
    this.netCrypto = config.bindNow();
    Context ctx = new Context(realKeys, dhtKeys, demux, pool, scheduler, nospam);
    this.dht = layers.dht.apply(ctx);
    this.onion = layers.onion.apply(ctx, dht);
    running.add(
        netCrypto
            .incoming()
            .subscribe(
                c ->
                    run(
                        () -> {
                          Friend f = friends.get(c.peerRealKey());
                          if (f != null) {
                            f.onIncoming(c);
                          } else {
                            c.dispose();
                          }
                        })));
    if (dht != null) {
      running.add(
          dht.friendAddresses()
              .subscribe(
                  a ->
                      run(
                          () ->
                              friends
                                  .values()
                                  .forEach(f -> f.onDirectAddress(a.dhtKey(), a.address())))));
      if (onion != null) {
        running.add(dht.dhtPkPackets().subscribe(p -> onion.onDhtPkPacket(p.from(), p.payload())));
      }
    }
    if (onion != null) {
      running.add(
          onion
              .dhtPks()
              .subscribe(
                  pk ->
                      run(
                          () -> {
                            Friend f = friends.get(pk.friend());
                            if (f != null) {
                              f.onDhtPk(pk.dhtKey(), pk.nodes());
                            }
                          })));
      running.add(onion.friendRequests().subscribe(r -> run(() -> onRequest(r))));
    }
    running.add(every(Duration.ZERO, RELAY_CHECK_EVERY, this::announceRelays));
    for (ToxState.SavedFriend f : b.friends()) {
      Friend.Request r =
          f.requestNospam() == null
              ? null
              : new Friend.Request(f.requestNospam(), Objects.requireNonNull(f.requestMessage()));
      Friend friend = new Friend(this, f.publicKey(), r);
      friends.put(f.publicKey(), friend);
      run(friend::start);
    }
  }

  /** What the DHT and onion layers are built from. */
  record Context(
      KeyPair realKeys,
      KeyPair dhtKeys,
      @Nullable UdpDemux demux,
      RelayPool pool,
      Scheduler scheduler,
      int nospam) {}

  /** How the DHT and onion layers are made (adapters over the clients, or fakes in tests). */
  record Layers(
      Function<Context, @Nullable DhtLayer> dht,
      BiFunction<Context, @Nullable DhtLayer, @Nullable OnionLayer> onion) {}

  /**
   * A node with this long-term key pair, a random nospam and no friends.
   *
   * @param realKeys our long-term key pair (the key of our Tox ID)
   * @return a builder
   */
  public static Builder create(KeyPair realKeys) {
    Objects.requireNonNull(realKeys, "realKeys is null");
    return new Builder(
        new Config(
            realKeys,
            new SecureRandom().nextInt(),
            true,
            "0.0.0.0",
            0,
            null,
            List.of(),
            null,
            List.of(),
            0),
        null);
  }

  /**
   * A node with a long-term key pair derived from this secret key, a random nospam, no friends.
   *
   * @param secretKey our long-term secret key
   * @return a builder
   */
  public static Builder create(SecretKey secretKey) {
    return create(KeyPair.fromSecretKey(Objects.requireNonNull(secretKey, "secretKey is null")));
  }

  /**
   * A node from a saved state: its key, nospam and friends.
   *
   * @param state what {@link #state()} returned (or {@link ToxState#fromBytes})
   * @return a builder
   */
  public static Builder create(ToxState state) {
    Objects.requireNonNull(state, "state is null");
    Builder b = create(state.secretKey()).nospam(state.nospam());
    return b.with(d -> d.friends = state.friends());
  }

  /**
   * Read-only configuration of a node ({@link Builder#configuration()}).
   *
   * @param realKeys our long-term key pair
   * @param nospam the nospam friend requests must carry
   * @param udp whether the node has a UDP socket (or {@code transport} instead)
   * @param host the UDP socket's local address
   * @param port the UDP socket's port, 0 for any free one
   * @param transport a transport used instead of a UDP socket, or null
   * @param relays our TCP relays
   * @param scheduler the friend layer's and net_crypto's scheduler, or null for a thread of its own
   * @param friends the friends restored from a saved state
   * @param udpAfter friends' messages to receive before net_crypto may use UDP (0: at once); a test
   *     option, see {@link Builder#udpAfter}
   */
  public record Config(
      KeyPair realKeys,
      int nospam,
      boolean udp,
      String host,
      int port,
      @Nullable PacketTransport transport,
      List<RelayAddress> relays,
      @Nullable Scheduler scheduler,
      List<ToxState.SavedFriend> friends,
      int udpAfter) {
    /**
     * Checks the values; the exception names the one that is wrong.
     *
     * @param realKeys our long-term key pair
     * @param nospam the nospam
     * @param udp whether there is a UDP socket
     * @param host the UDP address
     * @param port the UDP port
     * @param transport a transport instead of UDP, or null
     * @param relays our relays
     * @param scheduler the scheduler, or null
     * @param friends restored friends
     * @param udpAfter messages before net_crypto may use UDP, at least 0
     */
    public Config {
      Objects.requireNonNull(realKeys, "realKeys is null");
      Objects.requireNonNull(host, "host is null");
      if (port < 0 || port > IpPort.MAX_PORT) {
        throw new IllegalArgumentException("port must be 0.." + IpPort.MAX_PORT + ", got " + port);
      }
      relays = List.copyOf(relays);
      friends = List.copyOf(friends);
      if (udpAfter < 0) {
        throw new IllegalArgumentException("udpAfter must be >= 0 messages, got " + udpAfter);
      }
    }
  }

  /** A mutable copy of a {@link Config}, for one builder change. */
  private static final class Draft {
    KeyPair realKeys;
    int nospam;
    boolean udp;
    String host;
    int port;
    @Nullable PacketTransport transport;
    List<RelayAddress> relays;
    @Nullable Scheduler scheduler;
    List<ToxState.SavedFriend> friends;
    int udpAfter;

    Draft(Config c) {
      realKeys = c.realKeys;
      nospam = c.nospam;
      udp = c.udp;
      host = c.host;
      port = c.port;
      transport = c.transport;
      relays = c.relays;
      scheduler = c.scheduler;
      friends = c.friends;
      udpAfter = c.udpAfter;
    }

    Config build() {
      return new Config(
          realKeys, nospam, udp, host, port, transport, relays, scheduler, friends, udpAfter);
    }
  }

  /**
   * How the node is set up, from {@link ToxNode#create}. Immutable: every setter returns a new
   * builder, so one can be shared and varied; {@link #bindNow()} starts a new node each time.
   */
  public static final class Builder {
    private final Config c;
    private final @Nullable Layers layers;

    private Builder(Config c, @Nullable Layers layers) {
      this.c = c;
      this.layers = layers;
    }

    private Builder with(Config changed) {
      return new Builder(changed, layers);
    }

    /** A new builder with one change applied to a copy of the configuration (checked again). */
    private Builder with(Consumer<Draft> change) {
      Draft d = new Draft(c);
      change.accept(d);
      return with(d.build());
    }

    /**
     * The configuration {@link #bind()} uses.
     *
     * @return the configuration
     */
    public Config configuration() {
      return c;
    }

    /**
     * Our nospam (default random): friend requests must carry it.
     *
     * @param nospam any 32 bits
     * @return a new builder with this change
     */
    public Builder nospam(int nospam) {
      return with(d -> d.nospam = nospam);
    }

    /**
     * The UDP socket's address (default {@code 0.0.0.0}, any free port).
     *
     * @param host the local address to bind
     * @param port the port, 0 for any free one
     * @return a new builder with this change
     */
    public Builder udp(String host, int port) {
      return with(
          d -> {
            d.udp = true;
            d.host = host;
            d.port = port;
          });
    }

    /**
     * No UDP socket at all (c-toxcore's {@code udp_enabled = false}): friends are reached through
     * the {@link #relays} only, and the onion goes through them too.
     *
     * @return a new builder with this change
     */
    public Builder noUdp() {
      return with(
          d -> {
            d.udp = false;
            d.transport = null;
          });
    }

    /**
     * A transport to use instead of a UDP socket, e.g. a simulated network; the caller owns it.
     *
     * @param transport the transport the DHT, the onion and net_crypto share
     * @return a new builder with this change
     */
    public Builder transport(PacketTransport transport) {
      Objects.requireNonNull(transport, "transport is null");
      return with(
          d -> {
            d.udp = true;
            d.transport = transport;
          });
    }

    /**
     * Our TCP relays (default none): a {@link RelayPool} connects to them; friends are reached
     * through them, and we name the connected ones in our DHT-PK announcements and SHARE_RELAYS.
     * The pool grows from bootstrap nodes' TCP ports and friends' relays (docs/protocol.md 14.5).
     *
     * @param relays the relays
     * @return a new builder with this change
     */
    public Builder relays(List<RelayAddress> relays) {
      return with(d -> d.relays = relays);
    }

    /**
     * Holds direct UDP back from net_crypto until {@code messages} text messages have been received
     * from friends (default 0: never held back), so that connections start on the relays and go
     * direct only then (docs/protocol.md 14.6). A test option: it makes the relayed-then-direct
     * upgrade observable on one machine, where the DHT would otherwise find a peer before the
     * relays carry anything. The DHT and the onion use UDP meanwhile.
     *
     * @param messages messages to receive first, at least 0
     * @return a new builder with this change
     * @throws IllegalArgumentException for a negative count
     */
    public Builder udpAfter(int messages) {
      return with(d -> d.udpAfter = messages);
    }

    /**
     * The clock and executor of the friend layer and of net_crypto (default: a thread of the node's
     * own). Tests pass a {@code VirtualTimeScheduler}; the caller owns it.
     *
     * @param scheduler the scheduler
     * @return a new builder with this change
     */
    public Builder scheduler(Scheduler scheduler) {
      Objects.requireNonNull(scheduler, "scheduler is null");
      return with(d -> d.scheduler = scheduler);
    }

    /** The DHT and onion layers to use instead of the clients (tests). */
    Builder layers(Layers layers) {
      return new Builder(c, layers);
    }

    /**
     * Starts a node when subscribed: binds the UDP socket (unless {@link #noUdp} or a {@link
     * #transport} was given), connects the relays, starts net_crypto, the DHT and the onion
     * clients; {@link ToxNode#bootstrap} then joins the network. Without UDP and without relays the
     * node waits for relays from {@link ToxNode#bootstrap} (bootstrap nodes' TCP ports). Errors
     * with the bind failure. The start blocks briefly (the socket bind), so it runs on {@code
     * Schedulers.boundedElastic()}.
     *
     * @return the running node
     */
    public Mono<ToxNode> bind() {
      return Mono.fromCallable(this::bindNow).subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * As {@link #bind()}, on the calling thread.
     *
     * @return the running node
     * @throws IllegalStateException if the bind failed
     */
    public ToxNode bindNow() {
      return new ToxNode(c, layers != null ? layers : Clients.layers());
    }
  }

  // ---------------------------------------------------------------- the public API

  /**
   * Our Tox ID: long-term key, nospam, checksum.
   *
   * @return the Tox ID
   */
  public ToxId toxId() {
    return new ToxId(realKeys.publicKey(), nospam);
  }

  /**
   * Our DHT public key (new at every start).
   *
   * @return the key
   */
  public PublicKey dhtKey() {
    return dhtKeys.publicKey();
  }

  /**
   * Our UDP port, or 0 without UDP (or on a transport that is not a UDP socket).
   *
   * @return the port
   */
  public int udpPort() {
    return udp instanceof UdpTransport u ? u.localAddress().getPort() : 0;
  }

  /**
   * Joins the network through these DHT nodes (UDP): the DHT bootstraps from them and the onion
   * builds its first paths through them (without UDP too: then a path starts at one of our relays
   * and goes on to these nodes). A node with TCP ports is also a relay of ours: its first TCP port
   * and its key join our relay pool (docs/protocol.md 14.5). Hosts are resolved here; one that does
   * not resolve is skipped and logged.
   *
   * @param nodes the bootstrap nodes
   */
  public void bootstrap(List<BootstrapNode> nodes) {
    DhtLayer d = dht;
    OnionLayer o = onion;
    for (BootstrapNode n : nodes) {
      if (!n.tcpPorts().isEmpty() && !disposed) {
        // the relay pool resolves the host itself, when it connects
        pool.addRelay(RelayAddress.of(n.address().host(), n.tcpPorts().get(0), n.publicKey()));
      }
      InetSocketAddress a = new InetSocketAddress(n.address().host(), n.address().port());
      if (a.isUnresolved()) {
        LOG.warn("bootstrap node {}: unknown host", n);
        continue;
      }
      if (d != null) {
        d.bootstrap(a, n.publicKey());
      }
      if (o != null) {
        o.addBootstrapNode(PackedNode.udp(new IpPort(a.getAddress(), a.getPort()), n.publicKey()));
      }
    }
  }

  /**
   * Adds a friend by Tox ID and sends it a friend request (c-toxcore's {@code tox_friend_add}):
   * through the onion, again every 5 s until the friend comes online.
   *
   * @param id the friend's Tox ID (its nospam goes in the request)
   * @param message the request's message, 1..1016 bytes of UTF-8
   * @return the friend (the existing one if it is a friend already)
   * @throws IllegalArgumentException for our own Tox ID or a message of a bad length
   */
  public Friend addFriend(ToxId id, String message) {
    Objects.requireNonNull(id, "id is null");
    Objects.requireNonNull(message, "message is null");
    int len = message.getBytes(StandardCharsets.UTF_8).length;
    if (len == 0 || len > MAX_REQUEST_MESSAGE) {
      throw new IllegalArgumentException(
          "a friend request message is 1.." + MAX_REQUEST_MESSAGE + " bytes, got " + len);
    }
    return add(id.publicKey(), new Friend.Request(id.nospam(), message));
  }

  /** c-toxcore's TOX_MAX_FRIEND_REQUEST_LENGTH: the longest friend request message. */
  public static final int MAX_REQUEST_MESSAGE = 1016;

  /**
   * Adds a friend without a request (c-toxcore's {@code tox_friend_add_norequest}), e.g. to accept
   * one: the node looks it up and connects once the friend has added us too.
   *
   * @param key the friend's long-term public key
   * @return the friend (the existing one if it is a friend already)
   * @throws IllegalArgumentException for our own key
   */
  public Friend addFriendNoRequest(PublicKey key) {
    return add(Objects.requireNonNull(key, "key is null"), null);
  }

  private Friend add(PublicKey key, Friend.@Nullable Request request) {
    if (key.equals(realKeys.publicKey())) {
      throw new IllegalArgumentException("cannot add our own key as a friend");
    }
    if (disposed) {
      throw new IllegalStateException("node disposed");
    }
    Friend created = new Friend(this, key, request);
    Friend existing = friends.putIfAbsent(key, created);
    if (existing != null) {
      return existing;
    }
    run(created::start);
    return created;
  }

  /**
   * Removes a friend: ends its connection and its streams.
   *
   * @param key the friend's key
   * @return whether it was a friend
   */
  public boolean removeFriend(PublicKey key) {
    Friend f = friends.remove(key);
    if (f != null) {
      run(f::remove);
    }
    return f != null;
  }

  /**
   * A friend by its key.
   *
   * @param key the friend's long-term public key
   * @return the friend, if it is one
   */
  public Optional<Friend> friend(PublicKey key) {
    return Optional.ofNullable(friends.get(key));
  }

  /**
   * Every friend, in no particular order.
   *
   * @return a snapshot
   */
  public List<Friend> friends() {
    return List.copyOf(friends.values());
  }

  /**
   * Friend requests to our Tox ID, hot: up to 256 wait for a slow or absent subscriber.
   *
   * @return the requests
   */
  public Flux<FriendRequest> friendRequests() {
    return requests.asFlux();
  }

  /**
   * What {@link #create(ToxState)} restores: our key, nospam and friends.
   *
   * @return the state now
   */
  public ToxState state() {
    List<ToxState.SavedFriend> saved = new ArrayList<>();
    for (Friend f : friends.values()) {
      Friend.Request r = f.pendingRequest();
      saved.add(
          new ToxState.SavedFriend(
              f.publicKey(), r == null ? null : r.nospam(), r == null ? null : r.message()));
    }
    return new ToxState(realKeys.secretKey(), nospam, saved);
  }

  /**
   * The node's relay pool: the relays it was given, bootstrap nodes' TCP ports and friends' relays
   * (docs/protocol.md 14.5); present even while empty.
   *
   * @return the pool
   */
  public Optional<RelayPool> relayPool() {
    return Optional.of(pool);
  }

  /**
   * Whether net_crypto may use direct UDP now: false without UDP, and until {@link
   * Builder#udpAfter} messages have been received.
   *
   * @return whether direct UDP is let through
   */
  public boolean directAllowed() {
    UdpGate g = udpGate;
    return g != null && g.isOpen();
  }

  /**
   * The node's net_crypto node (its stats, its own connections).
   *
   * @return the node
   */
  public NetCryptoNode netCrypto() {
    return netCrypto;
  }

  /**
   * Whether the DHT has heard a node lately (c-toxcore's DHT_isconnected); false without UDP.
   *
   * @return whether the DHT is connected
   */
  public boolean dhtConnected() {
    DhtLayer d = dht;
    return d != null && d.connected();
  }

  /**
   * Whether our onion announce is accepted by enough nodes (friends can find us).
   *
   * @return whether we are announced
   */
  public boolean announced() {
    OnionLayer o = onion;
    return o != null && o.announced();
  }

  /**
   * Ends every friend connection (kill packets), stops the DHT, the onion and net_crypto, closes
   * the UDP socket the node opened and the relay pool. Returns at once.
   */
  @Override
  public void dispose() {
    if (disposed) {
      return;
    }
    disposed = true;
    running.dispose();
    run(
        () -> {
          friends.values().forEach(Friend::remove);
          requests.tryEmitComplete();
        });
    if (onion != null) {
      onion.dispose();
    }
    if (dht != null) {
      dht.dispose();
    }
    netCrypto.dispose();
    netCrypto
        .onDispose()
        .timeout(Duration.ofSeconds(5))
        .onErrorResume(e -> Mono.empty())
        .doFinally(
            s -> {
              if (demux != null) {
                demux.dispose();
              }
              if (ownsUdp && udp != null) {
                udp.dispose();
              }
              pool.dispose();
              worker.dispose();
              if (ownedScheduler != null) {
                ownedScheduler.dispose();
              }
              terminated.tryEmitEmpty();
            })
        .subscribe();
  }

  /**
   * Completes once {@link #dispose()} has finished: kill packets sent, sockets closed.
   *
   * @return the end of the node
   */
  public Mono<Void> onDispose() {
    return terminated.asMono();
  }

  /**
   * Disposes the node and waits (bounded) until that has finished. Never call it on the node's
   * thread.
   *
   * @param timeout how long to wait at most
   */
  public void disposeNow(Duration timeout) {
    dispose();
    terminated.asMono().timeout(timeout).onErrorResume(e -> Mono.empty()).block();
  }

  /**
   * @return whether {@link #dispose()} was called
   */
  @Override
  public boolean isDisposed() {
    return disposed;
  }

  // ---------------------------------------------------------------- for Friend (node's thread)

  Logger log() {
    return LOG;
  }

  void run(Runnable task) {
    worker.schedule(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            LOG.warn("friend layer task failed", e);
          }
        });
  }

  Disposable after(Duration delay, Runnable task) {
    return worker.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  Disposable every(Duration initialDelay, Duration period, Runnable task) {
    return worker.schedulePeriodically(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            LOG.warn("friend layer timer failed", e);
          }
        },
        initialDelay.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  Disposable onionLookup(PublicKey friend) {
    OnionLayer o = onion;
    return o == null ? Disposables.disposed() : o.lookup(friend);
  }

  Disposable dhtTrack(PublicKey friendDhtKey) {
    DhtLayer d = dht;
    return d == null ? Disposables.disposed() : d.track(friendDhtKey);
  }

  Disposable sendFriendRequest(PublicKey friend, int nospam, Bytes message) {
    OnionLayer o = onion;
    return o == null ? Disposables.disposed() : o.sendFriendRequest(friend, nospam, message);
  }

  void onionFriendOnline(PublicKey friend, boolean online) {
    OnionLayer o = onion;
    if (o != null) {
      o.friendOnline(friend, online);
    }
  }

  boolean serves(Path path) {
    if (path instanceof Path.Relay) {
      return pool.serves(path);
    }
    UdpGate g = udpGate;
    return demux != null
        && !demux.isDisposed()
        && g != null
        && g.isOpen()
        && udp != null
        && udp.serves(path);
  }

  /**
   * A friend named these relays (its DHT-PK announcement or SHARE_RELAYS): while the friend is
   * online on fewer than {@value #RELAYS_PER_FRIEND} of our relays, up to that many that are new to
   * us join our pool (docs/protocol.md 14.5). Node's thread.
   */
  void friendRelays(PublicKey friendDhtKey, List<PackedNode> relays) {
    if (disposed) {
      return;
    }
    int online = pool.onlineRelays(friendDhtKey).size();
    int added = 0;
    for (PackedNode n : relays) {
      if (online + added >= RELAYS_PER_FRIEND) {
        return;
      }
      RelayAddress a =
          RelayAddress.of(n.ipPort().address().getHostAddress(), n.ipPort().port(), n.key());
      if (pool.addRelay(a)) {
        LOG.debug("relay {} of a friend joins our pool", a);
        added++;
      }
    }
  }

  /** c-toxcore's RECOMMENDED_FRIEND_TCP_CONNECTIONS: relays a friend is connected on, wanted. */
  static final int RELAYS_PER_FRIEND = 3;

  /** A friend's text message arrived: counts towards {@link Builder#udpAfter}. Node's thread. */
  void messageReceived() {
    UdpGate g = udpGate;
    if (g != null && g.messageReceived()) {
      LOG.info("direct UDP let through after {} messages", configuredUdpAfter);
      friends.values().forEach(Friend::onDirectAllowed);
    }
  }

  /** The keys of every active relay of our pool. */
  List<PublicKey> ourRelayKeys() {
    return pool.relays().stream()
        .filter(s -> s.role() == RelayStatus.Role.ACTIVE)
        .map(s -> s.address().publicKey())
        .toList();
  }

  /** Our connected relays as TCP nodes (for SHARE_RELAYS and our DHT-PK announcement). */
  List<PackedNode> ourRelayNodes() {
    List<PackedNode> out = new ArrayList<>();
    for (RelayStatus s : pool.relays()) {
      if (!s.connected()) {
        continue;
      }
      try {
        InetAddress ip = InetAddress.getByName(s.address().host());
        out.add(new PackedNode(new IpPort(ip, s.address().port()), true, s.address().publicKey()));
      } catch (UnknownHostException e) {
        // a relay we reach by a name that no longer resolves: not worth naming
      }
    }
    return out;
  }

  private void announceRelays() {
    OnionLayer o = onion;
    if (o == null) {
      return;
    }
    List<PackedNode> now = ourRelayNodes();
    if (!now.equals(announcedRelays)) {
      announcedRelays = now;
      o.announceRelays(now);
    }
  }

  private void onRequest(OnionLayer.Request r) {
    if (r.nospam() != nospam
        || r.from().equals(realKeys.publicKey())
        || friends.containsKey(r.from())
        || !requestsShown.add(r.from())) {
      return;
    }
    String text = new String(r.message().toArray(), StandardCharsets.UTF_8);
    if (requests.tryEmitNext(new FriendRequest(this, r.from(), text)).isFailure()) {
      requestsShown.remove(r.from());
    }
  }

  void requestAnswered(PublicKey from) {
    requestsShown.remove(from);
    OnionLayer o = onion;
    if (o != null) {
      o.forgetFriendRequest(from);
    }
  }
}
