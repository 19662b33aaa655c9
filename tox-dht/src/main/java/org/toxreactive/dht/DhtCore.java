package org.toxreactive.dht;

import io.netty.buffer.ByteBuf;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SecretKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.core.ToxProtocolException;
import org.toxreactive.dht.packet.AnnouncePing;
import org.toxreactive.dht.packet.AnnouncePong;
import org.toxreactive.dht.packet.BootstrapInfo;
import org.toxreactive.dht.packet.CryptoRequest;
import org.toxreactive.dht.packet.DhtEnvelope;
import org.toxreactive.dht.packet.DhtMessage;
import org.toxreactive.dht.packet.DhtPacketKind;
import org.toxreactive.dht.packet.NatPing;
import org.toxreactive.dht.packet.NodesRequest;
import org.toxreactive.dht.packet.NodesResponse;
import org.toxreactive.dht.packet.PingRequest;
import org.toxreactive.dht.packet.PingResponse;

/**
 * A DHT node as a state machine (docs/protocol.md, DHT section): no threads, no locks, no I/O.
 * Inputs are a datagram and its source ({@link #receive}) and the passing of time ({@link #tick});
 * outputs are datagrams and their destinations, handed to an {@link Output}. The clock is the
 * caller's, in milliseconds.
 *
 * <p>What it does, as c-toxcore 0.2.18 ({@code DHT.c}, {@code ping.c}) does it:
 *
 * <ul>
 *   <li>answers ping requests (0x00 → 0x01) and nodes requests (0x02 → 0x04 with the up-to-4
 *       closest good nodes to the searched key, LAN addresses only to LAN requesters), and queues
 *       the requester for a ping of its own ({@code ping_add}): a node enters a list only by
 *       answering a request of ours, with a ping id we handed out, from the address we sent it to;
 *   <li>nodes in a nodes response are never stored directly: those that would fit are asked for
 *       nodes next round ({@code ping_node_from_getnodes_ok});
 *   <li>every second: asks each node not heard from for 60 s for nodes (the liveness check), one
 *       random good node every 20 s (each second for the first 5 rounds), pings the queued
 *       candidates every 2 s; a node is bad after 122 s and no longer asked after 182 s;
 *   <li>routes crypto requests (0x20) for other keys to a close-list node with exactly that key,
 *       and answers NAT pings only from tracked keys (a plain node tracks none but its random ones,
 *       so in practice it only routes);
 *   <li>answers bootstrap info (0xF0) when configured; ignores LAN discovery (0x21);
 *   <li>spends work on a source (a shared key, an answer, a routed packet) only within that source
 *       IP's budget and a global one, checked before any crypto.
 * </ul>
 *
 * <p>Not thread-safe: call it from one thread (the UDP channel's event loop).
 */
public final class DhtCore {
  /** Where the core's datagrams go. The output owns each buffer passed to it. */
  public interface Output {
    /**
     * Sends one datagram.
     *
     * @param packet the datagram; the output releases it
     * @param to where it goes
     */
    void send(ByteBuf packet, IpPort to);
  }

  /**
   * What a DHT client learns (docs/protocol.md section 12.10). Called on the core's thread, inside
   * {@link #receive} or {@link #tick}: a listener must not call back into the core.
   */
  public interface Listener {
    /**
     * A tracked key's own node answered us from {@code address} (c-toxcore's {@code ip_callback} of
     * {@code dht_addfriend}): first, when the address changes, and again at most once a minute
     * while it keeps answering.
     *
     * @param friend the tracked DHT key
     * @param address its direct address
     */
    void friendAddress(PublicKey friend, IpPort address);

    /**
     * A 0x20 request addressed to us, opened, other than a NAT ping (those the core answers).
     *
     * @param sender the sender's DHT key (from the packet, authenticated by the box)
     * @param requestId the first plaintext byte (156 = DHT-PK announcement)
     * @param data the plaintext after it
     * @param source where the packet came from (usually a node routing it)
     */
    void request(PublicKey sender, int requestId, byte[] data, IpPort source);
  }

  /** What a response must match: the key and address a request of ours went to. */
  private record Sent(PublicKey key, IpPort address) {}

  private final KeyPair keys;
  private final PublicKey self;
  private final DhtConfig config;
  private final Output out;
  private final RandomGenerator random;
  private final CryptoBox crypto = new CryptoBox();
  private final SharedKeyCache sharedKeys;
  private final PingArray<Sent> nodesPings;
  private final PingArray<Sent> pings;
  private final PingArray<Sent> announcePings;
  private final SourceLimiter limiter;
  private final CloseList close;
  private final List<DhtFriend> friends = new ArrayList<>();
  private final List<PackedNode> toBootstrap = new ArrayList<>();
  private final List<PackedNode> toPing = new ArrayList<>();
  private final List<PackedNode> bootstrapNodes = new ArrayList<>();
  private @Nullable Listener listener;
  private boolean holePunching = true;
  private boolean askUnstorable;
  private long refreshInterval;
  private long lastRefresh = Assoc.NEVER;
  private final DhtStats stats = new DhtStats();
  private long closeLastGetNodes = Assoc.NEVER;
  private int closeBootstrapTimes;
  private long lastToPing = Assoc.NEVER;
  private long lastTick = Assoc.NEVER;
  private long lastBootstrap = Assoc.NEVER;

  /**
   * A node with an empty close list; call {@link #start} to bootstrap.
   *
   * @param keys the node's DHT key pair
   * @param config its settings
   * @param out where its datagrams go
   * @param random the source of ping ids and random keys (seeded in tests)
   * @param now the caller's clock, in milliseconds
   */
  public DhtCore(KeyPair keys, DhtConfig config, Output out, RandomGenerator random, long now) {
    this.keys = keys;
    this.self = keys.publicKey();
    this.config = config;
    this.out = out;
    this.random = random;
    this.sharedKeys = new SharedKeyCache(keys.secretKey(), config.sharedKeys());
    this.nodesPings = new PingArray<>(DhtTimers.PING_ARRAY_SIZE, DhtTimers.PING_TIMEOUT, random);
    this.pings = new PingArray<>(DhtTimers.PING_ARRAY_SIZE, DhtTimers.PING_TIMEOUT, random);
    this.announcePings = new PingArray<>(DhtTimers.PING_ARRAY_SIZE, DhtTimers.PING_TIMEOUT, random);
    this.limiter =
        new SourceLimiter(
            config.answersPerSecond(),
            config.answerBurst(),
            config.maxSources(),
            config.answersPerSecondTotal(),
            now);
    this.close = new CloseList(self);
    for (int i = 0; i < config.trackedRandomKeys(); i++) {
      byte[] secret = new byte[SecretKey.SIZE];
      random.nextBytes(secret);
      PublicKey randomKey = KeyPair.fromSecretKey(SecretKey.of(secret)).publicKey();
      friends.add(new DhtFriend(randomKey, random.nextLong()));
    }
    for (DhtConfig.BootstrapNode n : config.bootstrapNodes()) {
      bootstrapNodes.add(PackedNode.udp(normalize(n.address()), n.key()));
    }
  }

