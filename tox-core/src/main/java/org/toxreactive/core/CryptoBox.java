package org.toxreactive.core;

import io.netty.buffer.ByteBuf;
import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.util.Pack;

/**
 * NaCl {@code crypto_box} with a precomputed key, byte-identical to libsodium's {@code
 * crypto_box_beforenm} / {@code crypto_box_easy_afternm} / {@code crypto_box_open_easy_afternm}:
 * the output is the 16-byte Poly1305 tag followed by the ciphertext.
 *
 * <p>An instance holds reusable engines and scratch space, so it allocates nothing per packet; it
 * is <b>not thread-safe</b>: give each single-writer state machine (connection, router shard) its
 * own.
 *
 * <pre>{@code
 * SharedKey k = CryptoBox.beforenm(peerPublicKey, mySecretKey);
 * CryptoBox box = new CryptoBox();
 * byte[] sealed = box.seal(k, nonce, plaintext);     // 16 + plaintext.length bytes
 * byte[] opened = box.open(k, nonce, sealed);        // null if forged or corrupted
 * }</pre>
 */
public final class CryptoBox {
  /** Poly1305 tag length, the overhead of every box. */
  public static final int MAC_SIZE = 16;

  private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
  private static final byte[] ZERO32 = new byte[32];

  private final XSalsa20Engine cipher = new XSalsa20Engine();
  private final Poly1305 mac = new Poly1305();
  private final byte[] polyKey = new byte[32];
  private final byte[] tag = new byte[MAC_SIZE];
  private byte[] scratch = new byte[2048];

  /**
   * {@code crypto_box_beforenm}: X25519 of ({@code sk}, {@code pk}) then HSalsa20 with a zero
   * 16-byte input. A low-order public key yields an all-zero shared secret; like libsodium we
   * refuse it.
   *
   * @throws IllegalArgumentException if {@code pk} is a low-order point
   */
  public static SharedKey beforenm(PublicKey pk, SecretKey sk) {
    byte[] shared = new byte[32];
    if (!X25519.calculateAgreement(sk.raw(), 0, pk.raw(), 0, shared, 0)) {
      throw new IllegalArgumentException("public key is a low-order point");
    }
    return new SharedKey(hsalsa20(shared, new byte[16]));
  }

  /** HSalsa20 core (20 rounds, no final addition) of a 32-byte key and a 16-byte input. */
  static byte[] hsalsa20(byte[] key, byte[] in16) {
    int[] state = new int[16];
    state[0] = SIGMA[0];
    state[5] = SIGMA[1];
    state[10] = SIGMA[2];
    state[15] = SIGMA[3];
    Pack.littleEndianToInt(key, 0, state, 1, 4);
    Pack.littleEndianToInt(key, 16, state, 11, 4);
    Pack.littleEndianToInt(in16, 0, state, 6, 4);
    int[] x = new int[16];
    Salsa20Engine.salsaCore(20, state, x);
    // salsaCore adds the input words at the end; HSalsa20 wants the raw permutation output.
    int[] words = {0, 5, 10, 15, 6, 7, 8, 9};
    byte[] out = new byte[32];
    for (int i = 0; i < 8; i++) {
      int w = words[i];
      Pack.intToLittleEndian(x[w] - state[w], out, i * 4);
    }
    return out;
  }

  /** Seals {@code plaintext}; returns tag ‖ ciphertext ({@code plaintext.length + 16} bytes). */
  public byte[] seal(SharedKey key, Nonce nonce, byte[] plaintext) {
    byte[] out = new byte[plaintext.length + MAC_SIZE];
    seal(key.raw(), nonce.raw(), plaintext, 0, plaintext.length, out, 0);
    return out;
  }

  /** Opens tag ‖ ciphertext; returns the plaintext, or {@code null} if it does not authenticate. */
  public byte[] open(SharedKey key, Nonce nonce, byte[] box) {
    if (box.length < MAC_SIZE) {
      return null;
    }
    byte[] out = new byte[box.length - MAC_SIZE];
    return open(key.raw(), nonce.raw(), box, 0, box.length, out, 0) ? out : null;
  }

