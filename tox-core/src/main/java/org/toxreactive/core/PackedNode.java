package org.toxreactive.core;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A node as the DHT and the onion put it on the wire: transport, address, port and public key
 * (docs/protocol.md, DHT section). Used by nodes responses, onion announce responses and the DHT-PK
 * announcement's relay list.
 *
 * <pre>
 * Length | Content
 * ------ | -------
 * 1      | family: 2 = UDP IPv4, 10 = UDP IPv6, 130 = TCP IPv4, 138 = TCP IPv6
 * 4 / 16 | address, network order
 * 2      | port, big-endian
 * 32     | public key
 * </pre>
 *
 * <p>So a packed IPv4 node is 39 bytes and an IPv6 node 51.
 */
public record PackedNode(IpPort ipPort, boolean tcp, PublicKey key) {
  /** Packed IPv4 node: 7 + 32 = 39. */
  public static final int IPV4_SIZE = IpPort.PACKED_IPV4_SIZE + PublicKey.SIZE;

  /** Packed IPv6 node: 19 + 32 = 51. */
  public static final int IPV6_SIZE = IpPort.PACKED_IPV6_SIZE + PublicKey.SIZE;

  /**
   * A node; both references must be non-null.
   *
   * @param ipPort the node's address and port
   * @param tcp true for a TCP relay address (families 130/138), false for UDP
   * @param key the node's DHT public key
   */
  public PackedNode {
    Objects.requireNonNull(ipPort, "ipPort");
    Objects.requireNonNull(key, "key");
  }

  /**
   * A UDP node.
   *
   * @param ipPort the node's UDP address and port
   * @param key the node's DHT public key
   * @return the node, with {@code tcp} false
   */
  public static PackedNode udp(IpPort ipPort, PublicKey key) {
    return new PackedNode(ipPort, false, key);
  }

  /**
   * The wire family byte: 2, 10, 130 or 138.
   *
   * @return the family byte for this node's transport and address kind
   */
  public int family() {
    if (tcp) {
      return ipPort.isIpv4() ? IpPort.FAMILY_TCP_IPV4 : IpPort.FAMILY_TCP_IPV6;
    }
    return ipPort.family();
  }

  /**
   * Length of the packed form: 39 or 51.
   *
   * @return {@link #IPV4_SIZE} or {@link #IPV6_SIZE}
   */
  public int packedLength() {
    return ipPort.isIpv4() ? IPV4_SIZE : IPV6_SIZE;
  }

  /**
   * Writes the packed form ({@link #packedLength()} bytes).
   *
   * @param out receives the packed node at its writer index (borrowed, not released)
   */
  public void write(ByteBuf out) {
    out.writeByte(family());
    out.writeBytes(ipPort.address().getAddress());
    out.writeShort(ipPort.port());
    key.writeTo(out);
  }

  /**
   * Reads one packed node. On failure (truncated, unknown family) throws {@link
   * ToxProtocolException} and leaves the reader index unchanged.
   *
   * @param in read from its reader index, which moves past the node on success (borrowed)
   * @return the node
   */
  public static PackedNode read(ByteBuf in) {
    int start = in.readerIndex();
    if (!in.isReadable()) {
      throw new ToxProtocolException("truncated packed node: 0 bytes");
    }
    int family = in.getUnsignedByte(start);
    boolean tcp;
    int udpFamily;
    switch (family) {
      case IpPort.FAMILY_IPV4, IpPort.FAMILY_IPV6 -> {
        tcp = false;
        udpFamily = family;
      }
      case IpPort.FAMILY_TCP_IPV4 -> {
        tcp = true;
        udpFamily = IpPort.FAMILY_IPV4;
      }
      case IpPort.FAMILY_TCP_IPV6 -> {
        tcp = true;
        udpFamily = IpPort.FAMILY_IPV6;
      }
      default -> throw new ToxProtocolException("unsupported packed node family " + family);
    }
    int size = udpFamily == IpPort.FAMILY_IPV4 ? IPV4_SIZE : IPV6_SIZE;
    if (in.readableBytes() < size) {
      throw new ToxProtocolException(
          "truncated packed node: " + in.readableBytes() + " bytes, need " + size);
    }
    in.skipBytes(1);
    byte[] raw = new byte[udpFamily == IpPort.FAMILY_IPV4 ? 4 : 16];
    in.readBytes(raw);
    int port = in.readUnsignedShort();
    PublicKey key = PublicKey.read(in);
    return new PackedNode(new IpPort(IpPort.address(raw), port), tcp, key);
  }

  /**
   * Reads {@code count} packed nodes. On failure throws {@link ToxProtocolException} and leaves the
   * reader index unchanged.
   *
   * @param in read from its reader index (borrowed)
   * @param count how many nodes to read
   * @return the nodes, in wire order
   */
  public static List<PackedNode> readAll(ByteBuf in, int count) {
    int start = in.readerIndex();
    List<PackedNode> nodes = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        nodes.add(read(in));
      }
    } catch (ToxProtocolException e) {
      in.readerIndex(start);
      throw e;
    }
    return nodes;
  }

  /**
   * Writes every node; returns the bytes written.
   *
   * @param out receives the packed nodes at its writer index (borrowed)
   * @param nodes the nodes, written in order
   * @return how many bytes were written
   */
  public static int writeAll(ByteBuf out, List<PackedNode> nodes) {
    int start = out.writerIndex();
    for (PackedNode node : nodes) {
      node.write(out);
    }
    return out.writerIndex() - start;
  }

  @Override
  public String toString() {
    return (tcp ? "tcp:" : "udp:") + ipPort + "/" + key.toHex().substring(0, 8);
  }
}