  /**
   * Makes this core a DHT client: tracked keys' addresses and 0x20 requests for us go to {@code
   * listener} (null: none, as a plain node, which drops those requests).
   *
   * @param listener the listener, or null
   */
  public void listener(@Nullable Listener listener) {
    this.listener = listener;
  }

  /**
   * Turns the hole-punching pings on or off (c-toxcore's {@code hole_punching_enabled}, on by
   * default). NAT pings are exchanged either way.
   *
   * @param on whether punching rounds send pings
   */
  public void holePunching(boolean on) {
    this.holePunching = on;
  }

  /**
   * An experiment, off by default and never on in a real node: when on, a node named in a nodes
   * response is asked for nodes near our key even if its bucket is full of good nodes, i.e. without
   * c-toxcore's {@code ping_node_from_getnodes_ok} check that it could be stored (docs/protocol.md
   * 12.4). Storing is unchanged: such a node is still not stored. The DHT simulation turns it on to
   * test whether that one rule makes close-list walks miss the closest node.
   *
   * @param on whether returned nodes are asked whether or not they could be stored
   */
  public void askUnstorable(boolean on) {
    this.askUnstorable = on;
  }

  /**
   * An experiment, off (0) by default and never on in a real node: every {@code ms} milliseconds,
   * one sparse-bucket refresh ({@link #refreshSparseBucket}, a Kademlia-style bucket refresh cut
   * down to one nodes request; c-toxcore has no such rule, docs/protocol.md 12.4). The DHT
   * simulation turns it on to measure what it does for a network whose nodes all started at once.
   *
   * @param ms the interval in milliseconds, 0 for off
   * @throws IllegalArgumentException if {@code ms} is negative
   */
  public void refreshInterval(long ms) {
    if (ms < 0) {
      throw new IllegalArgumentException("refresh interval must be >= 0 ms, got " + ms);
    }
    this.refreshInterval = ms;
  }

  /**
   * Our DHT public key.
   *
   * @return the key
   */
  public PublicKey publicKey() {
    return self;
  }

  /**
   * The close list (read it on the core's thread).
   *
   * @return the list
   */
  public CloseList closeList() {
    return close;
  }

  /**
   * The tracked keys (the random ones, and any added with {@link #track}).
   *
   * @return a read-only view
   */
  public List<DhtFriend> tracked() {
    return Collections.unmodifiableList(friends);
  }

  /**
   * Tracks {@code key} as of the last tick; see {@link #track(PublicKey, long)}.
   *
   * @param key the key to search for
   * @return its list
   */
  public DhtFriend track(PublicKey key) {
    return track(key, lastTick);
  }

  /**
   * Tracks {@code key} ({@code dht_addfriend}): keeps the 8 nodes closest to it, asks them for
   * nodes near it as for our own key, and hole-punches towards it. The nodes we know closest to it
   * are asked at the next tick. Tracking a key already tracked adds a lock; {@link #untrack}
   * removes one.
   *
   * @param key the key to search for (not ours)
   * @param now the clock
   * @return its list
   * @throws IllegalArgumentException if {@code key} is our own key
   */
  public DhtFriend track(PublicKey key, long now) {
    if (key.equals(self)) {
      throw new IllegalArgumentException("cannot track our own DHT key");
    }
    DhtFriend f = friend(key);
    if (f != null) {
      f.locks++;
      return f;
    }
    f = new DhtFriend(key, random.nextLong());
    f.locks = 1;
    f.toBootstrap.addAll(closestNodes(key, true, now));
    friends.add(f);
    return f;
  }

  /**
   * Removes one lock from {@code key} ({@code dht_delfriend}); the last one stops the search. The
   * core's own random keys cannot be untracked.
   *
   * @param key a key tracked with {@link #track}
   * @return whether the key is no longer tracked
   */
  public boolean untrack(PublicKey key) {
    DhtFriend f = friend(key);
    if (f == null || f.locks == 0) {
      return f == null;
    }
    if (--f.locks > 0) {
      return false;
    }
    friends.remove(f);
    return true;
  }

  /**
   * The counters.
   *
   * @return the stats
   */
  public DhtStats stats() {
    return stats;
  }

  /**
   * Asks every configured bootstrap node for nodes (at start; again while not connected).
   *
   * @param now the caller's clock, in milliseconds
   */
  public void start(long now) {
    bootstrapAll(now);
    publishSize(now);
  }

  private void bootstrapAll(long now) {
    lastBootstrap = now;
    for (PackedNode n : bootstrapNodes) {
      bootstrap(n.ipPort(), n.key(), now);
    }
  }

  /**
   * Asks {@code key} at {@code address} for the nodes closest to us ({@code dht_bootstrap}).
   *
   * @param address the node's address
   * @param key the node's DHT key
   * @param now the clock
   */
  public void bootstrap(IpPort address, PublicKey key, long now) {
    sendNodesRequest(normalize(address), key, self, now);
  }

  /**
   * Bootstraps from {@code key} at {@code address} now and remembers it, so it is asked again every
   * {@link DhtConfig#REBOOTSTRAP_INTERVAL} ms while no node is good (as a Tox application calls
   * {@code tox_bootstrap} again while offline). At most {@link #MAX_BOOTSTRAP_NODES} are kept, the
   * oldest forgotten first.
   *
   * @param address the node's address
   * @param key the node's DHT key
   * @param now the clock
   */
  public void addBootstrapNode(IpPort address, PublicKey key, long now) {
    PackedNode n = PackedNode.udp(normalize(address), key);
    bootstrapNodes.remove(n);
    bootstrapNodes.add(n);
    while (bootstrapNodes.size() > MAX_BOOTSTRAP_NODES) {
      bootstrapNodes.remove(0);
    }
    bootstrap(address, key, now);
  }

