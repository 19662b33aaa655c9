package org.toxreactive.dht;

import io.netty.buffer.ByteBuf;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.random.RandomGenerator;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.core.ToxProtocolException;
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
     * Sends {@code packet} to {@code to}; called synchronously from the core's methods.
     *
     * @param packet the datagram; the output owns it (writes or releases it)
     * @param to the destination
     */
    void send(ByteBuf packet, IpPort to);
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
  private final SourceLimiter limiter;
  private final CloseList close;
  private final List<DhtFriend> friends = new ArrayList<>();
  private final List<PackedNode> toBootstrap = new ArrayList<>();
  private final List<PackedNode> toPing = new ArrayList<>();
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
    this.limiter =
        new SourceLimiter(
            config.answersPerSecond(),
            config.answerBurst(),
            config.maxSources(),
            config.answersPerSecondTotal(),
            now);
    this.close = new CloseList(self);
    for (int i = 0; i < config.trackedRandomKeys(); i++) {
      friends.add(new DhtFriend(KeyPair.generate().publicKey()));
    }
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
   * @return the live list
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
   * Tracks {@code key}: keeps the 8 closest nodes to it (a DHT client's friend search).
   *
   * @param key the key to search for
   * @return the tracked entry (the existing one if already tracked)
   */
  public DhtFriend track(PublicKey key) {
    for (DhtFriend f : friends) {
      if (f.key().equals(key)) {
        return f;
      }
    }
    DhtFriend f = new DhtFriend(key);
    friends.add(f);
    return f;
  }

  /**
   * The counters, readable from any thread.
   *
   * @return the live counters
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
    for (DhtConfig.BootstrapNode n : config.bootstrapNodes()) {
      bootstrap(n.address(), n.key(), now);
    }
  }

  /**
   * Asks {@code key} at {@code address} for the nodes closest to us ({@code dht_bootstrap}).
   *
   * @param address the node's UDP address
   * @param key its DHT key
   * @param now the caller's clock, in milliseconds
   */
  public void bootstrap(IpPort address, PublicKey key, long now) {
    sendNodesRequest(normalize(address), key, self, now);
  }

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
    DhtPacketKind kind = DhtPacketKind.ofId(packet.getUnsignedByte(packet.readerIndex()));
    if (kind == null) {
      stats.drop(DhtDrop.MALFORMED);
      return;
    }
    stats.in(kind);
    source = normalize(source);
    if (!source.isIpv4() && !config.ipv6()) {
      stats.drop(DhtDrop.IPV6_OFF);
      return;
    }
    switch (kind) {
      case PING_REQUEST, PING_RESPONSE, NODES_REQUEST, NODES_RESPONSE ->
          enveloped(kind, packet, source, now);
      case CRYPTO -> crypto(packet, source, now);
      case LAN_DISCOVERY -> stats.drop(DhtDrop.LAN_DISCOVERY_OFF);
      case BOOTSTRAP_INFO -> bootstrapInfo(packet, source, now);
      default -> throw new IllegalStateException(kind.toString());
    }
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
    }
  }

  private static boolean matches(Sent s, PublicKey sender, IpPort source) {
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
    DhtFriend friend = friend(req.sender());
    if (requestId != CryptoRequest.NAT_PING || friend == null) {
      stats.drop(DhtDrop.NOT_HANDLED);
      return;
    }
    NatPing ping;
    try {
      ping = NatPing.decode(java.util.Arrays.copyOfRange(plain, 1, plain.length));
    } catch (ToxProtocolException e) {
      stats.drop(DhtDrop.MALFORMED);
      return;
    }
    if (ping.response()) {
      stats.drop(DhtDrop.NOT_HANDLED); // we never send NAT ping requests (no hole punching)
      return;
    }
    // Answer through one node that knows the friend's address (c-toxcore routeone_to_friend).
    List<NodeEntry> via = new ArrayList<>();
    for (NodeEntry e : friend.clients) {
      if (e.key != null && returnedRecently(e, now)) {
        via.add(e);
      }
    }
    if (via.isEmpty()) {
      stats.drop(DhtDrop.NOT_ROUTABLE);
      return;
    }
    NodeEntry e = via.get(random.nextInt(via.size()));
    Assoc a = e.ipv4.returnedTimestamp + DhtTimers.BAD_NODE_TIMEOUT > now ? e.ipv4 : e.ipv6;
    ByteBuf reply =
        CryptoRequest.seal(
            crypto,
            req.sender(),
            self,
            key,
            Nonce.random(),
            CryptoRequest.NAT_PING,
            new NatPing(true, ping.pingId()).encode());
    emit(DhtPacketKind.CRYPTO, reply, a.address);
  }

  private static boolean returnedRecently(NodeEntry e, long now) {
    return (e.ipv4.returnedAddress != null
            && e.ipv4.returnedTimestamp + DhtTimers.BAD_NODE_TIMEOUT > now
            && e.ipv4.address != null)
        || (e.ipv6.returnedAddress != null
            && e.ipv6.returnedTimestamp + DhtTimers.BAD_NODE_TIMEOUT > now
            && e.ipv6.address != null);
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
    close.update(key, address, now);
    for (DhtFriend f : friends) {
      f.update(key, address, now);
    }
    publishSize(now);
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
    byte[] t = target.toArray();
    NodeEntry[] best = new NodeEntry[DhtTimers.MAX_SENT_NODES];
    Assoc[] bestAssoc = new Assoc[DhtTimers.MAX_SENT_NODES];
    int[] n = {0};
    for (NodeEntry e : close.slots()) {
      consider(e, t, lan, now, best, bestAssoc, n);
    }
    for (DhtFriend f : friends) {
      for (NodeEntry e : f.clients) {
        consider(e, t, lan, now, best, bestAssoc, n);
      }
    }
    List<PackedNode> nodes = new ArrayList<>(n[0]);
    for (int i = 0; i < n[0]; i++) {
      nodes.add(PackedNode.udp(bestAssoc[i].address, best[i].key));
    }
    return nodes;
  }

  private static void consider(
      NodeEntry e, byte[] t, boolean lan, long now, NodeEntry[] best, Assoc[] bestAssoc, int[] n) {
    if (e.key == null) {
      return;
    }
    Assoc a = e.preferred();
    if (a.address == null || a.isBad(now) || (!lan && Lan.isLan(a.address))) {
      return;
    }
    int count = n[0];
    for (int i = 0; i < count; i++) {
      if (best[i].key.equals(e.key)) {
        return;
      }
    }
    int pos = count;
    while (pos > 0 && Distance.compare(t, e.keyBytes, best[pos - 1].keyBytes) < 0) {
      pos--;
    }
    if (pos >= best.length) {
      return;
    }
    int last = Math.min(count, best.length - 1);
    for (int i = last; i > pos; i--) {
      best[i] = best[i - 1];
      bestAssoc[i] = bestAssoc[i - 1];
    }
    best[pos] = e;
    bestAssoc[pos] = a;
    n[0] = Math.min(count + 1, best.length);
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
    if (close.addable(key, now) && !close.containsGood(key, address, now)) {
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

  private DhtFriend friend(PublicKey key) {
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
    if (!config.bootstrapNodes().isEmpty()
        && !close.connected(now)
        && now - lastBootstrap >= DhtConfig.REBOOTSTRAP_INTERVAL) {
      bootstrapAll(now);
    }
    publishSize(now);
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
   * Asks every live address not asked for 60 s, and one random good node every 20 s (or each time
   * during the first 5 rounds); returns the number of addresses not past the kill timeout ({@code
   * do_ping_and_sendnode_requests}).
   */
  private int pingAndAsk(NodeEntry[] list, PublicKey target, long[] last, int[] times, long now) {
    int notKilled = 0;
    List<NodeEntry> good = new ArrayList<>();
    List<Assoc> goodAssoc = new ArrayList<>();
    for (NodeEntry e : list) {
      if (e.key == null) {
        continue;
      }
      for (Assoc a : new Assoc[] {e.ipv6, e.ipv4}) {
        if (a.address == null || a.isKilled(now)) {
          continue;
        }
        notKilled++;
        if (a.lastPinged + DhtTimers.PING_INTERVAL <= now) {
          sendNodesRequest(a.address, e.key, target, now);
          a.lastPinged = now;
        }
        if (!a.isBad(now)) {
          good.add(e);
          goodAssoc.add(a);
        }
      }
    }
    if (!good.isEmpty()
        && (last[0] + DhtTimers.GET_NODE_INTERVAL <= now
            || times[0] < DhtTimers.MAX_BOOTSTRAP_TIMES)) {
      int i = random.nextInt(good.size());
      sendNodesRequest(goodAssoc.get(i).address, good.get(i).key, target, now);
      last[0] = now;
      times[0]++;
    }
    return notKilled;
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
