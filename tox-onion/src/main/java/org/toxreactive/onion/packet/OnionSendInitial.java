package org.toxreactive.onion.packet;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;

/**
 * Client to onion node 1 (docs/protocol.md 13.2). The box opens with beforenm(sender, node 1's
 * secret key) to the layer-1 plaintext ({@link OnionLayer}: node 2's address, the key for node 2,
 * node 2's box).
 *
 * <pre>
 * Length     | Content
 * ---------- | -------
 * 1          | 0x80
 * 24         | nonce (the same for all three layers)
 * 32         | sender's DHT public key
 * 170..1343  | box(layer-1 plaintext)
 * </pre>
 *
 * {@link #MIN_LENGTH} = 227 ({@code length > 1 + ONION_SEND_1}) to 1400.
 */
public record OnionSendInitial(Nonce nonce, PublicKey sender, Bytes encrypted)
    implements OnionPacket {
  /** Bytes before the encrypted part: id, nonce and public key. */
  public static final int HEADER = 1 + Nonce.SIZE + PublicKey.SIZE;

  /** Shortest valid packet: one byte of onion layer beyond the return block and the header. */
  public static final int MIN_LENGTH = 1 + OnionSizes.SEND_1 + 1;

  /**
   * Checks every field against the layout above; a bad one is an {@link IllegalArgumentException}
   * naming it, in one line.
   *
   * @param nonce the 24-byte nonce of the box
   * @param sender the sender's public key (the box is opened with it)
   * @param encrypted the box: tag and ciphertext
   */
  public OnionSendInitial {
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(sender, "sender");
    Wire.checkRange(
        "box length", encrypted.length(), MIN_LENGTH - HEADER, OnionSizes.MAX_PACKET_SIZE - HEADER);
  }

  @Override
  public OnionPacketKind kind() {
    return OnionPacketKind.SEND_INITIAL;
  }

  @Override
  public int encodedLength() {
    return HEADER + encrypted.length();
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(kind().id());
    nonce.writeTo(out);
    sender.writeTo(out);
    encrypted.writeTo(out);
  }

  static OnionSendInitial decode(ByteBuf in) {
    Wire.requireLength(OnionPacketKind.SEND_INITIAL, in, MIN_LENGTH, OnionSizes.MAX_PACKET_SIZE);
    in.skipBytes(1);
    return new OnionSendInitial(Nonce.read(in), PublicKey.read(in), Wire.readRemaining(in));
  }
}