  /** Bootstrap nodes remembered by {@link #addBootstrapNode} (and the configured ones). */
  public static final int MAX_BOOTSTRAP_NODES = 64;

  // ------------------------------------------------------------------ inbound

  /**
   * Handles one datagram from {@code source}. Borrows {@code packet}.
   *
   * @param packet the datagram (borrowed: the caller releases it)
   * @param source where it came from
   * @param now the caller's clock, in milliseconds
   */
  public void receive(ByteBuf packet, IpPort source, long now) {
    if (!packet.isReadable()) {
      stats.drop(DhtDrop.MALFORMED);
      return;
    }
    int id = packet.getUnsignedByte(packet.readerIndex());
    DhtPacketKind kind = DhtPacketKind.ofId(id);
    if (kind == null) {
      stats.drop(isAnnounceRequest(id) ? DhtDrop.ANNOUNCE_OFF : DhtDrop.MALFORMED);
      return;
    }
    stats.in(kind);
    source = normalize(source);
    if (!source.isIpv4() && !config.ipv6()) {
      stats.drop(DhtDrop.IPV6_OFF);
      return;
    }
    switch (kind) {
      case PING_REQUEST, PING_RESPONSE, NODES_REQUEST, NODES_RESPONSE, DATA_SEARCH_RESPONSE ->
          enveloped(kind, packet, source, now);
      case CRYPTO -> crypto(packet, source, now);
      case LAN_DISCOVERY -> stats.drop(DhtDrop.LAN_DISCOVERY_OFF);
      case BOOTSTRAP_INFO -> bootstrapInfo(packet, source, now);
      default -> throw new IllegalStateException(kind.toString());
    }
  }

  /**
   * The announce module's requests (0x93, 0x95, 0x97; docs/protocol.md 13.8): the onion node
   * answers them where one runs on the socket; a DHT node alone ignores them, as c-toxcore 0.2.20
   * without its announce module does (no handler registered: the packet is dropped unanswered).
   */
  private static boolean isAnnounceRequest(int id) {
    return id == 0x93 || id == 0x95 || id == 0x97;
  }

  private void enveloped(DhtPacketKind kind, ByteBuf packet, IpPort source, long now) {
    DhtEnvelope env;
    try {
      env = DhtEnvelope.parse(packet);
    } catch (ToxProtocolException e) {
      stats.drop(DhtDrop.MALFORMED);
      return;
    }
    if (env.sender().equals(self)) {
      stats.drop(DhtDrop.FROM_SELF);
      return;
    }
    // Every enveloped packet costs a shared key (an X25519 for a new sender) before anything can be
    // checked, and a request earns an answer: both are charged to the source IP's budget.
    if (!limiter.allow(source.address(), now)) {
      stats.drop(DhtDrop.RATE_LIMITED);
      return;
    }
    SharedKey key = sharedKeys.get(env.sender());
    if (key == null) {
      stats.drop(DhtDrop.BAD_KEY);
      return;
    }
    byte[] plain = env.open(crypto, key);
    if (plain == null) {
      stats.drop(DhtDrop.DECRYPT);
      return;
    }
    DhtMessage message;
    try {
      message = DhtMessage.decode(kind, plain);
    } catch (ToxProtocolException e) {
      stats.drop(DhtDrop.MALFORMED);
      return;
    }
    PublicKey sender = env.sender();
    if (message instanceof PingRequest p) {
      send(new PingResponse(p.pingId()), sender, key, source);
      pingAdd(sender, source, now);
    } else if (message instanceof PingResponse p) {
      Sent s = pings.take(p.pingId(), now);
      if (!matches(s, sender, source)) {
        stats.drop(DhtDrop.UNSOLICITED);
        return;
      }
      addToLists(sender, source, now);
    } else if (message instanceof NodesRequest r) {
      List<PackedNode> nodes = closestNodes(r.target(), Lan.isLan(source), now);
      send(new NodesResponse(nodes, r.pingId()), sender, key, source);
      pingAdd(sender, source, now);
    } else if (message instanceof NodesResponse r) {
      Sent s = nodesPings.take(r.pingId(), now);
      if (!matches(s, sender, source)) {
        stats.drop(DhtDrop.UNSOLICITED);
        return;
      }
      addToLists(sender, source, now);
      for (PackedNode n : r.nodes()) {
        IpPort a = normalize(n.ipPort());
        if (a.port() == 0 || (!a.isIpv4() && !config.ipv6())) {
          continue;
        }
        pingNodeFromGetNodesOk(n.key(), a, now);
        returnedAddress(n.key(), a, sender, now);
      }
    } else if (message instanceof AnnouncePong p) {
      // c-toxcore 0.2.20 handle_data_search_response: the ping id must be ours, for this key
      Sent s = announcePings.take(p.pingId(), now);
      if (s == null || !s.key().equals(sender)) {
        stats.drop(DhtDrop.UNSOLICITED);
        return;
      }
      setAnnounceNode(sender);
    }
  }

  /** Marks {@code key} in every list as a node that answers 0x93 ({@code set_announce_node}). */
  private void setAnnounceNode(PublicKey key) {
    NodeEntry e = close.find(key);
    if (e != null) {
      e.announceNode = true;
    }
    for (DhtFriend f : friends) {
      for (NodeEntry c : f.clients) {
        if (key.equals(c.key)) {
          c.announceNode = true;
        }
      }
    }
  }

  private static boolean matches(@Nullable Sent s, PublicKey sender, IpPort source) {
    return s != null && s.key().equals(sender) && s.address().equals(source);
  }

