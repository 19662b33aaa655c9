package org.toxreactive.netcrypto.packet;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.NetCryptoPacketKind;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.SharedKey;

/**
 * A cookie response (docs/protocol.md 4.3): the receiver's {@link Cookie} for the requester, boxed
 * with the request's DHT-to-DHT key, with the request's echo number.
 *
 * <pre>
 * Offset | Length | Content
 * ------ | ------ | -------
 * 0      | 1      | 0x19
 * 1      | 24     | nonce
 * 25     | 136    | box(DHT-to-DHT key, nonce, plaintext of 120)
 *
 * plaintext:
 * 0      | 112    | the cookie, sealed (opaque to the requester)
 * 112    | 8      | echo number of the request
 * </pre>
 *
 * Exactly {@link #LENGTH} = 161 bytes.
 *
 * @param cookie the sealed cookie, {@link Cookie#LENGTH} bytes
 * @param echoId the request's echo number
 */
public record CookieResponse(byte[] cookie, long echoId) {
  /** Offset of the nonce. */
  public static final int NONCE_OFFSET = Fields.KIND_SIZE;

  /** Offset of the box. */
  public static final int BOX_OFFSET = NONCE_OFFSET + Nonce.SIZE;

  /** Plaintext offset of the cookie. */
  static final int COOKIE_OFFSET = 0;

  /** Plaintext offset of the echo number. */
  static final int ECHO_OFFSET = COOKIE_OFFSET + Cookie.LENGTH;

  /** Plaintext length: 120. */
  static final int PLAIN_LENGTH = ECHO_OFFSET + Fields.U64_SIZE;

  /** A cookie response's length: 161. */
  public static final int LENGTH = BOX_OFFSET + CryptoBox.MAC_SIZE + PLAIN_LENGTH;

  /**
   * Checks the cookie's length.
   *
   * @param cookie the sealed cookie
   * @param echoId the echo number
   */
  public CookieResponse {
    Objects.requireNonNull(cookie, "cookie");
    if (cookie.length != Cookie.LENGTH) {
      throw new IllegalArgumentException(
          "cookie of " + cookie.length + " bytes, expected " + Cookie.LENGTH);
    }
  }

  /**
   * The packet.
   *
   * @param dhtShared the request's DHT-to-DHT key
   * @param nonce a fresh nonce
   * @param box the crypto to use
   * @return {@link #LENGTH} bytes
   */
  public byte[] encode(SharedKey dhtShared, Nonce nonce, CryptoBox box) {
    byte[] plain = new byte[PLAIN_LENGTH];
    Fields.put(plain, COOKIE_OFFSET, cookie);
    Fields.putLe64(plain, ECHO_OFFSET, echoId);
    byte[] out = new byte[LENGTH];
    out[0] = NetCryptoPacketKind.COOKIE_RESPONSE.idByte();
    Fields.put(out, NONCE_OFFSET, nonce.toArray());
    Fields.put(out, BOX_OFFSET, box.seal(dhtShared, nonce, plain));
    return out;
  }

  /**
   * Opens a cookie response.
   *
   * @param dhtShared the key of our request
   * @param packet the packet, id byte first
   * @param box the crypto to use
   * @return the response, or null if it is not {@link #LENGTH} bytes or does not open
   */
  public static @Nullable CookieResponse open(SharedKey dhtShared, byte[] packet, CryptoBox box) {
    if (packet.length != LENGTH) {
      return null;
    }
    byte[] plain =
        box.open(
            dhtShared,
            Nonce.of(Fields.slice(packet, NONCE_OFFSET, Nonce.SIZE)),
            Fields.slice(packet, BOX_OFFSET, LENGTH - BOX_OFFSET));
    if (plain == null) {
      return null;
    }
    return new CookieResponse(
        Fields.slice(plain, COOKIE_OFFSET, Cookie.LENGTH), Fields.le64(plain, ECHO_OFFSET));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof CookieResponse r && echoId == r.echoId && Arrays.equals(cookie, r.cookie);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(cookie) + Long.hashCode(echoId);
  }

  @Override
  public String toString() {
    return "CookieResponse[echoId=" + echoId + "]";
  }
}
