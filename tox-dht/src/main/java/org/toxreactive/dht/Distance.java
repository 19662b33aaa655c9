package org.toxreactive.dht;

import org.toxreactive.core.PublicKey;

/** XOR distance between keys, as c-toxcore's {@code id_closest} and {@code bit_by_bit_cmp}. */
public final class Distance {
  private Distance() {}

  /**
   * Compares the distances of {@code a} and {@code b} to {@code target}: negative if {@code a} is
   * closer, positive if {@code b} is, 0 if equal (the keys are equal).
   *
   * @param target the key distances are measured to
   * @param a one key
   * @param b another key
   * @return the sign of distance(a) - distance(b)
   */
  public static int compare(PublicKey target, PublicKey a, PublicKey b) {
    return compare(target.toArray(), a.toArray(), b.toArray());
  }

  /**
   * {@link #compare(PublicKey, PublicKey, PublicKey)} on raw 32-byte keys (no copies).
   *
   * @param t the 32-byte target
   * @param x one 32-byte key
   * @param y another 32-byte key
   * @return the sign of distance(x) - distance(y)
   */
  public static int compare(byte[] t, byte[] x, byte[] y) {
    for (int i = 0; i < PublicKey.SIZE; i++) {
      int da = (t[i] ^ x[i]) & 0xFF;
      int db = (t[i] ^ y[i]) & 0xFF;
      if (da != db) {
        return da < db ? -1 : 1;
      }
    }
    return 0;
  }

  /**
   * Number of leading bits {@code a} and {@code b} share (0..256).
   *
   * @param a one key
   * @param b another key
   * @return the number of equal leading bits
   */
  public static int commonPrefix(PublicKey a, PublicKey b) {
    return commonPrefix(a.toArray(), b.toArray());
  }

  /**
   * {@link #commonPrefix(PublicKey, PublicKey)} on raw 32-byte keys.
   *
   * @param x one 32-byte key
   * @param y another 32-byte key
   * @return the number of equal leading bits
   */
  public static int commonPrefix(byte[] x, byte[] y) {
    for (int i = 0; i < PublicKey.SIZE; i++) {
      int d = (x[i] ^ y[i]) & 0xFF;
      if (d != 0) {
        return i * 8 + Integer.numberOfLeadingZeros(d) - 24;
      }
    }
    return 256;
  }
}