  private void crypto(ByteBuf packet, IpPort source, long now) {
    CryptoRequest req;
    try {
      req = CryptoRequest.parse(packet);
    } catch (ToxProtocolException e) {
      stats.drop(DhtDrop.MALFORMED);
      return;
    }
    if (!limiter.allow(source.address(), now)) { // routing and opening both cost: one budget
      stats.drop(DhtDrop.RATE_LIMITED);
      return;
    }
    if (!req.receiver().equals(self)) {
      route(req.receiver(), packet);
      return;
    }
    SharedKey key = sharedKeys.get(req.sender());
    if (key == null) {
      stats.drop(DhtDrop.BAD_KEY);
      return;
    }
    byte[] plain = req.open(crypto, key);
    if (plain == null) {
      stats.drop(DhtDrop.DECRYPT);
      return;
    }
    int requestId = plain[0] & 0xFF;
    byte[] data = java.util.Arrays.copyOfRange(plain, 1, plain.length);
    if (requestId == CryptoRequest.NAT_PING) {
      natPing(req.sender(), data, now);
      return;
    }
    if (listener == null) {
      stats.drop(DhtDrop.NOT_HANDLED);
      return;
    }
    listener.request(req.sender(), requestId, data, source);
  }

  /** A NAT ping for us ({@code handle_NATping}); only tracked keys are answered. */
  private void natPing(PublicKey sender, byte[] data, long now) {
    NatPing ping;
    try {
      ping = NatPing.decode(data);
    } catch (ToxProtocolException e) {
      stats.drop(DhtDrop.MALFORMED);
      return;
    }
    DhtFriend friend = friend(sender);
    if (friend == null) {
      stats.drop(DhtDrop.NOT_HANDLED);
      return;
    }
    if (!ping.response()) {
      sendNatPing(friend, ping.pingId(), true, now);
      friend.nat.receivedPingTimestamp = now;
      return;
    }
    if (ping.pingId() != friend.nat.pingId) {
      stats.drop(DhtDrop.UNSOLICITED);
      return;
    }
    friend.nat.pingId = random.nextLong();
    friend.nat.punching = true;
  }

  /**
   * A NAT ping to a tracked key ({@code send_NATping}): a request through every node of its list
   * ({@link #routeToFriend}), a response through one random node.
   */
  private void sendNatPing(DhtFriend f, long pingId, boolean response, long now) {
    SharedKey k = sharedKeys.get(f.key());
    if (k == null) {
      return;
    }
    ByteBuf p =
        CryptoRequest.seal(
            crypto,
            f.key(),
            self,
            k,
            Nonce.random(),
            CryptoRequest.NAT_PING,
            new NatPing(response, pingId).encode());
    try {
      if (response) {
        routeOne(f, p);
      } else {
        routeToFriend(f, p, now);
      }
    } finally {
      p.release();
    }
  }

  // ------------------------------------------------------------------ client: routes to a friend

  /**
   * Sends a 0x20 request {@code requestId ‖ data} to the tracked key {@code friend} through the
   * nodes of its list ({@code route_to_friend}; docs/protocol.md section 12.10): nothing unless at
   * least 2 of them reported an address for it within 122 s and it does not answer us itself (then
   * it is reached directly); else one copy to each node of its list that has an address (IPv4
   * first).
   *
   * @param friend a tracked key
   * @param requestId the request id (156 = DHT-PK announcement)
   * @param data what follows the request id, at most {@link #MAX_REQUEST_DATA} bytes
   * @param now the clock
   * @return the number of copies sent
   * @throws IllegalArgumentException if the id is not 0..255 or the data is too long
   */
  public int routeToFriend(PublicKey friend, int requestId, byte[] data, long now) {
    if (requestId < 0 || requestId > 255) {
      throw new IllegalArgumentException("request id must be 0..255, got " + requestId);
    }
    if (data.length > MAX_REQUEST_DATA) {
      throw new IllegalArgumentException(
          "request data of " + data.length + " bytes, at most " + MAX_REQUEST_DATA);
    }
    DhtFriend f = friend(friend);
    SharedKey k = sharedKeys.get(friend);
    if (f == null || k == null) {
      return 0;
    }
    ByteBuf p = CryptoRequest.seal(crypto, friend, self, k, Nonce.random(), requestId, data);
    try {
      return routeToFriend(f, p, now);
    } finally {
      p.release();
    }
  }

  /** Longest data of a 0x20 request we build: 1024 - 89 - 16 - 1 = 918 bytes. */
  public static final int MAX_REQUEST_DATA =
      CryptoRequest.MAX_SIZE - CryptoRequest.BOX_OFFSET - CryptoBox.MAC_SIZE - 1;

  private int routeToFriend(DhtFriend f, ByteBuf packet, long now) {
    if (friendIpList(f, now).size() < DhtTimers.BUCKET_SIZE / 4) {
      return 0;
    }
    int n = 0;
    for (NodeEntry e : f.clients) {
      if (e.key == null) {
        continue;
      }
      IpPort to = e.ipv4.address;
      if (to == null || !sendable(to)) {
        to = e.ipv6.address;
      }
      if (to != null && sendable(to)) {
        emit(DhtPacketKind.CRYPTO, packet.retainedDuplicate(), to);
        n++;
      }
    }
    return n;
  }

  /** One copy through one random address of the friend's list ({@code routeone_to_friend}). */
  private boolean routeOne(DhtFriend f, ByteBuf packet) {
    List<IpPort> all = new ArrayList<>();
    for (NodeEntry e : f.clients) {
      if (e.key != null) {
        for (Assoc a : new Assoc[] {e.ipv4, e.ipv6}) {
          if (sendable(a.address)) {
            all.add(a.address);
          }
        }
      }
    }
    if (all.isEmpty()) {
      stats.drop(DhtDrop.NOT_ROUTABLE);
      return false;
    }
    emit(DhtPacketKind.CRYPTO, packet.retainedDuplicate(), all.get(random.nextInt(all.size())));
    return true;
  }

  private boolean sendable(@Nullable IpPort a) {
    return a != null && (a.isIpv4() || config.ipv6());
  }

  /**
   * The addresses the nodes of {@code f}'s list reported for it within 122 s, IPv6 ones if at least
   * as many, else IPv4 ones; empty if the friend itself is in its list with a good address ({@code
   * friend_iplist}: "connected directly").
   */
  List<IpPort> friendIpList(DhtFriend f, long now) {
    List<IpPort> v4 = new ArrayList<>();
    List<IpPort> v6 = new ArrayList<>();
    for (NodeEntry e : f.clients) {
      if (e.ipv4.returnedAddress != null
          && e.ipv4.returnedTimestamp + DhtTimers.BAD_NODE_TIMEOUT > now) {
        v4.add(e.ipv4.returnedAddress);
      }
      if (e.ipv6.returnedAddress != null
          && e.ipv6.returnedTimestamp + DhtTimers.BAD_NODE_TIMEOUT > now) {
        v6.add(e.ipv6.returnedAddress);
      }
      if (f.key().equals(e.key) && (!e.ipv4.isBad(now) || !e.ipv6.isBad(now))) {
        return List.of();
      }
    }
    return v6.size() >= v4.size() ? v6 : v4;
  }

