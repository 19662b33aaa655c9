package org.toxreactive.netcrypto.packet;

import org.toxreactive.core.Nonce;

/**
 * Expands the 2-byte nonce fragment of a data packet into the full 24-byte nonce (docs/protocol.md
 * 4.8): candidate = R + ((fragment - low16(R)) mod 65536), big-endian; after a successful
 * decryption with a difference above 2 x 21845, R moves forward by 21845.
 */
public final class NonceWindow {
  /** DATA_NUM_THRESHOLD. */
  public static final int THRESHOLD = 21845;

  private final byte[] base;

  /**
   * Starts at the peer's base nonce from its handshake.
   *
   * @param baseNonce the peer's 24-byte base nonce
   */
  public NonceWindow(byte[] baseNonce) {
    if (baseNonce.length != Nonce.SIZE) {
      throw new IllegalArgumentException("nonce must be 24 bytes");
    }
    base = baseNonce.clone();
  }

  private int diff(int fragment) {
    int low16 = ((base[22] & 0xFF) << 8) | (base[23] & 0xFF);
    return (fragment - low16) & 0xFFFF;
  }

  /**
   * The full nonce to try for a packet carrying {@code fragment} (0..65535).
   *
   * @param fragment the packet's nonce fragment
   * @return a new 24-byte array
   */
  public byte[] candidate(int fragment) {
    return candidate(fragment, new byte[Nonce.SIZE]);
  }

  /**
   * As {@link #candidate(int)}, written into {@code into} (24 bytes, a caller's scratch reused per
   * packet) instead of a new array; returns {@code into}.
   *
   * @param fragment the packet's nonce fragment
   * @param into where to write the 24 bytes
   * @return {@code into}
   */
  public byte[] candidate(int fragment, byte[] into) {
    System.arraycopy(base, 0, into, 0, Nonce.SIZE);
    Nonce.addInPlace(into, diff(fragment));
    return into;
  }

  /**
   * Call only after the candidate decrypted: advances the base when the packet is far ahead.
   *
   * @param fragment the nonce fragment of the packet that decrypted
   */
  public void accept(int fragment) {
    if (diff(fragment) > 2 * THRESHOLD) {
      Nonce.addInPlace(base, THRESHOLD);
    }
  }

  /**
   * The current base (a copy).
   *
   * @return a copy of the base
   */
  public byte[] base() {
    return base.clone();
  }
}
