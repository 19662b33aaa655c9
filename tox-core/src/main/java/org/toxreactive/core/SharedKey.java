package org.toxreactive.core;

import java.security.MessageDigest;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.crypto.CryptoProviders;

/**
 * A 32-byte precomputed crypto_box key ({@code crypto_box_beforenm}) or a random symmetric key.
 * Redacted when printed; constant-time equality.
 */
public final class SharedKey {
  /** Bytes in a key. */
  public static final int SIZE = 32;

  private final byte[] key;

  SharedKey(byte[] key) {
    this.key = key;
  }

  /**
   * Copies a 32-byte key.
   *
   * @param key the bytes
   * @return the key
   */
  public static SharedKey of(byte[] key) {
    if (key.length != SIZE) {
      throw new IllegalArgumentException("shared key must be 32 bytes, got " + key.length);
    }
    return new SharedKey(key.clone());
  }

  /**
   * A fresh random symmetric key (cookie keys, onion return keys).
   *
   * @return the key
   */
  public static SharedKey random() {
    byte[] k = new byte[SIZE];
    CryptoProviders.current().randomBytes(k);
    return new SharedKey(k);
  }

  /**
   * A copy of the bytes.
   *
   * @return a new array
   */
  public byte[] toArray() {
    return key.clone();
  }

  byte[] raw() {
    return key;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SharedKey && MessageDigest.isEqual(key, ((SharedKey) o).key);
  }

  @Override
  public int hashCode() {
    return 0;
  }

  @Override
  public String toString() {
    return "SharedKey[redacted]";
  }
}