  /**
   * The tracked key's direct address ({@code dht_getfriendip}): its own node's IPv6 address if it
   * answered within 122 s, else its IPv4 one if so, else null.
   *
   * @param friend a tracked key
   * @param now the clock
   * @return the address, or null
   */
  public @Nullable IpPort friendAddress(PublicKey friend, long now) {
    DhtFriend f = friend(friend);
    NodeEntry e = f == null ? null : f.find(friend);
    if (e == null) {
      return null;
    }
    if (!e.ipv6.isBad(now)) {
      return e.ipv6.address;
    }
    return e.ipv4.isBad(now) ? null : e.ipv4.address;
  }

  /**
   * Forwards a crypto request unchanged to the close-list node with that key ({@code
   * route_packet}).
   */
  private void route(PublicKey receiver, ByteBuf packet) {
    NodeEntry e = close.find(receiver);
    IpPort to = null;
    if (e != null) {
      to = e.ipv6.address != null && config.ipv6() ? e.ipv6.address : e.ipv4.address;
    }
    if (to == null) {
      stats.drop(DhtDrop.NOT_ROUTABLE);
      return;
    }
    emit(DhtPacketKind.CRYPTO, packet.copy(), to);
  }

  private void bootstrapInfo(ByteBuf packet, IpPort source, long now) {
    if (!BootstrapInfo.isRequest(packet)) {
      stats.drop(DhtDrop.MALFORMED);
      return;
    }
    if (config.info() == null) {
      stats.drop(DhtDrop.INFO_OFF);
      return;
    }
    if (!limiter.allow(source.address(), now)) {
      stats.drop(DhtDrop.RATE_LIMITED);
      return;
    }
    emit(DhtPacketKind.BOOTSTRAP_INFO, config.info().encode(), source);
  }

  // ------------------------------------------------------------------ lists

  /** A verified answer from {@code key} at {@code address} ({@code addto_lists}). */
  private void addToLists(PublicKey key, IpPort address, long now) {
    if (close.update(key, address, now) == CloseList.Update.ADDED) {
      sendAnnouncePing(address, key, now); // c-toxcore 0.2.20 add_to_close
    }
    DhtFriend found = null;
    for (DhtFriend f : friends) {
      if (f.update(key, address, now) && f.key().equals(key)) {
        found = f;
      }
    }
    publishSize(now);
    if (found != null && found.locks > 0 && listener != null) {
      reportAddress(found, address, now);
    }
  }

  /** Tells the listener a friend's address when new, changed, or last told a minute ago. */
  private void reportAddress(DhtFriend f, IpPort address, long now) {
    boolean v4 = address.isIpv4();
    IpPort last = v4 ? f.reported4 : f.reported6;
    long at = v4 ? f.reported4At : f.reported6At;
    if (address.equals(last) && at + DhtTimers.PING_INTERVAL > now) {
      return;
    }
    if (v4) {
      f.reported4 = address;
      f.reported4At = now;
    } else {
      f.reported6 = address;
      f.reported6At = now;
    }
    if (listener != null) {
      listener.friendAddress(f.key(), address);
    }
  }

  private void publishSize(long now) {
    stats.closeList(close.size(), close.goodCount(now));
  }

  /**
   * The up-to-4 good nodes closest to {@code target} from the close list and the tracked keys'
   * lists, each once; LAN addresses only if {@code lan} ({@code get_close_nodes}).
   *
   * @param target the key searched
   * @param lan whether LAN addresses may be returned
   * @param now the caller's clock, in milliseconds
   * @return up to 4 nodes, closest first
   */
  public List<PackedNode> closestNodes(PublicKey target, boolean lan, long now) {
    return closestNodes(target, lan, now, DhtTimers.MAX_SENT_NODES);
  }

  /**
   * As {@link #closestNodes(PublicKey, boolean, long)}, for up to {@code k} nodes (a client's
   * {@code closest(key, k)}).
   *
   * @param target the key searched for
   * @param lan whether LAN addresses may be returned
   * @param now the clock
   * @param k how many at most (1..1024)
   * @return the nodes, closest first
   */
  public List<PackedNode> closestNodes(PublicKey target, boolean lan, long now, int k) {
    return closestNodes(target, lan, now, k, false);
  }

  /**
   * As {@link #closestNodes(PublicKey, boolean, long)}, only nodes that answered our announce ping
   * (0x93) with a valid 0x94: the node list of a data search answer (c-toxcore 0.2.20 {@code
   * get_close_nodes(..., want_announce = true)} in announce.c; docs/protocol.md 13.8).
   *
   * @param target the key searched
   * @param lan whether LAN addresses may be returned
   * @param now the caller's clock, in milliseconds
   * @return up to 4 announce nodes, closest first
   */
  public List<PackedNode> closestAnnounceNodes(PublicKey target, boolean lan, long now) {
    return closestNodes(target, lan, now, DhtTimers.MAX_SENT_NODES, true);
  }

  private List<PackedNode> closestNodes(
      PublicKey target, boolean lan, long now, int k, boolean announce) {
    if (k < 1 || k > DhtTimers.CLOSE_LIST_SIZE) {
      throw new IllegalArgumentException(
          "k must be 1.." + DhtTimers.CLOSE_LIST_SIZE + ", got " + k);
    }
    Best best = new Best(target.toArray(), k);
    for (NodeEntry e : close.slots()) {
      if (!announce || e.announceNode) {
        best.consider(e, lan, now);
      }
    }
    for (DhtFriend f : friends) {
      for (NodeEntry e : f.clients) {
        if (!announce || e.announceNode) {
          best.consider(e, lan, now);
        }
      }
    }
    List<PackedNode> nodes = new ArrayList<>(best.n);
    for (int i = 0; i < best.n; i++) {
      nodes.add(PackedNode.udp(best.address[i], best.key[i]));
    }
    return nodes;
  }

