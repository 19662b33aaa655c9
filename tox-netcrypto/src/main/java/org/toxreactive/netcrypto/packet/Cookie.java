package org.toxreactive.netcrypto.packet;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;

/**
 * What a cookie holds (docs/protocol.md 4.4): opaque to everyone but the node that minted it with
 * its random cookie key, and valid for {@link #TIMEOUT_SECONDS} from its creation second.
 *
 * <pre>
 * Offset | Length | Content
 * ------ | ------ | -------
 * 0      | 24     | nonce
 * 24     | 88     | box(cookie key, nonce, plaintext of 72)
 *
 * plaintext:
 * 0      | 8      | creation time, seconds (little-endian here; opaque to peers)
 * 8      | 32     | the requester's real public key
 * 40     | 32     | the requester's DHT public key
 * </pre>
 *
 * Exactly {@link #LENGTH} = 112 bytes.
 *
 * @param time the creation second
 * @param realKey the requester's real public key
 * @param dhtKey the requester's DHT public key
 */
public record Cookie(long time, PublicKey realKey, PublicKey dhtKey) {
  /** Offset of the nonce. */
  public static final int NONCE_OFFSET = 0;

  /** Offset of the box. */
  public static final int BOX_OFFSET = NONCE_OFFSET + Nonce.SIZE;

  /** Plaintext offset of the creation time. */
  static final int TIME_OFFSET = 0;

  /** Plaintext offset of the real key. */
  static final int REAL_KEY_OFFSET = TIME_OFFSET + Fields.U64_SIZE;

  /** Plaintext offset of the DHT key. */
  static final int DHT_KEY_OFFSET = REAL_KEY_OFFSET + PublicKey.SIZE;

  /** Plaintext length: 72. */
  static final int PLAIN_LENGTH = DHT_KEY_OFFSET + PublicKey.SIZE;

  /** A cookie's length: 112. */
  public static final int LENGTH = BOX_OFFSET + CryptoBox.MAC_SIZE + PLAIN_LENGTH;

  /** COOKIE_TIMEOUT: a cookie is valid this many seconds after its creation second. */
  public static final long TIMEOUT_SECONDS = 15;

  /**
   * Checks the keys.
   *
   * @param time the creation second
   * @param realKey the requester's real public key
   * @param dhtKey the requester's DHT public key
   */
  public Cookie {
    Objects.requireNonNull(realKey, "realKey");
    Objects.requireNonNull(dhtKey, "dhtKey");
  }

  /**
   * Whether the cookie is still valid: not older than {@link #TIMEOUT_SECONDS}, not from the
   * future.
   *
   * @param nowSeconds the clock, in seconds
   * @return whether a handshake carrying it may be taken
   */
  public boolean validAt(long nowSeconds) {
    return time + TIMEOUT_SECONDS >= nowSeconds && nowSeconds >= time;
  }

  /**
   * The cookie, sealed with the node's cookie key.
   *
   * @param cookieKey the minting node's cookie key
   * @param nonce a fresh nonce
   * @param box the crypto to use
   * @return {@link #LENGTH} bytes
   */
  public byte[] seal(SharedKey cookieKey, Nonce nonce, CryptoBox box) {
    byte[] plain = new byte[PLAIN_LENGTH];
    Fields.putLe64(plain, TIME_OFFSET, time);
    realKey.copyTo(plain, REAL_KEY_OFFSET);
    dhtKey.copyTo(plain, DHT_KEY_OFFSET);
    byte[] out = new byte[LENGTH];
    Fields.put(out, NONCE_OFFSET, nonce.toArray());
    Fields.put(out, BOX_OFFSET, box.seal(cookieKey, nonce, plain));
    return out;
  }

  /**
   * Opens the {@link #LENGTH} bytes of a cookie at {@code offset} of {@code packet}, whatever its
   * age (see {@link #validAt}).
   *
   * @param cookieKey our cookie key
   * @param packet a packet holding a cookie
   * @param offset where the cookie starts; {@code packet} holds at least {@link #LENGTH} bytes from
   *     there
   * @param box the crypto to use
   * @return the cookie's contents, or null if it was not minted with {@code cookieKey}
   */
  public static @Nullable Cookie open(
      SharedKey cookieKey, byte[] packet, int offset, CryptoBox box) {
    byte[] plain =
        box.open(
            cookieKey,
            Nonce.of(Fields.slice(packet, offset + NONCE_OFFSET, Nonce.SIZE)),
            Fields.slice(packet, offset + BOX_OFFSET, LENGTH - BOX_OFFSET));
    if (plain == null) {
      return null;
    }
    return new Cookie(
        Fields.le64(plain, TIME_OFFSET),
        PublicKey.of(Fields.slice(plain, REAL_KEY_OFFSET, PublicKey.SIZE)),
        PublicKey.of(Fields.slice(plain, DHT_KEY_OFFSET, PublicKey.SIZE)));
  }
}
