package org.toxreactive.onion;

import java.util.List;
import java.util.Objects;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;

/**
 * A friend told us its current DHT key (docs/protocol.md 13.10), through the onion or the DHT.
 * Emitted once per announcement that is newer than the last one from that friend.
 *
 * @param friendReal the friend's real (long-term) key
 * @param dhtKey the friend's current DHT key: what net_crypto and the DHT search need
 * @param nodes what the friend packed in: its TCP relays ({@link PackedNode#tcp()}) and DHT nodes
 *     close to it (UDP), up to 4
 * @param noReplay the announcement's replay counter
 */
public record DhtPkAnnouncement(
    PublicKey friendReal, PublicKey dhtKey, List<PackedNode> nodes, long noReplay) {
  /**
   * Checks that nothing is null.
   *
   * @param friendReal the friend's real key
   * @param dhtKey the friend's DHT key
   * @param nodes its relays and DHT nodes
   * @param noReplay the replay counter
   */
  public DhtPkAnnouncement {
    Objects.requireNonNull(friendReal, "friendReal");
    Objects.requireNonNull(dhtKey, "dhtKey");
    nodes = List.copyOf(nodes);
  }

  /**
   * The TCP relays among {@link #nodes()}.
   *
   * @return the relays the friend is connected to
   */
  public List<PackedNode> relays() {
    return nodes.stream().filter(PackedNode::tcp).toList();
  }

  /**
   * The UDP DHT nodes among {@link #nodes()}.
   *
   * @return nodes close to the friend in the DHT
   */
  public List<PackedNode> dhtNodes() {
    return nodes.stream().filter(n -> !n.tcp()).toList();
  }
}
