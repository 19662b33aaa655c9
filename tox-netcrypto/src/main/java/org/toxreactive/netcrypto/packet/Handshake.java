package org.toxreactive.netcrypto.packet;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.NetCryptoPacketKind;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;

/**
 * A handshake (docs/protocol.md 4.5): the sender's half of a session, behind a cookie minted by the
 * receiver (which proves the sender asked for it within the last 15 s).
 *
 * <pre>
 * Offset | Length | Content
 * ------ | ------ | -------
 * 0      | 1      | 0x1A
 * 1      | 112    | a cookie minted by the receiver
 * 113    | 24     | nonce
 * 137    | 248    | box(real-to-real key, nonce, plaintext of 232)
 *
 * plaintext:
 * 0      | 24     | the sender's base nonce (the nonce of its first data packet)
 * 24     | 32     | the sender's session public key
 * 56     | 64     | SHA-512 of the cookie at offset 1
 * 120    | 112    | "other cookie": minted by the sender for the receiver, for its answer
 * </pre>
 *
 * Exactly {@link #LENGTH} = 385 bytes. The receiver opens the outer cookie first ({@link
 * #openCookie}: symmetric and cheap), then the box with the real key the cookie names ({@link
 * #open}), and refuses it unless the hash matches.
 *
 * @param baseNonce the sender's base nonce
 * @param sessionKey the sender's session public key
 * @param otherCookie the cookie for the receiver's answer, {@link Cookie#LENGTH} bytes
 */
public record Handshake(Nonce baseNonce, PublicKey sessionKey, byte[] otherCookie) {
  /** Offset of the receiver's cookie. */
  public static final int COOKIE_OFFSET = Fields.KIND_SIZE;

  /** Offset of the nonce. */
  public static final int NONCE_OFFSET = COOKIE_OFFSET + Cookie.LENGTH;

  /** Offset of the box. */
  public static final int BOX_OFFSET = NONCE_OFFSET + Nonce.SIZE;

  /** Plaintext offset of the base nonce. */
  static final int BASE_NONCE_OFFSET = 0;

  /** Plaintext offset of the session key. */
  static final int SESSION_KEY_OFFSET = BASE_NONCE_OFFSET + Nonce.SIZE;

  /** Plaintext offset of the SHA-512 of the outer cookie. */
  static final int COOKIE_HASH_OFFSET = SESSION_KEY_OFFSET + PublicKey.SIZE;

  /** Plaintext offset of the other cookie. */
  static final int OTHER_COOKIE_OFFSET = COOKIE_HASH_OFFSET + Fields.SHA512_SIZE;

  /** Plaintext length: 232. */
  static final int PLAIN_LENGTH = OTHER_COOKIE_OFFSET + Cookie.LENGTH;

  /** A handshake's length: 385. */
  public static final int LENGTH = BOX_OFFSET + CryptoBox.MAC_SIZE + PLAIN_LENGTH;

  /**
   * Checks the fields.
   *
   * @param baseNonce the sender's base nonce
   * @param sessionKey the sender's session public key
   * @param otherCookie the other cookie
   */
  public Handshake {
    Objects.requireNonNull(baseNonce, "baseNonce");
    Objects.requireNonNull(sessionKey, "sessionKey");
    Objects.requireNonNull(otherCookie, "otherCookie");
    if (otherCookie.length != Cookie.LENGTH) {
      throw new IllegalArgumentException(
          "other cookie of " + otherCookie.length + " bytes, expected " + Cookie.LENGTH);
    }
  }

