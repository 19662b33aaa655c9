package org.toxreactive.onion.packet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.ToxProtocolException;

/**
 * The DHT-PK announcement (docs/protocol.md 13.10): what a client tells a friend so the friend can
 * reach it, as c-toxcore 0.2.18's {@code send_dhtpk_announce} builds it. It travels encrypted in an
 * onion data packet (0x85/0x86) or in a DHT request (0x20, kind 156).
 *
 * <pre>
 * Length | Content
 * ------ | -------
 * 1      | 156 ({@code CRYPTO_PACKET_DHTPK})
 * 8      | no_replay, u64 big-endian: grows with every announcement; older ones are dropped
 * 32     | the sender's current DHT public key
 * 0..204 | up to 4 packed nodes: the sender's TCP relays (families 130/138, at most 2 when
 *        | c-toxcore sends) then DHT nodes close to it (2/10)
 * </pre>
 *
 * {@link #MIN_LENGTH} = 41 to {@link #MAX_LENGTH} = 245 (4 IPv6 nodes). c-toxcore accepts up to 41
 * + 4 × sizeof(Node_format), a looser bound; this codec refuses more than 4 nodes.
 */
public record DhtPkData(long noReplay, PublicKey dhtKey, List<PackedNode> nodes) {
  /** The data kind byte: {@code CRYPTO_PACKET_DHTPK} = 156. */
  public static final int KIND = 156;

  /** Without nodes: 1 + 8 + 32 = 41 ({@code DHTPK_DATA_MIN_LENGTH}). */
  public static final int MIN_LENGTH = 1 + 8 + PublicKey.SIZE;

  /** Nodes at most ({@code MAX_SENT_NODES}). */
  public static final int MAX_NODES = 4;

  /** With 4 IPv6 nodes: 41 + 4 × 51 = 245. */
  public static final int MAX_LENGTH = MIN_LENGTH + MAX_NODES * PackedNode.IPV6_SIZE;

  /**
   * Checks the values.
   *
   * @param noReplay the replay counter (c-toxcore: its clock in seconds)
   * @param dhtKey the sender's DHT key
   * @param nodes up to 4 nodes, UDP or TCP
   */
  public DhtPkData {
    Objects.requireNonNull(dhtKey, "dhtKey");
    nodes = List.copyOf(nodes);
    Wire.checkRange("node count", nodes.size(), 0, MAX_NODES);
  }

  /**
   * The encoded form, kind byte first.
   *
   * @return {@link #MIN_LENGTH}..{@link #MAX_LENGTH} bytes
   */
  public byte[] encode() {
    int size = MIN_LENGTH;
    for (PackedNode n : nodes) {
      size += n.packedLength();
    }
    ByteBuf out = Unpooled.buffer(size);
    try {
      out.writeByte(KIND);
      out.writeLong(noReplay);
      dhtKey.writeTo(out);
      PackedNode.writeAll(out, nodes);
      byte[] a = new byte[size];
      out.readBytes(a);
      return a;
    } finally {
      out.release();
    }
  }

  /**
   * Decodes an opened data packet whose first byte is 156.
   *
   * @param data the plaintext
   * @return the announcement
   * @throws MalformedOnionPacketException with a one-line reason if the layout is broken
   */
  public static DhtPkData decode(byte[] data) {
    if (data.length < MIN_LENGTH || data.length > MAX_LENGTH) {
      throw new MalformedOnionPacketException(
          "DHT-PK announcement: length "
              + data.length
              + ", expected "
              + MIN_LENGTH
              + ".."
              + MAX_LENGTH);
    }
    if ((data[0] & 0xFF) != KIND) {
      throw new MalformedOnionPacketException(
          "DHT-PK announcement: kind " + (data[0] & 0xFF) + ", expected " + KIND);
    }
    ByteBuf in = Unpooled.wrappedBuffer(data);
    try {
      in.skipBytes(1);
      long noReplay = in.readLong();
      PublicKey key = PublicKey.read(in);
      List<PackedNode> nodes = new ArrayList<>();
      while (in.isReadable()) {
        if (nodes.size() == MAX_NODES) {
          throw new MalformedOnionPacketException("DHT-PK announcement: more than 4 nodes");
        }
        nodes.add(PackedNode.read(in));
      }
      return new DhtPkData(noReplay, key, nodes);
    } catch (MalformedOnionPacketException e) {
      throw e;
    } catch (ToxProtocolException e) {
      throw new MalformedOnionPacketException("DHT-PK announcement: " + e.getMessage());
    } finally {
      in.release();
    }
  }
}
