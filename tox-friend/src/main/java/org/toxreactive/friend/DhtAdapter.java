package org.toxreactive.friend;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.dht.DhtClient;
import org.toxreactive.dht.DhtConfig;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * The friend layer's {@link DhtLayer} over the real {@link DhtClient}, on the shared socket's DHT
 * view ({@link UdpDemux#DHT}); its key pair is the node's DHT key pair, which net_crypto uses too.
 */
final class DhtAdapter implements DhtLayer {
  /** The crypto request kind of a DHT-PK announcement sent by the DHT route. */
  static final int DHT_PK = 156;

  private final DhtClient client;

  DhtAdapter(ToxNode.Context ctx) {
    UdpDemux demux = Objects.requireNonNull(ctx.demux(), "a DHT needs UDP");
    this.client =
        DhtClient.start(
            ctx.dhtKeys(),
            DhtConfig.defaults(),
            demux.inbound(UdpDemux.DHT),
            demux.shared(),
            ctx.scheduler());
  }

  @Override
  public void bootstrap(InetSocketAddress address, PublicKey key) {
    client.bootstrap(new IpPort(address.getAddress(), address.getPort()), key);
  }

  @Override
  public Disposable track(PublicKey friendDhtKey) {
    return client.track(friendDhtKey);
  }

  @Override
  public Flux<Address> friendAddresses() {
    return client
        .friendAddresses()
        .map(
            a ->
                new Address(
                    a.dhtKey(), new InetSocketAddress(a.address().address(), a.address().port())));
  }

  @Override
  public Flux<DhtPkPacket> dhtPkPackets() {
    return client
        .cryptoRequests()
        .filter(r -> r.kind() == DHT_PK)
        .map(r -> new DhtPkPacket(r.sender(), r.payload()));
  }

  @Override
  public List<PackedNode> randomNodes(int n) {
    return client.randomNodes(n);
  }

  @Override
  public List<PackedNode> closeNodes(int n) {
    return client.closest(client.publicKey(), n);
  }

  @Override
  public List<PackedNode> closestNodes(PublicKey key, int n) {
    return client.closest(key, n);
  }

  @Override
  public boolean sendDhtPk(PublicKey friendDhtKey, Bytes payload) {
    return client.sendToFriend(friendDhtKey, DHT_PK, payload);
  }

  @Override
  public boolean connected() {
    return client.connected();
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
