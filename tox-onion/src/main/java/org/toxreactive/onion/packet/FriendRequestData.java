package org.toxreactive.onion.packet;

import java.util.Objects;
import org.toxreactive.core.Bytes;

/**
 * A friend request as it travels in an onion data packet (docs/protocol.md 13.10), c-toxcore
 * 0.2.18's {@code send_friend_request_packet} when the friend is not connected.
 *
 * <pre>
 * Length   | Content
 * -------- | -------
 * 1        | 32 ({@code CRYPTO_PACKET_FRIEND_REQ})
 * 4        | nospam: the 4 bytes of the recipient's Tox ID after its public key, in that order
 * 1..1016  | message ({@code TOX_MAX_FRIEND_REQUEST_LENGTH}), UTF-8 by convention, not checked
 * </pre>
 *
 * {@link #MIN_LENGTH} = 6 to {@link #MAX_LENGTH} = 1021 ({@code ONION_CLIENT_MAX_DATA_SIZE}). The
 * nospam is c-toxcore's {@code uint32_t} copied in host order on both sides, so the bytes are those
 * of the Tox ID; this record holds them read big-endian.
 */
public record FriendRequestData(int nospam, Bytes message) {
  /** The data kind byte: {@code CRYPTO_PACKET_FRIEND_REQ} = 32. */
  public static final int KIND = 32;

  /** {@code TOX_MAX_FRIEND_REQUEST_LENGTH}: 1016. */
  public static final int MAX_MESSAGE = 1016;

  /** Kind, nospam and a 1-byte message: 6. */
  public static final int MIN_LENGTH = 1 + 4 + 1;

  /** {@code ONION_CLIENT_MAX_DATA_SIZE}: 1021. */
  public static final int MAX_LENGTH = 1 + 4 + MAX_MESSAGE;

  /**
   * Checks the message length.
   *
   * @param nospam the recipient's nospam, Tox ID bytes 32..35 read big-endian
   * @param message 1..1016 bytes
   */
  public FriendRequestData {
    Objects.requireNonNull(message, "message");
    Wire.checkRange("friend request message length", message.length(), 1, MAX_MESSAGE);
  }

  /**
   * The encoded form, kind byte first.
   *
   * @return 6..1021 bytes
   */
  public byte[] encode() {
    byte[] out = new byte[1 + 4 + message.length()];
    out[0] = (byte) KIND;
    out[1] = (byte) (nospam >>> 24);
    out[2] = (byte) (nospam >>> 16);
    out[3] = (byte) (nospam >>> 8);
    out[4] = (byte) nospam;
    message.copyTo(0, out, 5, message.length());
    return out;
  }

  /**
   * Decodes an opened data packet whose first byte is 32.
   *
   * @param data the plaintext
   * @return the request
   * @throws MalformedOnionPacketException with a one-line reason if the layout is broken
   */
  public static FriendRequestData decode(byte[] data) {
    if (data.length < MIN_LENGTH || data.length > MAX_LENGTH) {
      throw new MalformedOnionPacketException(
          "friend request: length " + data.length + ", expected " + MIN_LENGTH + ".." + MAX_LENGTH);
    }
    if ((data[0] & 0xFF) != KIND) {
      throw new MalformedOnionPacketException(
          "friend request: kind " + (data[0] & 0xFF) + ", expected " + KIND);
    }
    int nospam =
        ((data[1] & 0xFF) << 24)
            | ((data[2] & 0xFF) << 16)
            | ((data[3] & 0xFF) << 8)
            | (data[4] & 0xFF);
    return new FriendRequestData(nospam, Bytes.of(data, 5, data.length - 5));
  }
}
