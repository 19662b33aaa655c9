package org.toxreactive.core;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.crypto.CryptoProviders;

/**
 * A 24-byte crypto_box nonce. The value type is immutable; the static {@code *InPlace} helpers
 * mutate a caller-owned array so per-packet counters allocate nothing.
 *
 * <p>Tox treats a nonce as one 192-bit <b>big-endian</b> unsigned integer (byte 23 is least
 * significant) and increments it with carry toward byte 0, wrapping to zero at the maximum. This is
 * not libsodium's little-endian {@code sodium_increment}.
 */
public final class Nonce {
  /** Bytes in a nonce. */
  public static final int SIZE = 24;

  private final byte[] value;

  private Nonce(byte[] value) {
    this.value = value;
  }

  /**
   * Copies a 24-byte nonce.
   *
   * @param value the bytes
   * @return the nonce
   */
  public static Nonce of(byte[] value) {
    if (value.length != SIZE) {
      throw new IllegalArgumentException("nonce must be 24 bytes, got " + value.length);
    }
    return new Nonce(value.clone());
  }

  /**
   * Parses 48 hex digits.
   *
   * @param hex the digits
   * @return the nonce
   */
  public static Nonce fromHex(String hex) {
    return of(HexFormat.of().parseHex(hex));
  }

  /**
   * The all-zero nonce.
   *
   * @return the nonce
   */
  public static Nonce zero() {
    return new Nonce(new byte[SIZE]);
  }

  /**
   * A random nonce.
   *
   * @return the nonce
   */
  public static Nonce random() {
    byte[] n = new byte[SIZE];
    CryptoProviders.current().randomBytes(n);
    return new Nonce(n);
  }

  /**
   * Reads 24 bytes, advancing the reader index.
   *
   * @param buf the buffer (the caller's)
   * @return the nonce
   */
  public static Nonce read(ByteBuf buf) {
    byte[] n = new byte[SIZE];
    buf.readBytes(n);
    return new Nonce(n);
  }

  /**
   * This nonce plus one.
   *
   * @return a new nonce
   */
  public Nonce increment() {
    byte[] n = value.clone();
    incrementInPlace(n);
    return new Nonce(n);
  }

  /**
   * This nonce plus the unsigned 32-bit {@code x}.
   *
   * @param x added as unsigned
   * @return a new nonce
   */
  public Nonce add(int x) {
    byte[] n = value.clone();
    addInPlace(n, x);
    return new Nonce(n);
  }

  /**
   * Adds one to a 24-byte big-endian nonce, in place.
   *
   * @param n the 24 bytes
   */
  public static void incrementInPlace(byte[] n) {
    for (int i = SIZE - 1; i >= 0; i--) {
      if (++n[i] != 0) {
        return;
      }
    }
  }

  /**
   * Adds the unsigned 32-bit {@code x} to a 24-byte big-endian nonce, in place (c-toxcore's {@code
   * increment_nonce_number}: {@code x} is aligned to the last four bytes, carry runs to byte 0).
   *
   * @param n the 24 bytes
   * @param x added as unsigned
   */
  public static void addInPlace(byte[] n, int x) {
    long carry = x & 0xFFFFFFFFL;
    for (int i = SIZE - 1; i >= 0 && carry != 0; i--) {
      long sum = (n[i] & 0xFF) + (carry & 0xFF);
      n[i] = (byte) sum;
      carry = (carry >>> 8) + (sum >>> 8);
    }
  }

  /**
   * A copy of the bytes.
   *
   * @return a new array
   */
  public byte[] toArray() {
    return value.clone();
  }

  /**
   * Writes the 24 bytes (internal, for this project's codecs).
   *
   * @param buf the buffer (the caller's; not released)
   */
  public void writeTo(ByteBuf buf) {
    buf.writeBytes(value);
  }

  byte[] raw() {
    return value;
  }

  /**
   * Lower-case hex.
   *
   * @return 48 hex digits
   */
  public String toHex() {
    return HexFormat.of().formatHex(value);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Nonce && Arrays.equals(value, ((Nonce) o).value);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "Nonce[" + toHex() + "]";
  }
}
