package org.toxreactive.core.crypto;

import io.netty.buffer.ByteBuf;

/**
 * {@code crypto_box_easy_afternm} and {@code crypto_box_open_easy_afternm} with a precomputed
 * 32-byte key and a 24-byte nonce: a box is the 16-byte Poly1305 tag followed by the ciphertext.
 *
 * <p>An engine holds reusable scratch state and is <b>not thread-safe</b>: one per thread. None of
 * the methods allocate per call once the scratch is large enough for the longest message.
 */
public interface BoxEngine {
  /** Poly1305 tag length, the overhead of every box. */
  int MAC_SIZE = 16;

  /**
   * Seals {@code len} bytes of {@code in} at {@code inOff}; writes tag ‖ ciphertext ({@code len +
   * 16} bytes) at {@code out[outOff]}. {@code in} and {@code out} may overlap only as {@code outOff
   * + 16 == inOff} in the same array (in-place sealing behind a reserved tag slot).
   *
   * @param key the 32-byte precomputed shared key ({@code crypto_box_beforenm})
   * @param nonce the 24-byte nonce; never reuse one with the same key
   * @param in the array holding the plaintext
   * @param inOff where the plaintext starts in {@code in}
   * @param len plaintext length in bytes
   * @param out the array that receives tag ‖ ciphertext; at least {@code outOff + len + 16} long
   * @param outOff where the tag goes in {@code out}
   */
  void seal(byte[] key, byte[] nonce, byte[] in, int inOff, int len, byte[] out, int outOff);

  /**
   * Opens the {@code len} bytes of tag ‖ ciphertext at {@code in[inOff]} and writes the {@code len
   * - 16} plaintext bytes at {@code out[outOff]}; {@code out} may alias {@code in} only at {@code
   * inOff + 16}. Returns false, writing nothing, if {@code len < 16} or the box does not
   * authenticate.
   *
   * @param key the 32-byte precomputed shared key ({@code crypto_box_beforenm})
   * @param nonce the 24-byte nonce; never reuse one with the same key
   * @param in the array holding tag ‖ ciphertext
   * @param inOff where the tag starts in {@code in}
   * @param len tag plus ciphertext length in bytes
   * @param out the array that receives the plaintext; at least {@code outOff + len - 16} long
   * @param outOff where the plaintext goes in {@code out}
   * @return true if the box authenticated and the plaintext was written
   */
  boolean open(byte[] key, byte[] nonce, byte[] in, int inOff, int len, byte[] out, int outOff);

  /**
   * Seals {@code len} readable bytes of {@code plaintext} (from its reader index) and appends tag ‖
   * ciphertext to {@code out}. Borrows both: nothing is released and {@code plaintext}'s indices do
   * not move. The two buffers must not share memory.
   *
   * @param key the 32-byte precomputed shared key ({@code crypto_box_beforenm})
   * @param nonce the 24-byte nonce; never reuse one with the same key
   * @param plaintext the plaintext, read from its reader index (borrowed)
   * @param len plaintext length in bytes
   * @param out receives tag ‖ ciphertext at its writer index ({@code len + 16} bytes; borrowed)
   */
  void seal(byte[] key, byte[] nonce, ByteBuf plaintext, int len, ByteBuf out);

  /**
   * Opens {@code len} bytes of tag ‖ ciphertext at {@code box}'s reader index and appends the
   * plaintext to {@code out}; returns false, writing nothing, if it does not authenticate. Borrows
   * both; {@code box}'s indices do not move. The two buffers must not share memory.
   *
   * @param key the 32-byte precomputed shared key ({@code crypto_box_beforenm})
   * @param nonce the 24-byte nonce; never reuse one with the same key
   * @param box tag ‖ ciphertext at its reader index (borrowed)
   * @param len tag plus ciphertext length in bytes
   * @param out receives the {@code len - 16} plaintext bytes at its writer index (borrowed)
   * @return true if the box authenticated and the plaintext was written
   */
  boolean open(byte[] key, byte[] nonce, ByteBuf box, int len, ByteBuf out);
}