  /**
   * Up to {@code n} good nodes, in random order, for onion paths ({@code randfriends_nodes}): from
   * the lists of the core's random tracked keys (never a real friend's: that would tell path nodes
   * whom we look for), then, if they hold fewer, from the close list (ours).
   *
   * @param n how many at most
   * @param now the clock
   * @return the nodes
   */
  public List<PackedNode> randomNodes(int n, long now) {
    List<PackedNode> nodes = new ArrayList<>();
    int fake = Math.min(config.trackedRandomKeys(), friends.size());
    int r = fake == 0 ? 0 : random.nextInt(fake);
    for (int i = 0; i < fake && nodes.size() < n; i++) {
      listNodes(friends.get((i + r) % fake).clients, nodes, n, now);
    }
    if (nodes.size() < n) {
      listNodes(close.slots().toArray(new NodeEntry[0]), nodes, n, now);
    }
    Collections.shuffle(nodes, new java.util.Random(random.nextLong()));
    return nodes;
  }

  /** Good nodes of {@code list}, last slot first, each key once ({@code list_nodes}). */
  private void listNodes(NodeEntry[] list, List<PackedNode> nodes, int n, long now) {
    for (int i = list.length - 1; i >= 0 && nodes.size() < n; i--) {
      NodeEntry e = list[i];
      PublicKey key = e.key;
      if (key == null) {
        continue;
      }
      IpPort a = null;
      if (!e.ipv4.isBad(now)) {
        a = e.ipv4.address;
      }
      if (!e.ipv6.isBad(now) && config.ipv6() && (a == null || random.nextBoolean())) {
        a = e.ipv6.address;
      }
      if (a == null) {
        continue;
      }
      PackedNode p = PackedNode.udp(a, key);
      boolean dup = false;
      for (PackedNode q : nodes) {
        dup |= q.key().equals(key);
      }
      if (!dup) {
        nodes.add(p);
      }
    }
  }

  /**
   * Whether any close-list node answered within 122 s ({@code dht_isconnected}).
   *
   * @param now the clock
   * @return whether we are connected to the DHT
   */
  public boolean connected(long now) {
    return close.connected(now);
  }

  /** The {@code k} good nodes closest to a key, kept sorted as they are offered. */
  private static final class Best {
    private final byte[] target;
    final PublicKey[] key;
    private final byte[][] keyBytes;
    final IpPort[] address;
    int n;

    Best(byte[] target, int k) {
      this.target = target;
      this.key = new PublicKey[k];
      this.keyBytes = new byte[k][];
      this.address = new IpPort[k];
    }

    void consider(NodeEntry e, boolean lan, long now) {
      PublicKey k = e.key;
      byte[] kb = e.keyBytes;
      Assoc a = e.preferred();
      IpPort at = a.address;
      if (k == null || kb == null || at == null || a.isBad(now) || (!lan && Lan.isLan(at))) {
        return;
      }
      for (int i = 0; i < n; i++) {
        if (key[i].equals(k)) {
          return;
        }
      }
      int pos = n;
      while (pos > 0 && Distance.compare(target, kb, keyBytes[pos - 1]) < 0) {
        pos--;
      }
      if (pos >= key.length) {
        return;
      }
      int last = Math.min(n, key.length - 1);
      for (int i = last; i > pos; i--) {
        key[i] = key[i - 1];
        keyBytes[i] = keyBytes[i - 1];
        address[i] = address[i - 1];
      }
      key[pos] = k;
      keyBytes[pos] = kb;
      address[pos] = at;
      n = Math.min(n + 1, key.length);
    }
  }

  /** Queues a requester for a ping of ours if it could enter the close list ({@code ping_add}). */
  private void pingAdd(PublicKey key, IpPort address, long now) {
    if (!close.addable(key, now)) {
      return;
    }
    NodeEntry known = close.find(key);
    if (known != null
        && !known.assoc(address).isBad(now)
        && address.equals(known.assoc(address).address)) {
      return;
    }
    DhtFriend f = friend(key);
    if (f != null && f.find(key) == null) {
      sendPing(address, key, now);
      return;
    }
    addClosest(toPing, DhtTimers.MAX_TO_PING, key, address, self);
  }

  /** Keeps {@code list} to the {@code max} keys closest to {@code base}; no duplicates. */
  private static boolean addClosest(
      List<PackedNode> list, int max, PublicKey key, IpPort address, PublicKey base) {
    for (PackedNode p : list) {
      if (p.key().equals(key)) {
        return false;
      }
    }
    if (list.size() < max) {
      list.add(PackedNode.udp(address, key));
      return true;
    }
    int worst = 0;
    for (int i = 1; i < list.size(); i++) {
      if (Distance.compare(base, list.get(i).key(), list.get(worst).key()) > 0) {
        worst = i;
      }
    }
    if (Distance.compare(base, key, list.get(worst).key()) < 0) {
      list.set(worst, PackedNode.udp(address, key));
      return true;
    }
    return false;
  }

  /**
   * A node a response named: ask it next round if it would fit ({@code
   * ping_node_from_getnodes_ok}).
   */
  private void pingNodeFromGetNodesOk(PublicKey key, IpPort address, long now) {
    if (key.equals(self)) {
      return;
    }
    if ((askUnstorable || close.addable(key, now)) && !close.containsGood(key, address, now)) {
      addClosest(toBootstrap, DhtTimers.MAX_CLOSE_TO_BOOTSTRAP, key, address, self);
    }
    for (DhtFriend f : friends) {
      if (f.storeOk(key, now) && !f.containsGood(key, address, now)) {
        addClosest(f.toBootstrap, DhtTimers.MAX_SENT_NODES, key, address, f.key());
      }
    }
  }

  /** Records where {@code sender} says {@code key} is ({@code returnedip_ports}). */
  private void returnedAddress(PublicKey key, IpPort address, PublicKey sender, long now) {
    if (key.equals(self)) {
      NodeEntry e = close.find(sender);
      if (e != null) {
        Assoc a = e.assoc(address);
        a.returnedAddress = address;
        a.returnedTimestamp = now;
      }
      return;
    }
    DhtFriend f = friend(key);
    if (f != null) {
      NodeEntry e = f.find(sender);
      if (e != null) {
        Assoc a = e.assoc(address);
        a.returnedAddress = address;
        a.returnedTimestamp = now;
      }
    }
  }

