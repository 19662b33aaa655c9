package org.toxreactive.onion.packet;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;

/**
 * Announce request as the client builds it and node 3 delivers it (docs/protocol.md 13.4): the
 * destination receives it with node 3's RETURN_3 (177 bytes) appended, which the node strips before
 * decoding. The box opens with beforenm(sender, destination's DHT secret key) to an {@link
 * AnnouncePlain}.
 *
 * <pre>
 * Length   | Content
 * -------- | -------
 * 1        | 0x83 (old, 0.2.18 clients) or 0x87 (0.2.19+; group-chat extra data)
 * 24       | nonce
 * 32       | sender key: the real key when announcing, a temporary key when searching
 * 120..256 | box(ping id 32 ‖ searched key 32 ‖ data key 32 ‖ sendback 8 ‖ extra 0..136)
 * </pre>
 *
 * 0x83 is exactly {@link #MIN_LENGTH} = 177 bytes (no extra data); 0x87 is 177..313.
 */
public record AnnounceRequest(OnionPacketKind kind, Nonce nonce, PublicKey sender, Bytes encrypted)
    implements OnionPacket {
  /** Bytes before the encrypted part: id, nonce and public key. */
  public static final int HEADER = 1 + Nonce.SIZE + PublicKey.SIZE;

  /** {@code ONION_ANNOUNCE_REQUEST_MIN_SIZE} = 177. */
  public static final int MIN_LENGTH = HEADER + AnnouncePlain.MIN_SIZE + CryptoBox.MAC_SIZE;

  /** {@code ONION_ANNOUNCE_REQUEST_MAX_SIZE} = 313. */
  public static final int MAX_LENGTH = MIN_LENGTH + OnionSizes.MAX_EXTRA_DATA_SIZE;

  /**
   * Checks every field against the layout above.
   *
   * @param kind 0x83 or 0x87
   * @param nonce the 24-byte nonce of the box
   * @param sender the sender's public key (the box is opened with it)
   * @param encrypted the box: tag and ciphertext
   */
  public AnnounceRequest {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(sender, "sender");
    int max = maxLength(kind) - HEADER;
    Wire.checkRange("box length", encrypted.length(), MIN_LENGTH - HEADER, max);
  }

  private static int maxLength(OnionPacketKind kind) {
    return switch (kind) {
      case ANNOUNCE_REQUEST_OLD -> MIN_LENGTH;
      case ANNOUNCE_REQUEST -> MAX_LENGTH;
      default -> throw new IllegalArgumentException("not an announce request kind: " + kind);
    };
  }

  @Override
  public int encodedLength() {
    return HEADER + encrypted.length();
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(kind.id());
    nonce.writeTo(out);
    sender.writeTo(out);
    encrypted.writeTo(out);
  }

  static AnnounceRequest decode(ByteBuf in) {
    // only OnionPacket.decode calls this, after it found the kind of this id byte
    OnionPacketKind kind =
        Objects.requireNonNull(OnionPacketKind.ofId(in.getUnsignedByte(in.readerIndex())));
    Wire.requireLength(kind, in, MIN_LENGTH, maxLength(kind));
    in.skipBytes(1);
    return new AnnounceRequest(kind, Nonce.read(in), PublicKey.read(in), Wire.readRemaining(in));
  }
}
