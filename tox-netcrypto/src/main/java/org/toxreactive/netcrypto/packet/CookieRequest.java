package org.toxreactive.netcrypto.packet;

import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.NetCryptoPacketKind;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;

/**
 * A cookie request (docs/protocol.md 4.2): a stranger asks for a cookie; the receiver keeps no
 * state and answers with a {@link CookieResponse} on the path the request came by.
 *
 * <pre>
 * Offset | Length | Content
 * ------ | ------ | -------
 * 0      | 1      | 0x18
 * 1      | 32     | sender's DHT public key
 * 33     | 24     | nonce
 * 57     | 88     | box(DHT-to-DHT key, nonce, plaintext of 72)
 *
 * plaintext:
 * 0      | 32     | sender's real public key
 * 32     | 32     | zeros (not checked)
 * 64     | 8      | echo number (little-endian here; opaque to the receiver)
 * </pre>
 *
 * Exactly {@link #LENGTH} = 145 bytes.
 *
 * @param senderDht the sender's DHT public key, in the clear
 * @param senderReal the sender's real public key, boxed
 * @param echoId the echo number the response must carry back
 */
public record CookieRequest(PublicKey senderDht, PublicKey senderReal, long echoId) {
  /** Offset of the sender's DHT key. */
  public static final int SENDER_DHT_OFFSET = Fields.KIND_SIZE;

  /** Offset of the nonce. */
  public static final int NONCE_OFFSET = SENDER_DHT_OFFSET + PublicKey.SIZE;

  /** Offset of the box. */
  public static final int BOX_OFFSET = NONCE_OFFSET + Nonce.SIZE;

  /** Plaintext offset of the sender's real key. */
  static final int REAL_KEY_OFFSET = 0;

  /** Plaintext offset of the 32 zero bytes. */
  static final int PADDING_OFFSET = REAL_KEY_OFFSET + PublicKey.SIZE;

  /** Plaintext offset of the echo number. */
  static final int ECHO_OFFSET = PADDING_OFFSET + 32;

  /** Plaintext length: 72. */
  static final int PLAIN_LENGTH = ECHO_OFFSET + Fields.U64_SIZE;

  /** A cookie request's length: 145. */
  public static final int LENGTH = BOX_OFFSET + CryptoBox.MAC_SIZE + PLAIN_LENGTH;

  /**
   * Checks the keys.
   *
   * @param senderDht the sender's DHT public key
   * @param senderReal the sender's real public key
   * @param echoId the echo number
   */
  public CookieRequest {
    Objects.requireNonNull(senderDht, "senderDht");
    Objects.requireNonNull(senderReal, "senderReal");
  }

  /**
   * The packet.
   *
   * @param dhtShared the shared key of the sender's and the receiver's DHT keys
   * @param nonce a fresh nonce
   * @param box the crypto to use
   * @return {@link #LENGTH} bytes
   */
  public byte[] encode(SharedKey dhtShared, Nonce nonce, CryptoBox box) {
    byte[] plain = new byte[PLAIN_LENGTH];
    senderReal.copyTo(plain, REAL_KEY_OFFSET);
    Fields.putLe64(plain, ECHO_OFFSET, echoId);
    byte[] out = new byte[LENGTH];
    out[0] = NetCryptoPacketKind.COOKIE_REQUEST.idByte();
    senderDht.copyTo(out, SENDER_DHT_OFFSET);
    Fields.put(out, NONCE_OFFSET, nonce.toArray());
    Fields.put(out, BOX_OFFSET, box.seal(dhtShared, nonce, plain));
    return out;
  }

  /**
   * The sender's DHT key in the clear header, read before the receiver decides whether opening the
   * box is worth an X25519.
   *
   * @param packet a packet of {@link #LENGTH} bytes
   * @return the key at {@link #SENDER_DHT_OFFSET}
   */
  public static PublicKey senderDht(byte[] packet) {
    return PublicKey.of(Fields.slice(packet, SENDER_DHT_OFFSET, PublicKey.SIZE));
  }

  /**
   * Opens a cookie request.
   *
   * @param packet the packet, id byte first
   * @param dhtShared our shared key with a sender's DHT key; it may throw {@link
   *     IllegalArgumentException} for a key it refuses (a low-order point)
   * @param box the crypto to use
   * @return the request, or null if it is not {@link #LENGTH} bytes, names a refused key or does
   *     not open
   */
  public static @Nullable CookieRequest open(
      byte[] packet, Function<PublicKey, SharedKey> dhtShared, CryptoBox box) {
    if (packet.length != LENGTH) {
      return null;
    }
    PublicKey sender = senderDht(packet);
    SharedKey k;
    try {
      k = dhtShared.apply(sender);
    } catch (IllegalArgumentException lowOrder) {
      return null;
    }
    byte[] plain =
        box.open(
            k,
            Nonce.of(Fields.slice(packet, NONCE_OFFSET, Nonce.SIZE)),
            Fields.slice(packet, BOX_OFFSET, LENGTH - BOX_OFFSET));
    if (plain == null) {
      return null;
    }
    return new CookieRequest(
        sender,
        PublicKey.of(Fields.slice(plain, REAL_KEY_OFFSET, PublicKey.SIZE)),
        Fields.le64(plain, ECHO_OFFSET));
  }
}
