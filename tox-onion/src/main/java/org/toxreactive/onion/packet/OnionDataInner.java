package org.toxreactive.onion.packet;

import java.util.Arrays;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.PublicKey;

/**
 * What the box of an onion data request/response (0x85/0x86) opens to (docs/protocol.md 13.10): the
 * sender's real (long-term) key and a second box, sealed from that key to the recipient's real key
 * with the <b>same nonce</b> as the outer box. So only a holder of the recipient's real secret key
 * reads the data, and the data is authenticated as coming from the sender's real key.
 *
 * <pre>
 * Length    | Content
 * --------- | -------
 * 32        | sender's real public key
 * 17..1037  | box(beforenm(recipient real key, sender real secret), outer nonce, data)
 * </pre>
 *
 * {@link #MIN_LENGTH} = 49 ({@code ONION_DATA_IN_RESPONSE_MIN_SIZE} + 1) to {@link #MAX_LENGTH} =
 * 1069 ({@code MAX_DATA_REQUEST_SIZE}).
 */
public record OnionDataInner(PublicKey sender, Bytes box) {
  /** Key, MAC and one byte of data: 49. */
  public static final int MIN_LENGTH = PublicKey.SIZE + CryptoBox.MAC_SIZE + 1;

  /** {@code MAX_DATA_REQUEST_SIZE} = 1174 - 105 = 1069. */
  public static final int MAX_LENGTH = OnionSizes.MAX_DATA_SIZE - (OnionDataRequest.MIN_LENGTH - 1);

  /** Largest data: 1069 - 48 = 1021 ({@code ONION_CLIENT_MAX_DATA_SIZE}). */
  public static final int MAX_DATA = MAX_LENGTH - PublicKey.SIZE - CryptoBox.MAC_SIZE;

  /**
   * Checks the box length.
   *
   * @param sender the sender's real key
   * @param box the inner box
   */
  public OnionDataInner {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(box, "box");
    Wire.checkRange(
        "inner box length", box.length(), MIN_LENGTH - PublicKey.SIZE, MAX_LENGTH - PublicKey.SIZE);
  }

  /**
   * The encoded form.
   *
   * @return 49..1069 bytes
   */
  public byte[] encode() {
    byte[] out = new byte[PublicKey.SIZE + box.length()];
    sender.copyTo(out, 0);
    box.copyTo(0, out, PublicKey.SIZE, box.length());
    return out;
  }

  /**
   * Decodes an opened outer box.
   *
   * @param plain the outer box's plaintext
   * @return the sender and inner box
   * @throws MalformedOnionPacketException with a one-line reason if the length is wrong
   */
  public static OnionDataInner decode(byte[] plain) {
    if (plain.length < MIN_LENGTH || plain.length > MAX_LENGTH) {
      throw new MalformedOnionPacketException(
          "onion data: length " + plain.length + ", expected " + MIN_LENGTH + ".." + MAX_LENGTH);
    }
    return new OnionDataInner(
        PublicKey.of(Arrays.copyOfRange(plain, 0, PublicKey.SIZE)),
        Bytes.of(plain, PublicKey.SIZE, plain.length - PublicKey.SIZE));
  }
}
