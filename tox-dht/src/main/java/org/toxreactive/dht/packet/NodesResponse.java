package org.toxreactive.dht.packet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.ToxProtocolException;

/**
 * Nodes response ("send nodes IPv6"), packet 0x04 (c-toxcore DHT.c {@code sendnodes_ipv6}, {@code
 * handle_sendnodes_core}). A {@link DhtEnvelope} around
 *
 * <pre>
 * Offset | Length | Content
 * ------ | ------ | -------
 * 0      | 1      | count, 0..4
 * 1      | L      | count packed nodes (39 bytes IPv4, 51 IPv6; UDP families only)
 * 1 + L  | 8      | ping id of the request, unchanged
 * </pre>
 *
 * <p>So the packet is 82 + L bytes, 82..286. A sender may send 0 nodes (82 bytes), but c-toxcore
 * receivers drop such a response without looking at it, so {@link #decode} rejects it too; a TCP
 * family (130, 138) makes the whole response invalid.
 */
public record NodesResponse(List<PackedNode> nodes, long pingId) implements DhtMessage {
  /** Nodes per response ({@code MAX_SENT_NODES}). */
  public static final int MAX_NODES = 4;

  /** Plaintext with no nodes: count + ping id = 9. */
  public static final int MIN_PLAIN_SIZE = 1 + 8;

  /** Plaintext with 4 IPv6 nodes: 9 + 4 x 51 = 213. */
  public static final int MAX_PLAIN_SIZE = MIN_PLAIN_SIZE + MAX_NODES * PackedNode.IPV6_SIZE;

  /**
   * A response; the list is copied.
   *
   * @param nodes up to {@link #MAX_NODES} UDP nodes
   * @param pingId the ping id of the request it answers
   * @throws IllegalArgumentException for more than 4 nodes or a TCP node
   */
  public NodesResponse {
    nodes = List.copyOf(nodes);
    if (nodes.size() > MAX_NODES) {
      throw new IllegalArgumentException("at most 4 nodes, got " + nodes.size());
    }
    for (PackedNode n : nodes) {
      if (n.tcp()) {
        throw new IllegalArgumentException("a nodes response carries UDP nodes only: " + n);
      }
    }
  }

  @Override
  public DhtPacketKind kind() {
    return DhtPacketKind.NODES_RESPONSE;
  }

  @Override
  public byte[] plaintext() {
    int len = MIN_PLAIN_SIZE;
    for (PackedNode n : nodes) {
      len += n.packedLength();
    }
    byte[] p = new byte[len];
    p[0] = (byte) nodes.size();
    ByteBuf w = Unpooled.wrappedBuffer(p).writerIndex(1);
    PackedNode.writeAll(w, nodes);
    DhtMessage.writeId(p, len - 8, pingId);
    return p;
  }

  static NodesResponse decode(byte[] plain) {
    if (plain.length <= MIN_PLAIN_SIZE || plain.length > MAX_PLAIN_SIZE) {
      throw new ToxProtocolException(
          "nodes_response plaintext of "
              + plain.length
              + " bytes, must be "
              + (MIN_PLAIN_SIZE + 1)
              + ".."
              + MAX_PLAIN_SIZE);
    }
    int count = plain[0] & 0xFF;
    if (count > MAX_NODES) {
      throw new ToxProtocolException("nodes_response count " + count + ", at most 4");
    }
    ByteBuf r = Unpooled.wrappedBuffer(plain, 1, plain.length - MIN_PLAIN_SIZE);
    List<PackedNode> nodes = PackedNode.readAll(r, count);
    if (r.isReadable()) {
      throw new ToxProtocolException(
          "nodes_response: " + r.readableBytes() + " bytes after " + count + " nodes");
    }
    for (PackedNode n : nodes) {
      if (n.tcp()) {
        throw new ToxProtocolException(
            "nodes_response with a TCP node (family " + n.family() + ")");
      }
    }
    return new NodesResponse(nodes, DhtMessage.readId(plain, plain.length - 8));
  }
}
