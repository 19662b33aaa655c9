package org.toxreactive.onion.packet;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;

/**
 * Onion request, node 2 to node 3 (docs/protocol.md 13.2). The box opens with beforenm(key, this
 * node's secret key) to the next layer's plaintext (the address of the destination first). The
 * return block is opaque: only the node that sealed it can open it.
 *
 * <pre>
 * Length     | Content
 * ---------- | -------
 * 1          | 0x82
 * 24         | nonce
 * 32         | per-path key for this hop
 * 36..1225   | box(plaintext)
 * 118        | RETURN_2 (return block of the previous hops)
 * </pre>
 *
 * {@link #MIN_LENGTH} = 211 ({@code length > 1 + ONION_SEND_3}) to 1400.
 */
public record OnionSend2(Nonce nonce, PublicKey key, Bytes encrypted, Bytes returnBlock)
    implements OnionPacket {
  /** Bytes before the encrypted part: id, nonce and public key. */
  public static final int HEADER = 1 + Nonce.SIZE + PublicKey.SIZE;

  /** Shortest valid packet: one byte of onion layer beyond the return block and the header. */
  public static final int MIN_LENGTH = 1 + OnionSizes.SEND_3 + 1;

  /**
   * Checks every field against the layout above; a bad one is an {@link IllegalArgumentException}
   * naming it, in one line.
   *
   * @param nonce the 24-byte nonce of the box
   * @param key the public key of this layer's one-time key pair
   * @param encrypted the box: tag and ciphertext
   * @param returnBlock the return block of the previous hops: opaque, echoed back in the response
   */
  public OnionSend2 {
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(key, "key");
    Wire.checkSize("return block", returnBlock, OnionSizes.RETURN_2);
    Wire.checkRange(
        "box length",
        encrypted.length(),
        MIN_LENGTH - HEADER - OnionSizes.RETURN_2,
        OnionSizes.MAX_PACKET_SIZE - HEADER - OnionSizes.RETURN_2);
  }

  @Override
  public OnionPacketKind kind() {
    return OnionPacketKind.SEND_2;
  }

  @Override
  public int encodedLength() {
    return HEADER + encrypted.length() + OnionSizes.RETURN_2;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(kind().id());
    nonce.writeTo(out);
    key.writeTo(out);
    encrypted.writeTo(out);
    returnBlock.writeTo(out);
  }

  static OnionSend2 decode(ByteBuf in) {
    int length =
        Wire.requireLength(OnionPacketKind.SEND_2, in, MIN_LENGTH, OnionSizes.MAX_PACKET_SIZE);
    in.skipBytes(1);
    Nonce nonce = Nonce.read(in);
    PublicKey key = PublicKey.read(in);
    Bytes box = Wire.read(in, length - HEADER - OnionSizes.RETURN_2);
    return new OnionSend2(nonce, key, box, Wire.read(in, OnionSizes.RETURN_2));
  }
}
