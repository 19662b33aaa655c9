package org.toxreactive.onion.packet;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.toxreactive.core.Bytes;

/**
 * Onion response on its way back (docs/protocol.md 13.3): the destination sends 0x8C to node 3,
 * node 3 sends 0x8D to node 2, node 2 sends 0x8E to node 1, each hop opening its own return block
 * to learn the previous hop and the next (shorter) return block. One record for the three ids,
 * which differ only in the size of the return block.
 *
 * <pre>
 * Length       | Content
 * ------------ | -------
 * 1            | 0x8C / 0x8D / 0x8E
 * 177 / 118 / 59 | RETURN_3 / RETURN_2 / RETURN_1
 * 1..          | response (0x84, 0x86 or 0x88 packet; nodes check the first byte)
 * </pre>
 *
 * Total length at most 1400.
 */
public record OnionRecv(OnionPacketKind kind, Bytes returnBlock, Bytes payload)
    implements OnionPacket {

  /**
   * Checks every field against the layout above; a bad one is an {@link IllegalArgumentException}
   * naming it, in one line.
   *
   * @param kind the packet kind (its first byte)
   * @param returnBlock the return block of the previous hops: opaque, echoed back in the response
   * @param payload the packet inside, for the receiver
   */
  public OnionRecv {
    Objects.requireNonNull(kind, "kind");
    Wire.checkSize("return block", returnBlock, returnSize(kind));
    Wire.checkRange(
        "payload length",
        payload.length(),
        1,
        OnionSizes.MAX_PACKET_SIZE - 1 - returnBlock.length());
  }

  /**
   * The return block size of a 0x8C, 0x8D or 0x8E.
   *
   * @param kind one of the three receive kinds
   * @return the return block's size in bytes
   */
  public static int returnSize(OnionPacketKind kind) {
    return switch (kind) {
      case RECV_3 -> OnionSizes.RETURN_3;
      case RECV_2 -> OnionSizes.RETURN_2;
      case RECV_1 -> OnionSizes.RETURN_1;
      default -> throw new IllegalArgumentException("not an onion response kind: " + kind);
    };
  }

  @Override
  public int encodedLength() {
    return 1 + returnBlock.length() + payload.length();
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(kind.id());
    returnBlock.writeTo(out);
    payload.writeTo(out);
  }

  static OnionRecv decode(ByteBuf in) {
    // only OnionPacket.decode calls this, after it found the kind of this id byte
    OnionPacketKind kind =
        Objects.requireNonNull(OnionPacketKind.ofId(in.getUnsignedByte(in.readerIndex())));
    int r = returnSize(kind);
    Wire.requireLength(kind, in, 1 + r + 1, OnionSizes.MAX_PACKET_SIZE);
    in.skipBytes(1);
    Bytes ret = Wire.read(in, r);
    return new OnionRecv(kind, ret, Wire.readRemaining(in));
  }
}
