package org.toxreactive.onion.packet;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;

/**
 * Onion data response (docs/protocol.md 13.5): what the announce node makes of a {@link
 * OnionDataRequest} (the destination key dropped) and sends down the announcer's stored return
 * path.
 *
 * <pre>
 * Length     | Content
 * ---------- | -------
 * 1          | 0x86
 * 24         | nonce
 * 32         | one-time sender key
 * 17..1165   | box(data)
 * </pre>
 *
 * {@link #MIN_LENGTH} = 74 to 1222.
 */
public record OnionDataResponse(Nonce nonce, PublicKey sender, Bytes encrypted)
    implements OnionPacket {
  /** Bytes before the encrypted part: id, nonce and public key. */
  public static final int HEADER = 1 + Nonce.SIZE + PublicKey.SIZE;

  /** Shortest valid response: the header and a box of at least one byte. */
  public static final int MIN_LENGTH = HEADER + CryptoBox.MAC_SIZE + 1;

  /**
   * Checks every field against the layout above; a bad one is an {@link IllegalArgumentException}
   * naming it, in one line.
   *
   * @param nonce the 24-byte nonce of the box
   * @param sender the sender's public key (the box is opened with it)
   * @param encrypted the box: tag and ciphertext
   */
  public OnionDataResponse {
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(sender, "sender");
    Wire.checkRange(
        "box length",
        encrypted.length(),
        MIN_LENGTH - HEADER,
        OnionSizes.RESPONSE_MAX_DATA_SIZE - HEADER);
  }

  @Override
  public OnionPacketKind kind() {
    return OnionPacketKind.DATA_RESPONSE;
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

  static OnionDataResponse decode(ByteBuf in) {
    Wire.requireLength(
        OnionPacketKind.DATA_RESPONSE, in, MIN_LENGTH, OnionSizes.RESPONSE_MAX_DATA_SIZE);
    in.skipBytes(1);
    return new OnionDataResponse(Nonce.read(in), PublicKey.read(in), Wire.readRemaining(in));
  }
}
