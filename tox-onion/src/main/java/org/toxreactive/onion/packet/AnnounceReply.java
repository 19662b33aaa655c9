package org.toxreactive.onion.packet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.ToxProtocolException;

/**
 * The plaintext of an {@link AnnounceResponse} (docs/protocol.md 13.4).
 *
 * <pre>
 * Length  | Content
 * ------- | -------
 * 1       | is_stored: 0 = not stored (a ping id follows), 1 = the searched key is announced here
 *         | (its data key follows), 2 = the sender's announce is stored (a ping id follows)
 * 32      | ping id or data key
 * 1       | node count (0x88 only)
 * 0..204  | up to 4 packed nodes, UDP families only (39 or 51 bytes each)
 * 0..     | extra data (0x88 only: group-chat announces)
 * </pre>
 *
 * In a 0x84 the node list runs to the end (the client unpacks up to 4); a 0x88 counts them so that
 * extra data can follow.
 */
public record AnnounceReply(int isStored, Bytes pingIdOrKey, List<PackedNode> nodes, Bytes extra) {
  /** {@code is_stored} 0: the announce was not stored and the key was not found. */
  public static final int NOT_STORED = 0;

  /**
   * {@code is_stored} 1: the searched key is announced here; {@code pingIdOrKey} is its data public
   * key.
   */
  public static final int FOUND = 1;

  /**
   * {@code is_stored} 2: our announce was stored; {@code pingIdOrKey} is the ping id to use next.
   */
  public static final int STORED = 2;

  /**
   * Checks every field against the layout above; a bad one is an {@link IllegalArgumentException}
   * naming it, in one line.
   *
   * @param isStored {@link #NOT_STORED}, {@link #FOUND} or {@link #STORED}
   * @param pingIdOrKey the 32-byte ping id, or the data key when {@code isStored} is {@link #FOUND}
   * @param nodes the closest nodes the answering node knows, at most 4
   * @param extra bytes after the fixed fields (0x87 / 0x88 only; empty otherwise)
   */
  public AnnounceReply {
    Wire.checkRange("is_stored", isStored, 0, 0xFF);
    Wire.checkSize("ping id", pingIdOrKey, OnionSizes.PING_ID);
    nodes = List.copyOf(nodes);
    Wire.checkRange("node count", nodes.size(), 0, OnionSizes.MAX_SENT_NODES);
    Objects.requireNonNull(extra, "extra");
    for (PackedNode n : nodes) {
      if (n.tcp()) {
        throw new IllegalArgumentException("announce replies carry UDP nodes only: " + n);
      }
    }
  }

  /**
   * Encodes for a 0x84 ({@code counted} false, no extra allowed) or a 0x88 ({@code counted}).
   *
   * @param counted true for 0x88 (a node count byte, extra data allowed), false for 0x84
   * @return the plaintext to seal, a new array
   */
  public byte[] encode(boolean counted) {
    if (!counted && !extra.isEmpty()) {
      throw new IllegalArgumentException("extra data needs the counted (0x88) form");
    }
    int size = 1 + OnionSizes.PING_ID + (counted ? 1 : 0) + extra.length();
    for (PackedNode n : nodes) {
      size += n.packedLength();
    }
    ByteBuf out = Unpooled.buffer(size);
    try {
      out.writeByte(isStored);
      pingIdOrKey.writeTo(out);
      if (counted) {
        out.writeByte(nodes.size());
      }
      PackedNode.writeAll(out, nodes);
      extra.writeTo(out);
      byte[] a = new byte[size];
      out.readBytes(a);
      return a;
    } finally {
      out.release();
    }
  }

  /**
   * Decodes an opened box; throws {@link MalformedOnionPacketException} if malformed.
   *
   * @param plain the opened box
   * @param counted true for 0x88, false for 0x84
   * @return the reply
   */
  public static AnnounceReply decode(byte[] plain, boolean counted) {
    int fixed = 1 + OnionSizes.PING_ID + (counted ? 1 : 0);
    if (plain.length < fixed) {
      throw new MalformedOnionPacketException(
          "announce reply: length " + plain.length + ", expected at least " + fixed);
    }
    ByteBuf in = Unpooled.wrappedBuffer(plain);
    try {
      int stored = in.readUnsignedByte();
      Bytes ping = Wire.read(in, OnionSizes.PING_ID);
      List<PackedNode> nodes;
      if (counted) {
        int count = in.readUnsignedByte();
        if (count > OnionSizes.MAX_SENT_NODES) {
          throw new MalformedOnionPacketException("announce reply: " + count + " nodes, at most 4");
        }
        nodes = PackedNode.readAll(in, count);
      } else {
        java.util.ArrayList<PackedNode> list = new java.util.ArrayList<>();
        while (in.isReadable()) {
          if (list.size() == OnionSizes.MAX_SENT_NODES) {
            throw new MalformedOnionPacketException("announce reply: more than 4 nodes");
          }
          list.add(PackedNode.read(in));
        }
        nodes = list;
      }
      for (PackedNode n : nodes) {
        if (n.tcp()) {
          throw new MalformedOnionPacketException("announce reply: TCP node " + n);
        }
      }
      return new AnnounceReply(stored, ping, nodes, Wire.readRemaining(in));
    } catch (MalformedOnionPacketException e) {
      throw e;
    } catch (ToxProtocolException e) {
      throw new MalformedOnionPacketException("announce reply: " + e.getMessage());
    } finally {
      in.release();
    }
  }
}
