package org.toxreactive.netcrypto;

import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.NetCryptoPacketKind;

/**
 * One net_crypto message: a data id and its payload. Lossless ids are 16..191 (delivered in order,
 * exactly once), lossy ids 192..254 (delivered as they come, may be lost). Id plus payload is at
 * most 1373 bytes.
 *
 * <pre>{@code
 * Message m = Message.of(64, Bytes.ofUtf8("hello"));   // a Messenger text message
 * }</pre>
 */
public record Message(int id, Bytes payload) {
  /** Largest data id plus payload in one packet (1400 - 1 - 2 - 16 - 8). */
  public static final int MAX_SIZE = NetCryptoPacketKind.MAX_DATA_SIZE;

  /**
   * Checks the id and the size.
   *
   * @param id the data id: 16..191 lossless, 192..254 lossy
   * @param payload the payload, at most {@link #MAX_SIZE} - 1 bytes
   */
  public Message {
    Objects.requireNonNull(payload, "payload");
    if (!isLossless(id) && !isLossy(id)) {
      throw new IllegalArgumentException(
          "message id must be 16..191 (lossless) or 192..254 (lossy), got " + id);
    }
    if (1 + payload.length() > MAX_SIZE) {
      throw new IllegalArgumentException(
          "message of " + (1 + payload.length()) + " bytes exceeds " + MAX_SIZE);
    }
  }

  /**
   * A message with this id and payload.
   *
   * @param id the data id: 16..191 lossless, 192..254 lossy
   * @param payload the payload, at most {@link #MAX_SIZE} - 1 bytes
   * @return the message
   */
  public static Message of(int id, Bytes payload) {
    return new Message(id, payload);
  }

  /**
   * Whether this message goes in order, exactly once.
   *
   * @return whether the id is a lossless one (16..191)
   */
  public boolean lossless() {
    return isLossless(id);
  }

  /**
   * Whether {@code id} is a lossless data id.
   *
   * @param id a data id
   * @return whether it is a lossless one (16..191)
   */
  public static boolean isLossless(int id) {
    return id >= 16 && id <= 191;
  }

  /**
   * Whether {@code id} is a lossy data id.
   *
   * @param id a data id
   * @return whether it is a lossy one (192..254)
   */
  public static boolean isLossy(int id) {
    return id >= 192 && id <= 254;
  }

  /**
   * The message in {@code data} (data id, then payload, as carried in a data packet), without a
   * copy: {@code data} must be a fresh array that nobody changes afterwards.
   */
  static Message fromData(byte[] data) {
    return new Message(data[0] & 0xFF, Bytes.adopt(data, 1, data.length - 1));
  }
}
