package org.toxreactive.core;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.crypto.BoxEngine;
import org.toxreactive.core.crypto.CryptoProvider;
import org.toxreactive.core.crypto.CryptoProviders;
import org.toxreactive.core.crypto.JavaCryptoProvider;

/**
 * NaCl {@code crypto_box} with a precomputed key, byte-identical to libsodium's {@code
 * crypto_box_beforenm} / {@code crypto_box_easy_afternm} / {@code crypto_box_open_easy_afternm}:
 * the output is the 16-byte Poly1305 tag followed by the ciphertext.
 *
 * <p>The work is done by the process's {@link CryptoProvider} ({@link CryptoProviders#current()}:
 * libsodium when it loads, else pure Java; {@code -Dtox.crypto=sodium|java} overrides). An instance
 * holds the provider's reusable per-thread state ({@link BoxEngine}), so the per-packet calls
 * allocate nothing. It is <b>not thread-safe</b>: give each thread (event loop, engine) its own,
 * not each connection.
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
  public static final int MAC_SIZE = BoxEngine.MAC_SIZE;

  private final CryptoProvider provider;
  private final BoxEngine engine;

  /** A box on the process's provider ({@link CryptoProviders#current()}). */
  public CryptoBox() {
    this(CryptoProviders.current());
  }

  /**
   * A box on {@code provider} (equivalence tests, benchmarks).
   *
   * @param provider the provider to run on; the box makes one engine of it
   */
  public CryptoBox(CryptoProvider provider) {
    this.provider = provider;
    this.engine = provider.newEngine();
  }

  /**
   * The provider this box runs on.
   *
   * @return the provider this box was made on
   */
  public CryptoProvider provider() {
    return provider;
  }

  /**
   * True when this box is fastest on direct {@link ByteBuf}s (libsodium), false when heap arrays
   * avoid a copy (pure Java): callers that own a scratch buffer pick its kind by this.
   *
   * @return true for native providers (direct buffers), false for the Java one (heap arrays)
   */
  public boolean prefersDirectBuffers() {
    return provider.prefersDirectBuffers();
  }

  /**
   * {@code crypto_box_beforenm} on the process's provider: X25519 of ({@code sk}, {@code pk}) then
   * HSalsa20 with a zero 16-byte input. A low-order public key yields an all-zero shared secret;
   * like libsodium we refuse it.
   *
   * @throws IllegalArgumentException if {@code pk} is a low-order point
   * @param pk the peer's public key
   * @param sk our secret key
   * @return the 32-byte shared key, the same on both sides
   */
  public static SharedKey beforenm(PublicKey pk, SecretKey sk) {
    return beforenm(CryptoProviders.current(), pk, sk);
  }

  /**
   * {@link #beforenm(PublicKey, SecretKey)} on {@code provider}.
   *
   * @param provider the provider to compute it with
   * @param pk the peer's public key
   * @param sk our secret key
   * @return the 32-byte shared key
   * @throws IllegalArgumentException if {@code pk} is a low-order point
   */
  public static SharedKey beforenm(CryptoProvider provider, PublicKey pk, SecretKey sk) {
    byte[] k = new byte[SharedKey.SIZE];
    if (!provider.beforenm(k, pk.raw(), sk.raw())) {
      throw new IllegalArgumentException("public key is a low-order point");
    }
    return new SharedKey(k);
  }

  /** HSalsa20 core (20 rounds, no final addition) of a 32-byte key and a 16-byte input. */
  static byte[] hsalsa20(byte[] key, byte[] in16) {
    return JavaCryptoProvider.hsalsa20(key, in16);
  }

  /**
   * Seals {@code plaintext}; returns tag ‖ ciphertext ({@code plaintext.length + 16} bytes).
   *
   * @param key the precomputed shared key of the two peers ({@link #beforenm})
   * @param nonce the nonce; never reuse one with the same key
   * @param plaintext the bytes to seal (not modified)
   * @return a new array: the 16-byte tag then the ciphertext
   */
  public byte[] seal(SharedKey key, Nonce nonce, byte[] plaintext) {
    byte[] out = new byte[plaintext.length + MAC_SIZE];
    engine.seal(key.raw(), nonce.raw(), plaintext, 0, plaintext.length, out, 0);
    return out;
  }

  /**
   * Opens tag ‖ ciphertext; returns the plaintext, or {@code null} if it does not authenticate.
   *
   * @param key the precomputed shared key of the two peers ({@link #beforenm})
   * @param nonce the nonce the box was sealed with
   * @param box tag ‖ ciphertext (not modified)
   * @return a new array with the plaintext, or null if the box is shorter than the tag or does not
   *     authenticate
   */
  public byte @Nullable [] open(SharedKey key, Nonce nonce, byte[] box) {
    if (box.length < MAC_SIZE) {
      return null;
    }
    byte[] out = new byte[box.length - MAC_SIZE];
    return engine.open(key.raw(), nonce.raw(), box, 0, box.length, out, 0) ? out : null;
  }

  /**
   * Seals {@code len} readable bytes of {@code plaintext} starting at its reader index and writes
   * tag ‖ ciphertext to {@code out}. Borrows both buffers: neither is released, and {@code
   * plaintext}'s indices are not moved. Direct buffers are sealed where they lie with libsodium;
   * heap buffers where they lie with pure Java; a mix goes through the engine's scratch.
   *
   * @param key the precomputed shared key of the two peers ({@link #beforenm})
   * @param nonce the 24-byte nonce; never reuse one with the same key
   * @param plaintext the plaintext at its reader index (borrowed)
   * @param len plaintext length in bytes
   * @param out receives tag ‖ ciphertext at its writer index (borrowed)
   */
  public void seal(SharedKey key, byte[] nonce, ByteBuf plaintext, int len, ByteBuf out) {
    engine.seal(key.raw(), nonce, plaintext, len, out);
  }

  /**
   * Opens {@code len} bytes of tag ‖ ciphertext at {@code box}'s reader index and writes the
   * plaintext to {@code out}; returns false (writing nothing) if it does not authenticate. Borrows
   * both buffers; {@code box}'s indices are not moved.
   *
   * @param key the precomputed shared key of the two peers ({@link #beforenm})
   * @param nonce the 24-byte nonce the box was sealed with
   * @param box tag ‖ ciphertext at its reader index (borrowed)
   * @param len tag plus ciphertext length in bytes
   * @param out receives the plaintext at its writer index (borrowed)
   * @return true if the box authenticated and the plaintext was written
   */
  public boolean open(SharedKey key, byte[] nonce, ByteBuf box, int len, ByteBuf out) {
    return engine.open(key.raw(), nonce, box, len, out);
  }

  /**
   * Seals in place: the {@code len} plaintext bytes at {@code buf[tagOffset + 16]} become
   * ciphertext and the tag is written at {@code buf[tagOffset]}. For packet encoders that build the
   * plaintext behind a reserved tag slot in the packet array itself (no copies with pure Java; two
   * native copies with libsodium).
   *
   * @param key the precomputed shared key of the two peers ({@link #beforenm})
   * @param nonce the 24-byte nonce; never reuse one with the same key
   * @param buf the packet array: a 16-byte tag slot at {@code tagOffset}, the plaintext right
   *     behind it
   * @param tagOffset where the tag goes
   * @param len plaintext length in bytes
   */
  public void sealInPlace(SharedKey key, byte[] nonce, byte[] buf, int tagOffset, int len) {
    engine.seal(key.raw(), nonce, buf, tagOffset + MAC_SIZE, len, buf, tagOffset);
  }

  /**
   * Opens in place the {@code len} bytes of tag ‖ ciphertext at {@code buf[offset]}: on success the
   * plaintext ({@code len - 16} bytes) is at {@code buf[offset + 16]}; on failure returns false and
   * leaves the bytes unchanged.
   *
   * @param key the precomputed shared key of the two peers ({@link #beforenm})
   * @param nonce the 24-byte nonce the box was sealed with
   * @param buf the packet array holding tag ‖ ciphertext
   * @param offset where the tag starts
   * @param len tag plus ciphertext length in bytes
   * @return true if it authenticated (plaintext now at {@code offset + 16}), false if not (bytes
   *     unchanged)
   */
  public boolean openInPlace(SharedKey key, byte[] nonce, byte[] buf, int offset, int len) {
    return len >= MAC_SIZE
        && engine.open(key.raw(), nonce, buf, offset, len, buf, offset + MAC_SIZE);
  }
}
