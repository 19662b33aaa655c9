package org.toxreactive.friend;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.Path;
import org.toxreactive.onion.ClosestNodes;
import org.toxreactive.onion.OnionClient;
import org.toxreactive.onion.OnionIo;
import org.toxreactive.onion.OnionNode;
import org.toxreactive.transport.tcp.RelayPool;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * The friend layer's {@link OnionLayer} over the real {@link OnionClient}: UDP through the shared
 * socket's onion view, TCP relays through the node's {@link RelayPool} (relay packets 8 and 9),
 * paths through the DHT's random nodes and, until the DHT knows any, the bootstrap nodes.
 *
 * <p>With UDP and a DHT the node is also an onion node on its DHT key, as every c-toxcore instance
 * is (its {@code Onion} and {@code Onion_Announce} on the one socket): it passes onion hops on and
 * answers announce requests with the DHT's closest nodes (docs/protocol.md 13.10, "our own node in
 * a friend's search"). Our own friend searches then find us too: on a network of a few DHT nodes a
 * friend's list holds one node more than the other DHT nodes, as c-toxcore's does, which decides
 * whether {@code do_friend} asks random nodes every second.
 */
final class OnionAdapter implements OnionLayer {
  /** The onion packets a client receives as the request's sender: 0x84, 0x86, 0x88. */
  static final IntPredicate CLIENT_PACKETS = b -> b == 0x84 || b == 0x86 || b == 0x88;

  /** The onion packets a node handles (all onion packets but those the client takes). */
  static final IntPredicate NODE_PACKETS = b -> UdpDemux.ONION.test(b) && !CLIENT_PACKETS.test(b);

  private final OnionClient client;
  private final @Nullable OnionNode node;
  private final @Nullable Disposable nodeInbound;
  private final List<PackedNode> bootstrap = new java.util.concurrent.CopyOnWriteArrayList<>();

  OnionAdapter(ToxNode.Context ctx, @Nullable DhtLayer dht, int nospam) {
    UdpDemux demux = ctx.demux();
    RelayPool pool = ctx.pool();
    // the node's pool always exists (it may be empty and grow): relay paths whenever UDP is not
    // connected, as c-toxcore
    OnionIo.Relays relays =
        OnionIo.relays(
            pool::connectedRelays,
            pool::sendOnionRequest,
            pool.onionResponses().map(r -> new OnionIo.RelayResponse(r.relay(), r.packet())));
    OnionIo io =
        demux == null
            ? OnionIo.tcp(relays)
            : OnionIo.both(demux.inbound(CLIENT_PACKETS), demux.shared(), relays);
    OnionClient.Builder b =
        OnionClient.create(ctx.realKeys(), ctx::dhtKeys, io)
            .pathNodes(() -> pathNodes(dht))
            .scheduler(ctx.scheduler());
    if (dht != null) {
      b = b.dhtConnected(dht::connected).closeNodes(() -> dht.closeNodes(4));
      b = b.dhtRoute(dht::sendDhtPk);
    }
    this.client = b.bindNow();
    client.nospam(nospam);
    if (demux != null && dht != null) {
      Scheduler clock = ctx.scheduler();
      ClosestNodes closest = (target, max) -> dht.closestNodes(target, max);
      OnionNode.Out out =
          (datagram, to) ->
              demux
                  .shared()
                  .offer(
                      Path.udp(new InetSocketAddress(to.address(), to.port())),
                      Bytes.adopt(datagram));
      OnionNode n =
          new OnionNode(
              ctx.dhtKeys(),
              closest,
              out,
              OnionNode.Limits.DEFAULT,
              clock.now(TimeUnit.MILLISECONDS));
      this.node = n;
      this.nodeInbound = demux.inbound(NODE_PACKETS).subscribe(d -> onNodeDatagram(n, d, clock));
    } else {
      this.node = null;
      this.nodeInbound = null;
    }
  }

  private static void onNodeDatagram(OnionNode n, Datagram d, Scheduler clock) {
    if (!(d.path() instanceof Path.Udp u) || u.address().getAddress() == null) {
      return;
    }
    InetSocketAddress a = u.address();
    synchronized (n) {
      n.onUdp(
          d.data().toArray(),
          new IpPort(a.getAddress(), a.getPort()),
          clock.now(TimeUnit.MILLISECONDS));
    }
  }

  /**
   * Our onion node's count of one outcome (tests, metrics).
   *
   * @param outcome the outcome
   * @return how many inputs had it, 0 without a node
   */
  long nodeOutcomes(OnionNode.Outcome outcome) {
    OnionNode n = node;
    if (n == null) {
      return 0;
    }
    synchronized (n) {
      return n.count(outcome);
    }
  }

  private List<PackedNode> pathNodes(@Nullable DhtLayer dht) {
    List<PackedNode> out = new ArrayList<>();
    if (dht != null) {
      out.addAll(dht.randomNodes(8));
    }
    if (out.size() < 8) {
      out.addAll(bootstrap);
    }
    return out;
  }

  @Override
  public void announceRelays(List<PackedNode> relays) {
    client.announceRelays(relays);
  }

  @Override
  public Disposable lookup(PublicKey friendRealKey) {
    return client.lookup(friendRealKey);
  }

  @Override
  public Flux<DhtPk> dhtPks() {
    return client.dhtPks().map(a -> new DhtPk(a.friendReal(), a.dhtKey(), a.nodes()));
  }

  @Override
  public Disposable sendFriendRequest(PublicKey friend, int nospam, Bytes message) {
    return client.sendFriendRequest(friend, nospam, message);
  }

  @Override
  public void friendOnline(PublicKey friend, boolean online) {
    client.friendOnline(friend, online);
  }

  @Override
  public void forgetFriendRequest(PublicKey from) {
    client.forgetFriendRequest(from);
  }

  @Override
  public void addBootstrapNode(PackedNode node) {
    bootstrap.add(node);
    client.addBootstrapNode(node);
  }

  @Override
  public Flux<Request> friendRequests() {
    return client.friendRequests().map(r -> new Request(r.from(), r.nospam(), r.message()));
  }

  @Override
  public void onDhtPkPacket(PublicKey from, Bytes payload) {
    client.onDhtPkPacket(from, payload);
  }

  @Override
  public boolean announced() {
    return client.announced();
  }

  @Override
  public void dispose() {
    if (nodeInbound != null) {
      nodeInbound.dispose();
    }
    client.dispose();
  }

  @Override
  public boolean isDisposed() {
    return client.isDisposed();
  }
}