  /**
   * Seals {@code len} readable bytes of {@code plaintext} starting at its reader index and writes
   * tag ‖ ciphertext to {@code out}. Borrows both buffers: neither is released, and {@code
   * plaintext}'s indices are not moved.
   */
  public void seal(SharedKey key, byte[] nonce, ByteBuf plaintext, int len, ByteBuf out) {
    byte[] s = scratch(len + MAC_SIZE);
    plaintext.getBytes(plaintext.readerIndex(), s, MAC_SIZE, len);
    seal(key.raw(), nonce, s, MAC_SIZE, len, s, 0);
    out.writeBytes(s, 0, len + MAC_SIZE);
  }

  /**
   * Opens {@code len} bytes of tag ‖ ciphertext at {@code box}'s reader index and writes the
   * plaintext to {@code out}; returns false (writing nothing) if it does not authenticate. Borrows
   * both buffers; {@code box}'s indices are not moved.
   */
  public boolean open(SharedKey key, byte[] nonce, ByteBuf box, int len, ByteBuf out) {
    if (len < MAC_SIZE) {
      return false;
    }
    byte[] s = scratch(len);
    box.getBytes(box.readerIndex(), s, 0, len);
    if (!open(key.raw(), nonce, s, 0, len, s, MAC_SIZE)) {
      return false;
    }
    out.writeBytes(s, MAC_SIZE, len - MAC_SIZE);
    return true;
  }

  /**
   * Seals in place: the {@code len} plaintext bytes at {@code buf[tagOffset + 16]} become
   * ciphertext and the tag is written at {@code buf[tagOffset]}. For packet encoders that build the
   * plaintext behind a reserved tag slot in the packet array itself (no copies).
   */
  public void sealInPlace(SharedKey key, byte[] nonce, byte[] buf, int tagOffset, int len) {
    seal(key.raw(), nonce, buf, tagOffset + MAC_SIZE, len, buf, tagOffset);
  }

  /**
   * Opens in place the {@code len} bytes of tag ‖ ciphertext at {@code buf[offset]}: on success the
   * plaintext ({@code len - 16} bytes) is at {@code buf[offset + 16]}; on failure returns false and
   * leaves the bytes unchanged.
   */
  public boolean openInPlace(SharedKey key, byte[] nonce, byte[] buf, int offset, int len) {
    return len >= MAC_SIZE && open(key.raw(), nonce, buf, offset, len, buf, offset + MAC_SIZE);
  }

  private byte[] scratch(int len) {
    if (scratch.length < len) {
      scratch = new byte[Math.max(len, scratch.length * 2)];
    }
    return scratch;
  }

  /**
   * Array core of seal. The plaintext may overlap the output only if {@code outOff + 16 == inOff}
   * (in-place sealing behind a reserved tag slot).
   */
  private void seal(
      byte[] key, byte[] nonce, byte[] in, int inOff, int len, byte[] out, int outOff) {
    startKeystream(key, nonce);
    cipher.processBytes(in, inOff, len, out, outOff + MAC_SIZE);
    mac.init(new KeyParameter(polyKey));
    mac.update(out, outOff + MAC_SIZE, len);
    mac.doFinal(out, outOff);
  }

  /** Array core of open; {@code out} may alias {@code in} at {@code inOff + 16}. */
  private boolean open(
      byte[] key, byte[] nonce, byte[] in, int inOff, int len, byte[] out, int outOff) {
    startKeystream(key, nonce);
    mac.init(new KeyParameter(polyKey));
    mac.update(in, inOff + MAC_SIZE, len - MAC_SIZE);
    mac.doFinal(tag, 0);
    if (!constantTimeEquals(tag, in, inOff)) {
      return false;
    }
    cipher.processBytes(in, inOff + MAC_SIZE, len - MAC_SIZE, out, outOff);
    return true;
  }

  private static boolean constantTimeEquals(byte[] tag, byte[] in, int off) {
    int diff = 0;
    for (int i = 0; i < MAC_SIZE; i++) {
      diff |= tag[i] ^ in[off + i];
    }
    return diff == 0;
  }

  /** XSalsa20 keystream: the first 32 bytes are the one-time Poly1305 key. */
  private void startKeystream(byte[] key, byte[] nonce) {
    cipher.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
    cipher.processBytes(ZERO32, 0, 32, polyKey, 0);
  }
}
