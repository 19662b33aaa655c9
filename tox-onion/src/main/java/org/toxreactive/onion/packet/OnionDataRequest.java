package org.toxreactive.onion.packet;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;

/**
 * Onion data request (docs/protocol.md 13.5): a client asks the announce node to pass data to an
 * announced key. Like {@link AnnounceRequest} the destination receives it with RETURN_3 appended.
 * The box (for the recipient's data key, from a one-time key) is opaque to the node.
 *
 * <pre>
 * Length     | Content
 * ---------- | -------
 * 1          | 0x85
 * 32         | destination: the announced real key
 * 24         | nonce
 * 32         | one-time sender key
 * 17..1134   | box(data)
 * </pre>
 *
 * {@link #MIN_LENGTH} = 106 to {@link OnionSizes#MAX_INNER_REQUEST} = 1223 (what fits in front of a
 * RETURN_3; clients build at most 1174).
 */
public record OnionDataRequest(
    PublicKey destination, Nonce nonce, PublicKey sender, Bytes encrypted) implements OnionPacket {
  /** Bytes before the encrypted part: id, destination key, nonce and the temporary sender key. */
  public static final int HEADER = 1 + PublicKey.SIZE + Nonce.SIZE + PublicKey.SIZE;

  /** {@code ONION_DATA_REQUEST_MIN_SIZE} + 1: c-toxcore drops an empty data box. */
  public static final int MIN_LENGTH = HEADER + CryptoBox.MAC_SIZE + 1;

  /**
   * Checks every field against the layout above; a bad one is an {@link IllegalArgumentException}
   * naming it, in one line.
   *
   * @param destination the destination's public key
   * @param nonce the 24-byte nonce of the box
   * @param sender the sender's public key (the box is opened with it)
   * @param encrypted the box: tag and ciphertext
   */
  public OnionDataRequest {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(sender, "sender");
    Wire.checkRange(
        "box length",
        encrypted.length(),
        MIN_LENGTH - HEADER,
        OnionSizes.MAX_INNER_REQUEST - HEADER);
  }

  @Override
  public OnionPacketKind kind() {
    return OnionPacketKind.DATA_REQUEST;
  }

  @Override
  public int encodedLength() {
    return HEADER + encrypted.length();
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(kind().id());
    destination.writeTo(out);
    nonce.writeTo(out);
    sender.writeTo(out);
    encrypted.writeTo(out);
  }

  static OnionDataRequest decode(ByteBuf in) {
    Wire.requireLength(OnionPacketKind.DATA_REQUEST, in, MIN_LENGTH, OnionSizes.MAX_INNER_REQUEST);
    in.skipBytes(1);
    return new OnionDataRequest(
        PublicKey.read(in), Nonce.read(in), PublicKey.read(in), Wire.readRemaining(in));
  }
}
