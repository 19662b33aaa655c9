package org.toxreactive.onion.packet;

import java.util.Arrays;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;

/**
 * The payload of a DHT request (0x20) of kind 156 (docs/protocol.md 13.10): a {@link DhtPkData}
 * sent through the DHT instead of the onion, c-toxcore 0.2.18's {@code send_dht_dhtpk}. The DHT
 * request itself (sender's DHT key, its own nonce and box) is the DHT module's; this is what that
 * box holds after the kind byte.
 *
 * <pre>
 * Length  | Content
 * ------- | -------
 * 32      | sender's real public key
 * 24      | nonce
 * 57..261 | box(beforenm(recipient real key, sender real secret), nonce, DHT-PK data)
 * </pre>
 *
 * {@link #MIN_LENGTH} = 113 to {@link #MAX_LENGTH} = 317. The receiver checks that the DHT key in
 * the data is the DHT request's sender key.
 */
public record DhtPkRoute(PublicKey sender, Nonce nonce, Bytes box) {
  /** Key, nonce and a box of the shortest DHT-PK data: 32 + 24 + 16 + 41 = 113. */
  public static final int MIN_LENGTH =
      PublicKey.SIZE + Nonce.SIZE + CryptoBox.MAC_SIZE + DhtPkData.MIN_LENGTH;

  /** With 4 IPv6 nodes: 317. */
  public static final int MAX_LENGTH =
      PublicKey.SIZE + Nonce.SIZE + CryptoBox.MAC_SIZE + DhtPkData.MAX_LENGTH;

  /**
   * Checks the box length.
   *
   * @param sender the sender's real key
   * @param nonce the nonce
   * @param box the box
   */
  public DhtPkRoute {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(box, "box");
    int fixed = PublicKey.SIZE + Nonce.SIZE;
    Wire.checkRange("box length", box.length(), MIN_LENGTH - fixed, MAX_LENGTH - fixed);
  }

  /**
   * The encoded form.
   *
   * @return 113..317 bytes
   */
  public byte[] encode() {
    byte[] out = new byte[PublicKey.SIZE + Nonce.SIZE + box.length()];
    sender.copyTo(out, 0);
    System.arraycopy(nonce.toArray(), 0, out, PublicKey.SIZE, Nonce.SIZE);
    box.copyTo(0, out, PublicKey.SIZE + Nonce.SIZE, box.length());
    return out;
  }

  /**
   * Decodes the payload of a kind-156 DHT request.
   *
   * @param payload the bytes after the kind byte
   * @return the parts
   * @throws MalformedOnionPacketException with a one-line reason if the length is wrong
   */
  public static DhtPkRoute decode(byte[] payload) {
    if (payload.length < MIN_LENGTH || payload.length > MAX_LENGTH) {
      throw new MalformedOnionPacketException(
          "DHT-PK over the DHT: length "
              + payload.length
              + ", expected "
              + MIN_LENGTH
              + ".."
              + MAX_LENGTH);
    }
    return new DhtPkRoute(
        PublicKey.of(Arrays.copyOfRange(payload, 0, PublicKey.SIZE)),
        Nonce.of(Arrays.copyOfRange(payload, PublicKey.SIZE, PublicKey.SIZE + Nonce.SIZE)),
        Bytes.of(
            payload, PublicKey.SIZE + Nonce.SIZE, payload.length - PublicKey.SIZE - Nonce.SIZE));
  }
}
