package org.toxreactive.friend;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.onion.OnionClient;
import org.toxreactive.onion.OnionIo;
import org.toxreactive.transport.tcp.RelayPool;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * The friend layer's {@link OnionLayer} over the real {@link OnionClient}: UDP through the shared
 * socket's onion view, TCP relays through the node's {@link RelayPool} (relay packets 8 and 9),
 * paths through the DHT's random nodes and, until the DHT knows any, the bootstrap nodes.
 */
final class OnionAdapter implements OnionLayer {
  /** The onion packets a client receives as the request's sender: 0x84, 0x86, 0x88. */
  static final IntPredicate CLIENT_PACKETS = b -> b == 0x84 || b == 0x86 || b == 0x88;

  private final OnionClient client;
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
    client.dispose();
  }

  @Override
  public boolean isDisposed() {
    return client.isDisposed();
  }
}
