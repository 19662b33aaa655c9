package org.toxreactive.core;

import java.security.MessageDigest;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/**
 * A 32-byte Curve25519 secret key. Never printed: {@link #toString()} is redacted; equality is
 * constant-time.
 */
public final class SecretKey {
  /** Bytes in a key. */
  public static final int SIZE = 32;

  private final byte[] key;

  private SecretKey(byte[] key) {
    this.key = key;
  }

  /**
   * Copies a 32-byte key.
   *
   * @param key 32 bytes
   * @return the key
   */
  public static SecretKey of(byte[] key) {
    if (key.length != SIZE) {
      throw new IllegalArgumentException("secret key must be 32 bytes, got " + key.length);
    }
    return new SecretKey(key.clone());
  }

  /**
   * Parses 64 hex digits.
   *
   * @param hex the digits
   * @return the key
   */
  public static SecretKey fromHex(String hex) {
    return new SecretKey(KeyHex.parse(hex, SIZE, "secret key"));
  }

  /**
   * A copy of the bytes.
   *
   * @return a new array
   */
  public byte[] toArray() {
    return key.clone();
  }

  /**
   * Hex of the secret; for key files and explicit export only, never for logs.
   *
   * @return 64 hex digits
   */
  public String toHexUnsafe() {
    return HexFormat.of().withUpperCase().formatHex(key);
  }

  byte[] raw() {
    return key;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SecretKey && MessageDigest.isEqual(key, ((SecretKey) o).key);
  }

  @Override
  public int hashCode() {
    return 0; // a hash would leak key bits; secret keys are not meant for hash tables
  }

  @Override
  public String toString() {
    return "SecretKey[redacted]";
  }
}
