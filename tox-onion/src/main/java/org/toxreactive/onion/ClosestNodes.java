package org.toxreactive.onion;

import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;

/**
 * What the onion node needs from the DHT node (docs/protocol.md 13.4, 13.7): the nodes closest to a
 * key, for announce responses, and the address of a node in the close list, for forward requests.
 * The DHT module implements it; {@link #NONE} and {@link #of} serve tests and a relay without a
 * DHT.
 */
public interface ClosestNodes {
  /**
   * Up to {@code max} UDP nodes closest to {@code target} by XOR distance, closest first. c-toxcore
   * returns at most {@code MAX_SENT_NODES} = 4 and only nodes it considers good.
   *
   * @param target the key searched
   * @param max the most nodes wanted
   * @return the nodes, closest first
   */
  List<PackedNode> closest(PublicKey target, int max);

  /**
   * As {@link #closest}, only nodes known to answer data searches (0x93) themselves: the node list
   * of a 0x94 answer (c-toxcore 0.2.20 announce.c asks {@code get_close_nodes} for announce nodes;
   * docs/protocol.md 13.8). The default is {@link #closest} (a fixed list, tests).
   *
   * @param target the key searched
   * @param max the most nodes wanted
   * @return the nodes, closest first
   */
  default List<PackedNode> closestAnnounceNodes(PublicKey target, int max) {
    return closest(target, max);
  }

  /**
   * The address of the close-list node with exactly this DHT key, or null if there is none
   * (c-toxcore's {@code route_packet} for forward requests).
   *
   * @param dhtKey a DHT key
   * @return the address, or null (the default knows none)
   */
  default @Nullable IpPort addressOf(PublicKey dhtKey) {
    return null;
  }

  /** Knows no node: announce responses carry none and forward requests are dropped. */
  ClosestNodes NONE = (target, max) -> List.of();

  /**
   * A fixed node list, answered by XOR distance; {@link #addressOf} finds exact keys.
   *
   * @param nodes the nodes (copied)
   * @return a lookup over them
   */
  static ClosestNodes of(List<PackedNode> nodes) {
    List<PackedNode> copy = List.copyOf(nodes);
    return new ClosestNodes() {
      @Override
      public List<PackedNode> closest(PublicKey target, int max) {
        Comparator<PackedNode> byDistance = (a, b) -> Distance.compare(target, a.key(), b.key());
        return copy.stream().filter(n -> !n.tcp()).sorted(byDistance).limit(max).toList();
      }

      @Override
      public @Nullable IpPort addressOf(PublicKey dhtKey) {
        return copy.stream()
            .filter(n -> !n.tcp() && n.key().equals(dhtKey))
            .map(PackedNode::ipPort)
            .findFirst()
            .orElse(null);
      }
    };
  }
}