  private @Nullable DhtFriend friend(PublicKey key) {
    for (DhtFriend f : friends) {
      if (f.key().equals(key)) {
        return f;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ periodic

  /**
   * Runs the periodic work; does nothing until a second has passed since the last run.
   *
   * @param now the caller's clock, in milliseconds
   */
  public void tick(long now) {
    if (now - lastTick < DhtTimers.TICK) {
      return;
    }
    lastTick = now;
    doClose(now);
    for (DhtFriend f : friends) {
      for (PackedNode p : f.toBootstrap) {
        sendNodesRequest(p.ipPort(), p.key(), f.key(), now);
      }
      f.toBootstrap.clear();
      f.sort(now);
      int[] times = {f.bootstrapTimes};
      long[] last = {f.lastGetNodes};
      pingAndAsk(f.clients, f.key(), last, times, now);
      f.bootstrapTimes = times[0];
      f.lastGetNodes = last[0];
    }
    if (now - lastToPing >= DhtTimers.TIME_TO_PING && !toPing.isEmpty()) {
      for (PackedNode p : toPing) {
        if (close.addable(p.key(), now)) {
          sendPing(p.ipPort(), p.key(), now);
        }
      }
      toPing.clear();
      lastToPing = now;
    }
    doNat(now);
    if (!bootstrapNodes.isEmpty()
        && !close.connected(now)
        && now - lastBootstrap >= DhtConfig.REBOOTSTRAP_INTERVAL) {
      bootstrapAll(now);
    }
    publishSize(now);
  }

  /** NAT pings and hole punching for every tracked key ({@code do_NAT}). */
  private void doNat(long now) {
    for (DhtFriend f : friends) {
      List<IpPort> ips = friendIpList(f, now);
      if (ips.size() < DhtTimers.BUCKET_SIZE / 2) {
        continue; // reached directly, or not online (too few nodes know it)
      }
      HolePunch nat = f.nat;
      if (nat.pingTimestamp + HolePunch.INTERVAL < now) {
        sendNatPing(f, nat.pingId, false, now);
        nat.pingTimestamp = now;
      }
      if (nat.punching
          && nat.punchingTimestamp + HolePunch.INTERVAL < now
          && nat.receivedPingTimestamp + 2 * HolePunch.INTERVAL >= now) {
        InetAddress ip = commonIp(ips, DhtTimers.BUCKET_SIZE / 2);
        if (ip == null) {
          continue;
        }
        if (nat.punchingTimestamp + HolePunch.RESET_TIME < now) {
          nat.reset();
        }
        int[] ports =
            ips.stream().filter(a -> a.address().equals(ip)).mapToInt(IpPort::port).toArray();
        List<IpPort> targets = nat.round(ip, ports);
        if (holePunching) {
          for (IpPort t : targets) {
            sendPing(t, f.key(), now);
          }
        }
        nat.punchingTimestamp = now;
        nat.punching = false;
      }
    }
  }

  /**
   * The first address whose IP appears at least {@code min} times, or null ({@code nat_commonip}).
   */
  static @Nullable InetAddress commonIp(List<IpPort> list, int min) {
    for (IpPort a : list) {
      int n = 0;
      for (IpPort b : list) {
        if (a.address().equals(b.address())) {
          n++;
        }
      }
      if (n >= min) {
        return a.address();
      }
    }
    return null;
  }

  private void doClose(long now) {
    for (PackedNode p : toBootstrap) {
      sendNodesRequest(p.ipPort(), p.key(), self, now);
    }
    toBootstrap.clear();
    int[] times = {closeBootstrapTimes};
    long[] last = {closeLastGetNodes};
    int notKilled = pingAndAsk(close.slots().toArray(new NodeEntry[0]), self, last, times, now);
    closeBootstrapTimes = times[0];
    closeLastGetNodes = last[0];
    if (refreshInterval > 0 && now - lastRefresh >= refreshInterval) {
      lastRefresh = now;
      refreshSparseBucket(now);
    }
    if (notKilled == 0) {
      // Every node is past the kill timeout: make them merely bad so they are asked again.
      for (NodeEntry e : close.slots()) {
        for (Assoc a : new Assoc[] {e.ipv6, e.ipv4}) {
          if (a.address != null && a.timestamp != Assoc.NEVER) {
            a.timestamp = now - DhtTimers.BAD_NODE_TIMEOUT;
          }
        }
      }
    }
  }

  /**
   * The sparse-bucket refresh (the experiment of {@link #refreshInterval}): picks a random bucket
   * that holds fewer than 8 good nodes, among buckets 0 to one past the deepest holding a good
   * node, makes a random key of that bucket (our first b bits, bit b flipped, the rest random), and
   * asks a random good node of the close list for nodes near that key. The nodes named go through
   * the usual rule ({@code ping_node_from_getnodes_ok}): those the close list could store are asked
   * for nodes near our key next round. Without it a node asks its nodes only for nodes near its own
   * key, so it learns from each no more than the 4 that node knows nearest us (BENCHMARKS.md
   * "Simulation": what it gives).
   *
   * @return the bucket refreshed, or -1 if no node is good or every bucket up to there is full
   */
  int refreshSparseBucket(long now) {
    int[] good = new int[DhtTimers.BUCKETS];
    int deepest = -1;
    List<NodeEntry> slots = close.slots();
    for (int i = 0; i < slots.size(); i++) {
      if (!slots.get(i).isBad(now)) {
        int b = i / DhtTimers.BUCKET_SIZE;
        good[b]++;
        deepest = Math.max(deepest, b);
      }
    }
    if (deepest < 0) {
      return -1;
    }
    int last = Math.min(deepest + 1, DhtTimers.BUCKETS - 1);
    int sparse = 0;
    for (int b = 0; b <= last; b++) {
      if (good[b] < DhtTimers.BUCKET_SIZE) {
        sparse++;
      }
    }
    if (sparse == 0) {
      return -1;
    }
    int pick = random.nextInt(sparse);
    int bucket = 0;
    for (int b = 0; b <= last; b++) {
      if (good[b] < DhtTimers.BUCKET_SIZE && pick-- == 0) {
        bucket = b;
        break;
      }
    }
    PublicKey target = randomKeyInBucket(self, bucket, random);
    List<PackedNode> nodes = new ArrayList<>();
    listNodes(slots.toArray(new NodeEntry[0]), nodes, DhtTimers.CLOSE_LIST_SIZE, now);
    if (nodes.isEmpty()) {
      return -1;
    }
    PackedNode ask = nodes.get(random.nextInt(nodes.size()));
    stats.refreshSent();
    sendNodesRequest(ask.ipPort(), ask.key(), target, now);
    return bucket;
  }

  /**
   * A random key sharing exactly {@code bucket} leading bits with {@code self} (its bit {@code
   * bucket} flipped, the bits after it random): a key of that close-list bucket.
   */
  static PublicKey randomKeyInBucket(PublicKey self, int bucket, RandomGenerator random) {
    byte[] k = new byte[PublicKey.SIZE];
    random.nextBytes(k);
    byte[] s = self.toArray();
    int whole = bucket / 8;
    System.arraycopy(s, 0, k, 0, whole);
    int bit = 7 - bucket % 8; // the flipped bit, counted from the byte's low end
    int mask = (0xFF << bit) & 0xFF; // self's bits before it, and it
    int high = (s[whole] & 0xFF) ^ (1 << bit);
    k[whole] = (byte) ((high & mask) | (k[whole] & ~mask & 0xFF));
    return PublicKey.of(k);
  }

  /**
   * Asks every live address not asked for 60 s, and one random good node every 20 s (or each time
   * during the first 5 rounds); returns the number of addresses not past the kill timeout ({@code
   * do_ping_and_sendnode_requests}).
   */
  private int pingAndAsk(NodeEntry[] list, PublicKey target, long[] last, int[] times, long now) {
    int notKilled = 0;
    List<PublicKey> good = new ArrayList<>();
    List<IpPort> goodAddress = new ArrayList<>();
    for (NodeEntry e : list) {
      PublicKey key = e.key;
      if (key == null) {
        continue;
      }
      for (Assoc a : new Assoc[] {e.ipv6, e.ipv4}) {
        IpPort at = a.address;
        if (at == null || a.isKilled(now)) {
          continue;
        }
        notKilled++;
        if (a.lastPinged + DhtTimers.PING_INTERVAL <= now) {
          sendNodesRequest(at, key, target, now);
          a.lastPinged = now;
        }
        if (!a.isBad(now)) {
          good.add(key);
          goodAddress.add(at);
        }
      }
    }
    if (!good.isEmpty()
        && (last[0] + DhtTimers.GET_NODE_INTERVAL <= now
            || times[0] < DhtTimers.MAX_BOOTSTRAP_TIMES)) {
      int i = randomGoodIndex(random, good.size());
      sendNodesRequest(goodAddress.get(i), good.get(i), target, now);
      last[0] = now;
      times[0]++;
    }
    return notKilled;
  }

  /**
   * c-toxcore's pick of the random good node ({@code do_ping_and_sendnode_requests}): a uniform
   * index, then moved a second uniform step towards the end of the list, so later slots (for the
   * close list the high buckets, the nodes nearest us) are asked more often than a uniform pick
   * would (docs/protocol.md 12.4).
   */
  static int randomGoodIndex(RandomGenerator random, int n) {
    int i = random.nextInt(n);
    if (i != n - 1) {
      i += random.nextInt(n - (i + 1));
    }
    return i;
  }

  // ------------------------------------------------------------------ outbound

  private void sendNodesRequest(IpPort to, PublicKey key, PublicKey target, long now) {
    if (key.equals(self) || (!to.isIpv4() && !config.ipv6())) {
      return;
    }
    SharedKey k = sharedKeys.get(key);
    if (k == null) {
      return;
    }
    long id = nodesPings.add(new Sent(key, to), now);
    send(new NodesRequest(target, id), key, k, to);
  }

  /**
   * The announce ping (0x93 for a random key) to a node just added to the close list; its valid
   * 0x94 makes it an announce node ({@code send_announce_ping}).
   */
  private void sendAnnouncePing(IpPort to, PublicKey key, long now) {
    if (!to.isIpv4() && !config.ipv6()) {
      return;
    }
    SharedKey k = sharedKeys.get(key);
    if (k == null) {
      return;
    }
    byte[] randomKey = new byte[PublicKey.SIZE];
    random.nextBytes(randomKey);
    long id = announcePings.add(new Sent(key, to), now);
    byte[] plain = new AnnouncePing(PublicKey.of(randomKey), id).plaintext();
    stats.announcePingSent();
    out.send(DhtEnvelope.seal(crypto, AnnouncePing.ID, self, k, Nonce.random(), plain), to);
  }

  private void sendPing(IpPort to, PublicKey key, long now) {
    if (key.equals(self) || (!to.isIpv4() && !config.ipv6())) {
      return;
    }
    SharedKey k = sharedKeys.get(key);
    if (k == null) {
      return;
    }
    long id = pings.add(new Sent(key, to), now);
    send(new PingRequest(id), key, k, to);
  }

  private void send(DhtMessage m, PublicKey to, SharedKey key, IpPort address) {
    emit(
        m.kind(),
        DhtEnvelope.seal(crypto, m.kind(), self, key, Nonce.random(), m.plaintext()),
        address);
  }

  private void emit(DhtPacketKind kind, ByteBuf packet, IpPort to) {
    stats.out(kind);
    out.send(packet, to);
  }

  /**
   * IPv4-mapped IPv6 addresses become IPv4 ({@code ip_port_normalize}).
   *
   * @param a an address
   * @return the IPv4 form of an IPv4-mapped address, else {@code a}
   */
  public static IpPort normalize(IpPort a) {
    InetAddress ip = a.address();
    if (ip instanceof Inet6Address) {
      byte[] b = ip.getAddress();
      boolean mapped = b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = b[i] == 0;
      }
      if (mapped) {
        try {
          return new IpPort(
              InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)), a.port());
        } catch (UnknownHostException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return a;
  }

  KeyPair keys() {
    return keys;
  }

  /** Key agreements done so far (shared-key cache misses), for tests. */
  long sharedKeysComputed() {
    return sharedKeys.computed();
  }
}
