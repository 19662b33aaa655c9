package org.toxreactive.friend;

import java.net.InetSocketAddress;
import java.util.List;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * What the friend layer needs of the DHT client: bootstrap, finding a friend's address by its DHT
 * key, and DHT-PK packets that came by the DHT route. Implemented over {@code
 * org.toxreactive.dht.DhtClient} by an adapter, and by fakes in tests.
 */
interface DhtLayer extends Disposable {
  /** A friend's direct UDP address as the DHT learned it. */
  record Address(PublicKey dhtKey, InetSocketAddress address) {}

  /** A DHT-PK packet (crypto request kind 156) a friend sent us by the DHT route. */
  record DhtPkPacket(PublicKey from, Bytes payload) {}

  /** Bootstraps from one node (UDP). */
  void bootstrap(InetSocketAddress address, PublicKey key);

  /** Searches for a friend's DHT key until disposed. */
  Disposable track(PublicKey friendDhtKey);

  /** Friends' direct addresses, hot. */
  Flux<Address> friendAddresses();

  /** DHT-PK packets addressed to us, hot. */
  Flux<DhtPkPacket> dhtPkPackets();

  /** Up to n random good nodes (onion paths). */
  List<PackedNode> randomNodes(int n);

  /** Up to n nodes closest to us (our DHT-PK announcement names them). */
  List<PackedNode> closeNodes(int n);

  /**
   * Up to n good nodes closest to {@code key} (the nodes our onion node's announce answers name).
   */
  List<PackedNode> closestNodes(PublicKey key, int n);

  /** Sends a DHT-PK payload (crypto request kind 156) to a friend's DHT key; false if no route. */
  boolean sendDhtPk(PublicKey friendDhtKey, Bytes payload);

  /** Whether a node was heard recently (c-toxcore's DHT_isconnected). */
  boolean connected();
}
