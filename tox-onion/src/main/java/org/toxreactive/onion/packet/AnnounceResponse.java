package org.toxreactive.onion.packet;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.Nonce;

/**
 * Announce response, sent back along the request's path inside 0x8C/0x8D/0x8E (docs/protocol.md
 * 12.4). The box uses the request's shared key and opens to an {@link AnnounceReply}.
 *
 * <pre>
 * Length    | Content
 * --------- | -------
 * 1         | 0x84 (answers 0x83) or 0x88 (answers 0x87)
 * 8         | sendback, copied from the request
 * 24        | nonce
 * 49..1189  | box(announce reply)
 * </pre>
 *
 * {@link #MIN_LENGTH} = 82 to {@code ONION_RESPONSE_MAX_DATA_SIZE} = 1222.
 */
public record AnnounceResponse(OnionPacketKind kind, Bytes sendback, Nonce nonce, Bytes encrypted)
    implements OnionPacket {
  /** Bytes before the encrypted part: id, sendback and nonce. */
  public static final int HEADER = 1 + OnionSizes.SENDBACK + Nonce.SIZE;

  /**
   * Shortest valid response: the header and a box holding {@code is_stored} and a 32-byte ping id.
   */
  public static final int MIN_LENGTH = HEADER + 1 + OnionSizes.PING_ID + CryptoBox.MAC_SIZE;

  /**
   * Checks every field against the layout above; a bad one is an {@link IllegalArgumentException}
   * naming it, in one line.
   *
   * @param kind the packet kind (its first byte)
   * @param sendback the sendback: opaque to the receiver, echoed back in the reply
   * @param nonce the 24-byte nonce of the box
   * @param encrypted the box: tag and ciphertext
   */
  public AnnounceResponse {
    Objects.requireNonNull(kind, "kind");
    if (kind != OnionPacketKind.ANNOUNCE_RESPONSE_OLD
        && kind != OnionPacketKind.ANNOUNCE_RESPONSE) {
      throw new IllegalArgumentException("not an announce response kind: " + kind);
    }
    Wire.checkSize("sendback", sendback, OnionSizes.SENDBACK);
    Objects.requireNonNull(nonce, "nonce");
    Wire.checkRange(
        "box length",
        encrypted.length(),
        MIN_LENGTH - HEADER,
        OnionSizes.RESPONSE_MAX_DATA_SIZE - HEADER);
  }

  @Override
  public int encodedLength() {
    return HEADER + encrypted.length();
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(kind.id());
    sendback.writeTo(out);
    nonce.writeTo(out);
    encrypted.writeTo(out);
  }

  static AnnounceResponse decode(ByteBuf in) {
    // only OnionPacket.decode calls this, after it found the kind of this id byte
    OnionPacketKind kind =
        Objects.requireNonNull(OnionPacketKind.ofId(in.getUnsignedByte(in.readerIndex())));
    Wire.requireLength(kind, in, MIN_LENGTH, OnionSizes.RESPONSE_MAX_DATA_SIZE);
    in.skipBytes(1);
    Bytes sendback = Wire.read(in, OnionSizes.SENDBACK);
    return new AnnounceResponse(kind, sendback, Nonce.read(in), Wire.readRemaining(in));
  }
}
