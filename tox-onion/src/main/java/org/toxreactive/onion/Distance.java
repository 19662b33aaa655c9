package org.toxreactive.onion;

import org.toxreactive.core.PublicKey;

/** XOR distance between keys, as c-toxcore's {@code id_closest} (docs/protocol.md 13.4). */
final class Distance {
  private Distance() {}

  /** Negative if {@code a} is closer to {@code base} than {@code b}, 0 if equally close. */
  static int compare(PublicKey base, PublicKey a, PublicKey b) {
    return compare(base.toArray(), a.toArray(), b.toArray());
  }

  /** As {@link #compare(PublicKey, PublicKey, PublicKey)} on raw 32-byte keys. */
  static int compare(byte[] base, byte[] a, byte[] b) {
    for (int i = 0; i < PublicKey.SIZE; i++) {
      int da = (base[i] ^ a[i]) & 0xFF;
      int db = (base[i] ^ b[i]) & 0xFF;
      if (da != db) {
        return da < db ? -1 : 1;
      }
    }
    return 0;
  }
}