  /**
   * The packet.
   *
   * @param realShared the shared key of our real key and the receiver's
   * @param peerCookie the cookie the receiver minted for us, {@link Cookie#LENGTH} bytes
   * @param nonce a fresh nonce
   * @param box the crypto to use
   * @return {@link #LENGTH} bytes
   */
  public byte[] encode(SharedKey realShared, byte[] peerCookie, Nonce nonce, CryptoBox box) {
    if (peerCookie.length != Cookie.LENGTH) {
      throw new IllegalArgumentException(
          "cookie of " + peerCookie.length + " bytes, expected " + Cookie.LENGTH);
    }
    byte[] plain = new byte[PLAIN_LENGTH];
    Fields.put(plain, BASE_NONCE_OFFSET, baseNonce.toArray());
    sessionKey.copyTo(plain, SESSION_KEY_OFFSET);
    Fields.put(plain, COOKIE_HASH_OFFSET, Fields.sha512(peerCookie, 0, Cookie.LENGTH));
    Fields.put(plain, OTHER_COOKIE_OFFSET, otherCookie);
    byte[] out = new byte[LENGTH];
    out[0] = NetCryptoPacketKind.HANDSHAKE.idByte();
    Fields.put(out, COOKIE_OFFSET, peerCookie);
    Fields.put(out, NONCE_OFFSET, nonce.toArray());
    Fields.put(out, BOX_OFFSET, box.seal(realShared, nonce, plain));
    return out;
  }

  /**
   * The outer cookie's bytes (what a replay check remembers).
   *
   * @param packet a packet of {@link #LENGTH} bytes
   * @return {@link Cookie#LENGTH} bytes from {@link #COOKIE_OFFSET}
   */
  public static Bytes cookieBytes(byte[] packet) {
    return Bytes.of(packet, COOKIE_OFFSET, Cookie.LENGTH);
  }

  /**
   * Opens the outer cookie, ours.
   *
   * @param cookieKey our cookie key
   * @param packet the packet, id byte first
   * @param nowSeconds the clock, in seconds
   * @param box the crypto to use
   * @return the cookie's contents, or null if the packet is not {@link #LENGTH} bytes or the cookie
   *     is not ours or no longer (or not yet) valid
   */
  public static @Nullable Cookie openCookie(
      SharedKey cookieKey, byte[] packet, long nowSeconds, CryptoBox box) {
    if (packet.length != LENGTH) {
      return null;
    }
    Cookie c = Cookie.open(cookieKey, packet, COOKIE_OFFSET, box);
    return c != null && c.validAt(nowSeconds) ? c : null;
  }

  /**
   * Opens the box and checks that it hashes the outer cookie.
   *
   * @param realShared the shared key of our real key and the one the cookie names
   * @param packet the packet, id byte first
   * @param box the crypto to use
   * @return the sender's half, or null if the packet is not {@link #LENGTH} bytes, does not open or
   *     does not carry the outer cookie's hash
   */
  public static @Nullable Handshake open(SharedKey realShared, byte[] packet, CryptoBox box) {
    if (packet.length != LENGTH) {
      return null;
    }
    byte[] plain =
        box.open(
            realShared,
            Nonce.of(Fields.slice(packet, NONCE_OFFSET, Nonce.SIZE)),
            Fields.slice(packet, BOX_OFFSET, LENGTH - BOX_OFFSET));
    if (plain == null
        || !MessageDigest.isEqual(
            Fields.slice(plain, COOKIE_HASH_OFFSET, Fields.SHA512_SIZE),
            Fields.sha512(packet, COOKIE_OFFSET, Cookie.LENGTH))) {
      return null;
    }
    return new Handshake(
        Nonce.of(Fields.slice(plain, BASE_NONCE_OFFSET, Nonce.SIZE)),
        PublicKey.of(Fields.slice(plain, SESSION_KEY_OFFSET, PublicKey.SIZE)),
        Fields.slice(plain, OTHER_COOKIE_OFFSET, Cookie.LENGTH));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Handshake h
        && baseNonce.equals(h.baseNonce)
        && sessionKey.equals(h.sessionKey)
        && Arrays.equals(otherCookie, h.otherCookie);
  }

  @Override
  public int hashCode() {
    return Objects.hash(baseNonce, sessionKey, Arrays.hashCode(otherCookie));
  }

  @Override
  public String toString() {
    return "Handshake[sessionKey=" + sessionKey + "]";
  }
}
