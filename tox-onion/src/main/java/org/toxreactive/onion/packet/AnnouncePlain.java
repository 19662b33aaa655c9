package org.toxreactive.onion.packet;

import java.util.Arrays;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.PublicKey;

/**
 * The plaintext of an {@link AnnounceRequest} (docs/protocol.md 13.4).
 *
 * <pre>
 * Length | Content
 * ------ | -------
 * 32     | ping id (all zero on the first request; then the one the node returned)
 * 32     | searched key (the announcer's own real key, or the friend's key when searching)
 * 32     | data key (the key others must encrypt onion data for us with; zero when searching)
 * 8      | sendback (opaque, echoed in the response)
 * 0..136 | extra data (0x87 only: a group-chat public announce, docs/protocol.md 13.6)
 * </pre>
 */
public record AnnouncePlain(
    Bytes pingId, PublicKey searchedKey, PublicKey dataKey, Bytes sendback, Bytes extra) {
  /** Without extra data: 104. */
  public static final int MIN_SIZE = OnionSizes.PING_ID + 2 * PublicKey.SIZE + OnionSizes.SENDBACK;

  /**
   * Checks every field against the layout above; a bad one is an {@link IllegalArgumentException}
   * naming it, in one line.
   *
   * @param pingId the 32-byte ping id (zeros to ask for one)
   * @param searchedKey the real key announced or searched for
   * @param dataKey the announcer's data public key (zeros for a search)
   * @param sendback the sendback: opaque to the receiver, echoed back in the reply
   * @param extra bytes after the fixed fields (0x87 / 0x88 only; empty otherwise)
   */
  public AnnouncePlain {
    Wire.checkSize("ping id", pingId, OnionSizes.PING_ID);
    Objects.requireNonNull(searchedKey, "searchedKey");
    Objects.requireNonNull(dataKey, "dataKey");
    Wire.checkSize("sendback", sendback, OnionSizes.SENDBACK);
    Wire.checkRange("extra data length", extra.length(), 0, OnionSizes.MAX_EXTRA_DATA_SIZE);
  }

  /**
   * The plaintext as it goes into the box, in the layout above.
   *
   * @return a new array
   */
  public byte[] encode() {
    byte[] out = new byte[MIN_SIZE + extra.length()];
    pingId.copyTo(0, out, 0, OnionSizes.PING_ID);
    searchedKey.copyTo(out, 32);
    dataKey.copyTo(out, 64);
    sendback.copyTo(0, out, 96, OnionSizes.SENDBACK);
    extra.copyTo(0, out, MIN_SIZE, extra.length());
    return out;
  }

  /**
   * Decodes an opened box; throws {@link MalformedOnionPacketException} on a bad length.
   *
   * @param plain the opened box
   * @return the fields
   */
  public static AnnouncePlain decode(byte[] plain) {
    if (plain.length < MIN_SIZE || plain.length > MIN_SIZE + OnionSizes.MAX_EXTRA_DATA_SIZE) {
      throw new MalformedOnionPacketException(
          "announce plaintext: length "
              + plain.length
              + ", expected "
              + MIN_SIZE
              + ".."
              + (MIN_SIZE + OnionSizes.MAX_EXTRA_DATA_SIZE));
    }
    return new AnnouncePlain(
        Bytes.of(plain, 0, 32),
        PublicKey.of(Arrays.copyOfRange(plain, 32, 64)),
        PublicKey.of(Arrays.copyOfRange(plain, 64, 96)),
        Bytes.of(plain, 96, 8),
        Bytes.of(plain, MIN_SIZE, plain.length - MIN_SIZE));
  }
}
