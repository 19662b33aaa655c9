package org.toxreactive.transport.tcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.BytesPool;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.NetCryptoPacketKind;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.core.transport.PathEvent;
import org.toxreactive.transport.tcp.packet.Data;
import org.toxreactive.transport.tcp.packet.OnionRequest;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A {@link PacketTransport} over several Tox TCP relays at once: how net_crypto reaches peers it
 * cannot reach directly (docs/protocol.md section 3). Serves {@link Path.Relay} paths whose relay
 * is one of the pool's. Configure with {@link #create}, then {@link RelayPoolBuilder#connectNow()}
 * (or {@link RelayPoolBuilder#connect()}) returns the pool once one relay link is up, {@link
 * RelayPoolBuilder#connectInBackground()} at once with its links coming up behind it.
 *
 * <pre>{@code
 * RelayPool pool = RelayPool.create(dhtKeys)
 *     .relays(List.of(relayA, relayB, relayC, spareD)) // the first active(3) connect, D waits
 *     .reconnect(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)))
 *     .connectNow();                              // waits for the first link, at most 10 s
 * pool.receive().subscribe(d -> netCrypto.handle(d.path(), d.data()));
 * pool.pathEvents().subscribe(e -> log.info("{}", e));
 * pool.route(friendDhtKey);                       // on every active relay, at most 6
 * pool.send(Path.relay(relayA.publicKey(), friendDhtKey), cookieRequest).subscribe();
 * pool.routes(friendDhtKey);                      // [PeerRoute[relay=A.., state=ONLINE], ...]
 * pool.dispose();
 * }</pre>
 *
 * <p><b>Sending</b> on {@code Path.relay(relay, peer)}, in this order:
 *
 * <ol>
 *   <li>Errors with {@link IllegalArgumentException} for another kind of path, a relay that is not
 *       active or spare here, or data that is empty or longer than {@link #MAX_PACKET_SIZE}.
 *   <li>Errors with {@link RelayLinkDownException} if the link to that relay is not up
 *       (reconnecting, a spare, or the pool disposed).
 *   <li>If the peer is online on that relay, sends routed data on its connection id.
 *   <li>Errors with {@link IllegalStateException} if a verdict gave up this path (see below).
 *   <li>Otherwise makes sure a route to the peer is wanted on that relay (requested now, and again
 *       after every reconnect) unless the peer already has {@link #MAX_RELAYS_PER_PEER} relays
 *       (relays whose link was lost not counted) or the packet is a net_crypto cookie response
 *       ({@link NetCryptoPacketKind#COOKIE_RESPONSE}): answering a stranger's cookie request must
 *       not cost one of our 240 route slots. Then sends the data out of band to the peer's DHT key
 *       if it is at most {@value RelayProtocol#MAX_OOB_DATA} bytes (cookie request 145, response
 *       161 and handshake 385 all fit), else errors with {@link IllegalStateException}. A sleeping
 *       peer is not woken by a send.
 * </ol>
 *
 * Completion is not delivery: the relay drops OOB to absent peers silently. When our link is backed
 * up, data and OOB are dropped at once and the Mono errors with {@link RelayBackpressureException}.
 *
 * <p><b>Receiving.</b> Relayed data and OOB packets from every relay are merged into {@link
 * #receive()} as {@code Datagram(Path.relay(relay, peerDhtKey), payload)}; data on a connection id
 * we hold no route on is dropped and counted ({@link #unroutedData()}). net_crypto subscribes
 * {@link #receiveLeased()} instead, which lends the payloads of its data packets rather than
 * copying them, and offers its packets borrowed ({@link #offer(Path, byte[], int, int)}).
 *
 * <p><b>Path events.</b> {@code up} when a peer comes online on a relay; {@code down} when it goes
 * offline there, when the link to the relay closes (for every peer wanted on it, reason {@code
 * "relay link closed: <cause>"}), when the relay is dropped, when a verdict gives the path up, and
 * when {@link #sleep} releases an online route.
 *
 * <p><b>Verdicts</b> ({@link #pathFailed}). The pool keeps, per relay, the set of peers whose paths
 * were reported failed. It drops the relay for everyone (disconnects it, connects the next spare
 * instead and routes there every peer that was wanted on it, the reported ones included) when the
 * verdict concerns the link itself, written {@code Path.relay(relay, relay)} or {@link #dropRelay},
 * or when paths to at least {@value #BLAME_THRESHOLD} different peers on it were reported.
 * Otherwise it only gives up that relay for that peer: its route is disconnected and not made
 * again. Only peers we hold a route to on that relay count as evidence, so neither one friend
 * sending garbage nor strangers sending OOB from throwaway keys can frame a relay. A dropped relay
 * is not used again during the pool's life.
 *
 * <p><b>Reconnects and spares.</b> Each active relay reconnects with the {@link
 * RelayPoolBuilder#reconnect} backoff; on every new link the pool requests again the route of every
 * wanted peer that is awake. If the policy gives up, the relay becomes the last spare and the first
 * spare, if any, takes its place and its peers.
 *
 * <p><b>Sleeping.</b> {@link #sleep} gives up a peer's routes while it is reachable directly over
 * UDP and {@link #wake} requests them again. Unlike c-toxcore the relay links themselves stay up,
 * so OOB keeps working for everyone.
 *
 * <p><b>Threading.</b> Every method is thread-safe. The rules above are a pure state machine inside
 * the pool ({@code RelayPoolRules}, tested without sockets) that changes one call at a time; what a
 * change asks for is carried out in order after it. Datagrams are emitted one at a time on relay
 * event loops; path events one at a time, in order, on a relay event loop or on the thread of the
 * call that caused them ({@link #sleep}, {@link #pathFailed}, ...): subscribers that do real work
 * should {@code publishOn} elsewhere. A subscriber may call the pool back; its calls take effect
 * after the event it is handling. No reference-counted object crosses this API.
 */
public final class RelayPool implements PacketTransport {
  /** Largest packet: the payload of a routed data packet, 2032 - 1 (connection id) = 2031. */
  public static final int MAX_PACKET_SIZE = Data.MAX_PAYLOAD;

  /** Relays one peer is routed on at most (c-toxcore's MAX_FRIEND_TCP_CONNECTIONS). */
  public static final int MAX_RELAYS_PER_PEER = 6;

  /**
   * Relays a pool holds at most, active and spare together: {@link #addRelay} takes no more
   * (docs/protocol.md 14.5). c-toxcore keeps every relay it is given connected until unused ones
   * are closed; a pool bounds what friends and bootstrap nodes can make it hold.
   */
  public static final int MAX_RELAYS = 16;

  /** Peers whose failed paths on one relay make the pool drop that relay. */
  public static final int BLAME_THRESHOLD = 2;

  /**
   * Whether sending {@code data} to a peer not routed yet asks the relay for a route to it: not for
   * a net_crypto cookie response, the answer to a stranger's cookie request (which must not cost
   * one of our 240 route slots); for every other net_crypto packet and for anything else. A switch
   * without a default: a new packet kind must be decided on here.
   */
  static boolean makesRoute(Bytes data) {
    NetCryptoPacketKind kind = NetCryptoPacketKind.of(data);
    if (kind == null) {
      return true;
    }
    return switch (kind) {
      case COOKIE_RESPONSE -> false;
      case COOKIE_REQUEST, HANDSHAKE, DATA -> true;
    };
  }

  private final RelayPoolConfig config;
  private final PoolOutlets outlets;
  private final PoolLane lane;
  private final RelayPoolRules rules;
  private final Sinks.Empty<Void> onDispose = Sinks.empty();
  private final Sinks.Empty<Void> ready = Sinks.empty();
  private volatile boolean disposed;

  /**
   * A pool that will connect with {@code dhtKeys}, our DHT key pair: our identity towards relays
   * and the key routed peers know us by.
   *
   * @param dhtKeys our DHT key pair
   * @return a builder
   */
  public static RelayPoolBuilder create(KeyPair dhtKeys) {
    return RelayPoolBuilder.create(Objects.requireNonNull(dhtKeys, "dhtKeys is null"));
  }

  private final reactor.netty.resources.@Nullable LoopResources loops;

  RelayPool(RelayPoolConfig config, reactor.netty.resources.@Nullable LoopResources loops) {
    this.config = config;
    this.loops = loops;
    this.outlets = new PoolOutlets(config.receiveQueue());
    this.lane =
        new PoolLane(
            config,
            outlets,
            this::client,
            ready::tryEmitEmpty,
            why -> ready.tryEmitError(new RelayLinkDownException(why)));
    this.rules = lane.rules();
  }

  /** Starts the links of a new pool; called once by the builder. */
  RelayPool startLinks() {
    lane.run(RelayPoolRules::start);
    return this;
  }

  /**
   * The configuration the pool was built with.
   *
   * @return the configuration
   */
  public RelayPoolConfig configuration() {
    return config;
  }

  // ---------------------------------------------------------------- PacketTransport

  /**
   * Inbound packets of every relay, routed or OOB, each with its {@link Path.Relay}. One subscriber
   * at a time (a second concurrent one gets an {@link IllegalStateException}); packets that do not
   * fit its queue, or arrive while nobody subscribes, are dropped and counted in {@link
   * #droppedInbound()}. Completes when the pool is disposed.
   */
  @Override
  public Flux<Datagram> receive() {
    return outlets.receive();
  }

  /**
   * As {@link #receive()}, for a subscriber that ends loans ({@link
   * PacketTransport#receiveLeased()}): while this subscription lasts, the payload of a routed data
   * packet that is a net_crypto data packet (first byte 0x1B, up to 1,400 bytes) comes in an array
   * lent from the pool's {@link BytesPool} (up to 1,024 free arrays, made on first use) instead of
   * a new one; the subscriber ends each loan with {@link BytesPool#release} once read. Everything
   * else (OOB, other payloads) is an ordinary copy. Datagrams dropped on the way (a full queue,
   * data on a connection id without a route, a link's full event buffer) and those still queued
   * when the subscriber cancels have their loans ended by the pool. Shares {@link #receive()}'s
   * one-subscriber rule; a {@link #receive()} subscriber never gets a loan from here.
   */
  @Override
  public Flux<Datagram> receiveLeased() {
    return outlets.receiveLeased();
  }

  /** The lender of {@link #receiveLeased()} (its pool's counts, for tests). */
  PayloadLender lender() {
    return outlets.lender();
  }

  /** See the class javadoc for the rules; never throws. */
  @Override
  public Mono<Void> send(Path path, Bytes data) {
    return Mono.defer(
        () -> {
          Objects.requireNonNull(path, "path");
          Objects.requireNonNull(data, "data");
          if (!(path instanceof Path.Relay r)) {
            return Mono.error(new IllegalArgumentException("a relay pool cannot send on " + path));
          }
          if (data.isEmpty() || data.length() > MAX_PACKET_SIZE) {
            return Mono.error(
                new IllegalArgumentException(
                    "relayed packets are 1.." + MAX_PACKET_SIZE + " bytes, got " + data.length()));
          }
          if (disposed) {
            return Mono.error(new RelayLinkDownException("the relay pool is disposed"));
          }
          RelayPoolRules.Relay relay = rules.active(r.relay());
          if (relay != null) {
            return send(relay, r.peer(), data);
          }
          if (rules.isSpare(r.relay())) {
            return Mono.error(
                new RelayLinkDownException("relay " + r.relay() + " is a spare, not connected"));
          }
          return Mono.error(
              new IllegalArgumentException(
                  "relay " + r.relay() + " is not an active or spare relay of this pool"));
        });
  }

  /**
   * As {@link #send}, without the Mono when the peer is online on the relay (the per-packet case);
   * anything else (out of band, a route still being made) goes through {@link #send}.
   */
  @Override
  public boolean offer(Path path, Bytes data) {
    if (!(path instanceof Path.Relay r)
        || data == null
        || data.isEmpty()
        || data.length() > MAX_PACKET_SIZE
        || disposed) {
      return false;
    }
    RelayPoolRules.Relay relay = rules.active(r.relay());
    PoolLane.Live live = relay == null ? null : lane.live(r.relay());
    if (relay == null || live == null) {
      return false;
    }
    RelayPoolRules.Route route = onlineRoute(relay, live, r.peer());
    if (route != null) {
      live.connection().offer(route.connectionId(), data);
    } else {
      send(relay, r.peer(), data).subscribe(null, e -> {});
    }
    return true;
  }

  /**
   * As {@link #offer(Path, Bytes)}, of {@code length} bytes of {@code packet} from {@code offset},
   * <b>borrowed</b>: to a peer online on the relay they are copied into a pooled buffer of the link
   * (the routed packet's plaintext) before this returns and sealed from there into the frame on the
   * link's event loop, with no {@link Bytes} in between; anything else (out of band, a route still
   * being made) is copied into {@link Bytes} and goes through {@link #send}. Either way the caller
   * may overwrite its array as soon as this returns. Refused (false, never thrown) on the same
   * grounds as {@link #offer(Path, Bytes)}, and for offsets outside the array.
   */
  @Override
  public boolean offer(Path path, byte[] packet, int offset, int length) {
    if (!(path instanceof Path.Relay r)
        || packet == null
        || offset < 0
        || length < 1
        || length > packet.length - offset
        || length > MAX_PACKET_SIZE
        || disposed) {
      return false;
    }
    RelayPoolRules.Relay relay = rules.active(r.relay());
    PoolLane.Live live = relay == null ? null : lane.live(r.relay());
    if (relay == null || live == null) {
      return false;
    }
    RelayPoolRules.Route route = onlineRoute(relay, live, r.peer());
    if (route != null) {
      return live.connection().offer(route.connectionId(), packet, offset, length);
    } else {
      send(relay, r.peer(), Bytes.of(packet, offset, length)).subscribe(null, e -> {});
    }
    return true;
  }

  /** {@code peer}'s route on {@code relay} if it is online and assigned on the live link. */
  private static RelayPoolRules.@Nullable Route onlineRoute(
      RelayPoolRules.Relay relay, PoolLane.Live live, PublicKey peer) {
    RelayPoolRules.Route route = relay.route(peer);
    return route != null && route.online() && route.assignedOn(live.id()) ? route : null;
  }

  private Mono<Void> send(RelayPoolRules.Relay relay, PublicKey peer, Bytes data) {
    PoolLane.Live live = lane.live(relay.key());
    if (live == null) {
      return Mono.error(
          new RelayLinkDownException("the link to relay " + relay.address + " is down"));
    }
    RelayConnection c = live.connection();
    RelayPoolRules.Route route = onlineRoute(relay, live, peer);
    if (route != null) {
      return c.send(route.connectionId(), data);
    }
    String verdict = relay.givenUpReason(peer);
    if (verdict != null) {
      return Mono.error(
          new IllegalStateException(
              "path to " + peer + " via relay " + relay.key() + " was given up: " + verdict));
    }
    if (relay.route(peer) == null && makesRoute(data)) {
      lane.run(rr -> rr.autoRoute(relay.key(), peer));
    }
    if (data.length() > RelayProtocol.MAX_OOB_DATA) {
      return Mono.error(
          new IllegalStateException(
              "peer "
                  + peer
                  + " is not online on relay "
                  + relay.key()
                  + " and "
                  + data.length()
                  + " bytes exceed the out-of-band limit of "
                  + RelayProtocol.MAX_OOB_DATA));
    }
    return c.sendOob(peer, data);
  }

  /** A {@link Path.Relay} whose relay is active or spare in this pool. */
  @Override
  public boolean serves(Path path) {
    return path instanceof Path.Relay r
        && (rules.active(r.relay()) != null || rules.isSpare(r.relay()));
  }

  /** {@value #MAX_PACKET_SIZE}. */
  @Override
  public int maxPacketSize() {
    return MAX_PACKET_SIZE;
  }

  /** See the class javadoc. Hot; any number of subscribers; completes when disposed. */
  @Override
  public Flux<PathEvent> pathEvents() {
    return outlets.pathEvents();
  }

  /**
   * The user's verdict on a path; see the class javadoc for when it drops the relay. Paths of other
   * kinds, of relays not active here, or after dispose are ignored. Never throws.
   */
  @Override
  public void pathFailed(Path path, String reason) {
    if (!(path instanceof Path.Relay r)) {
      return;
    }
    String why = reason == null || reason.isBlank() ? "no reason given" : reason;
    if (r.peer().equals(r.relay())) {
      lane.run(rr -> rr.dropRelay(r.relay(), why));
    } else {
      lane.run(rr -> rr.pathFailed(r.relay(), r.peer(), why));
    }
  }

  /**
   * Drops an active relay for everyone, for good: disconnects it and connects the next spare,
   * routing there the peers that were wanted on it. Same as {@code pathFailed(Path.relay(relay,
   * relay), reason)}.
   *
   * @param relay the relay's key
   * @param reason why, for the logs and {@link #relays()}
   */
  public void dropRelay(PublicKey relay, String reason) {
    pathFailed(Path.relay(Objects.requireNonNull(relay, "relay"), relay), reason);
  }

  // ---------------------------------------------------------------- growing

  /**
   * Adds a relay to the running pool (a friend shared it, a bootstrap node has a TCP port;
   * docs/protocol.md 14.5). Idempotent: a relay already active, spare or dropped changes nothing.
   * While fewer than {@link RelayPoolConfig#active()} relays are active it becomes active at once,
   * connects in the background and carries every peer {@link #route}d on fewer than {@value
   * #MAX_RELAYS_PER_PEER} relays. Otherwise it takes the place of the first active relay whose link
   * is down after a failure (that one becomes the last spare), or waits as the last spare while the
   * pool holds fewer than {@value #MAX_RELAYS} relays, or replaces the first spare that left the
   * active set unreachable. Never throws for a known relay.
   *
   * @param relay the relay's address and key
   * @return whether the pool took it (false: known already, the pool full of live relays, or
   *     disposed)
   */
  public boolean addRelay(RelayAddress relay) {
    Objects.requireNonNull(relay, "relay");
    if (disposed) {
      return false;
    }
    return lane.call(r -> r.addRelay(relay)).taken();
  }

  // ---------------------------------------------------------------- routes

  /**
   * Wants a route to {@code peer} (its DHT key) on every active relay, until it has {@value
   * #MAX_RELAYS_PER_PEER}; relays that gave the path up are skipped, and a relay whose link was
   * lost (reconnecting) does not count towards the limit. Returns how many relays now hold a route
   * to it (sleeping ones included, those whose link was lost not).
   *
   * @param peer the peer's DHT key
   * @return on how many relays a route is wanted
   */
  public int route(PublicKey peer) {
    Objects.requireNonNull(peer, "peer");
    return lane.call(r -> r.route(peer));
  }

  /**
   * Forgets {@code peer} on every relay: its routes are disconnected and not made again.
   *
   * @param peer the peer's DHT key
   */
  public void unroute(PublicKey peer) {
    Objects.requireNonNull(peer, "peer");
    lane.run(r -> r.unroute(peer));
  }

  /**
   * Gives up {@code peer}'s routes while it is reachable another way (direct UDP), remembering them
   * for {@link #wake}. Online routes get a {@code down} path event.
   *
   * @param peer the peer's DHT key
   */
  public void sleep(PublicKey peer) {
    Objects.requireNonNull(peer, "peer");
    lane.run(r -> r.sleep(peer));
  }

  /**
   * net_crypto's hint: {@code standby} true sleeps the peer of {@code path} ({@link #sleep}), false
   * wakes it ({@link #wake}). Paths of other kinds or relays are ignored.
   */
  @Override
  public void standby(Path path, boolean standby) {
    if (path instanceof Path.Relay r && serves(path)) {
      if (standby) {
        sleep(r.peer());
      } else {
        wake(r.peer());
      }
    }
  }

  /**
   * Requests again the routes {@link #sleep} gave up.
   *
   * @param peer the peer's DHT key
   */
  public void wake(PublicKey peer) {
    Objects.requireNonNull(peer, "peer");
    lane.run(r -> r.wake(peer));
  }

  /**
   * {@code peer}'s routes on the active relays, in relay order.
   *
   * @param peer the peer's DHT key
   * @return the routes
   */
  public List<PeerRoute> routes(PublicKey peer) {
    Objects.requireNonNull(peer, "peer");
    List<PeerRoute> out = new ArrayList<>();
    for (RelayPoolRules.Relay relay : lane.call(RelayPoolRules::activeRelays)) {
      RelayPoolRules.Route r = relay.route(peer);
      if (r != null) {
        out.add(new PeerRoute(relay.key(), r.state(relay.link())));
      }
    }
    return out;
  }

  /**
   * The relays on which {@code peer} is online now, in relay order.
   *
   * @param peer the peer's DHT key
   * @return the relays' keys
   */
  public List<PublicKey> onlineRelays(PublicKey peer) {
    return routes(peer).stream()
        .filter(r -> r.state() == PeerRoute.State.ONLINE)
        .map(PeerRoute::relay)
        .toList();
  }

  /**
   * Every relay of the pool: active ones in order, then spares, then dropped ones.
   *
   * @return a snapshot of each relay
   */
  public List<RelayStatus> relays() {
    return lane.call(RelayPoolRules::statuses);
  }

  /**
   * Inbound packets dropped because the subscriber was slow or absent.
   *
   * @return the count so far
   */
  public long droppedInbound() {
    return outlets.droppedInbound();
  }

  /**
   * Relayed data dropped because it came on a connection id we hold no route on.
   *
   * @return the count so far
   */
  public long unroutedData() {
    return outlets.unroutedDataCount();
  }

  /**
   * Path events a slow subscriber missed.
   *
   * @return the count so far
   */
  public long droppedPathEvents() {
    return outlets.droppedEvents();
  }

  // ---------------------------------------------------------------- onion (relay packets 8 and 9)

  /**
   * The relays whose link is up now, in relay order: those an onion request can go through.
   *
   * @return their keys
   */
  public List<PublicKey> connectedRelays() {
    List<PublicKey> out = new ArrayList<>();
    for (RelayPoolRules.Relay relay : lane.call(RelayPoolRules::activeRelays)) {
      if (relay.link() != 0) {
        out.add(relay.key());
      }
    }
    return out;
  }

  /**
   * Sends an onion request (relay packet 8) through {@code relay}, which acts as onion node 1
   * (docs/protocol.md 5): {@code payload} is the hop-1 plaintext (node 2's address, the key for
   * node 2 and node 2's box). The answer comes on {@link #onionResponses()}. Never throws.
   *
   * @param relay an active relay's key
   * @param nonce the onion nonce
   * @param payload the hop-1 plaintext, {@link OnionRequest#MIN_PAYLOAD}..{@link
   *     OnionRequest#MAX_PAYLOAD} bytes
   * @return false if refused at once: not a connected relay of this pool, a bad length, or disposed
   */
  public boolean sendOnionRequest(PublicKey relay, Nonce nonce, Bytes payload) {
    if (disposed || relay == null || nonce == null || payload == null) {
      return false;
    }
    if (payload.length() < OnionRequest.MIN_PAYLOAD
        || payload.length() > OnionRequest.MAX_PAYLOAD) {
      return false;
    }
    PoolLane.Live live = rules.active(relay) == null ? null : lane.live(relay);
    if (live == null) {
      return false;
    }
    live.connection().sendOnionRequest(nonce, payload).subscribe(null, e -> {});
    return true;
  }

  /**
   * Onion responses (relay packet 9) from every relay of the pool, with the relay each came from.
   * Hot: any number of subscribers; responses that arrive with none, or that a slow one cannot
   * take, are dropped and counted in {@link #droppedOnionResponses()}. Completes when the pool is
   * disposed. Emitted on relay event loops.
   *
   * @return the responses
   */
  public Flux<RelayOnionResponse> onionResponses() {
    return outlets.onionResponses();
  }

  /**
   * Onion responses nobody took.
   *
   * @return the count so far
   */
  public long droppedOnionResponses() {
    return outlets.droppedOnionResponses();
  }

  // ---------------------------------------------------------------- lifecycle

  /** Closes every link; {@link #receive()} and {@link #pathEvents()} complete. */
  @Override
  public void dispose() {
    if (disposed) {
      return;
    }
    disposed = true;
    lane.run(RelayPoolRules::close);
    lane.stopAll();
    outlets.close();
    ready.tryEmitError(
        new RelayLinkDownException("the relay pool was disposed before a relay link came up"));
    onDispose.tryEmitEmpty();
  }

  @Override
  public boolean isDisposed() {
    return disposed;
  }

  /**
   * @return completes once {@link #dispose()} has closed everything
   */
  public Mono<Void> onDispose() {
    return onDispose.asMono();
  }

  /**
   * Readiness: completes as soon as the link to one relay is up (at once if one is up already), so
   * {@link #send} and out-of-band cookie requests have a relay to go through; errors with {@link
   * RelayLinkDownException} if the pool is disposed first, or if every relay's reconnect policy
   * gave up before any link came up (the message names how many relays and the last cause; the pool
   * goes on trying its spares). Bound it with {@code timeout}: with the default policy relays that
   * cannot be reached are retried forever. {@link RelayPoolBuilder#connect()} is this Mono with the
   * pool as its value.
   *
   * <pre>{@code
   * RelayPool pool = RelayPool.create(dhtKeys).relays(relays).connectInBackground();
   * pool.ready().block(Duration.ofSeconds(10));
   * }</pre>
   *
   * @return completes when the pool can send
   */
  public Mono<Void> ready() {
    return ready.asMono();
  }

  /**
   * Disposes the pool and waits until every link has closed. Never call it on an event loop.
   *
   * @param timeout how long to wait at most
   * @throws IllegalStateException if the pool has not closed within {@code timeout}
   */
  public void disposeNow(java.time.Duration timeout) {
    dispose();
    onDispose.asMono().block(timeout);
  }

  @Override
  public String toString() {
    return "RelayPool[" + rules.activeCount() + " active, " + rules.spareCount() + " spare]";
  }

  private RelayClient client(RelayAddress address) {
    return RelayClient.create(address, config.keys())
        .reconnect(config.reconnect())
        .scheduler(config.scheduler())
        .proxy(config.proxy())
        .loopResources(loops)
        .lendPayloads(outlets.lender());
  }
}
