package org.toxreactive.core.crypto;

/**
 * The crypto primitives tox-reactive uses, behind one interface so that libsodium ({@link
 * SodiumCryptoProvider}) and the pure-Java path ({@link JavaCryptoProvider}) are interchangeable
 * and byte-for-byte equal. {@link CryptoProviders#current()} picks one at start.
 *
 * <p>Everything here is libsodium's semantics: {@code crypto_box_beforenm}, {@code
 * crypto_scalarmult_base}, {@code crypto_box_easy_afternm} / {@code crypto_box_open_easy_afternm}
 * (XSalsa20-Poly1305, tag ‖ ciphertext) and {@code randombytes_buf}. Providers are thread-safe; the
 * {@link BoxEngine}s they make are not.
 */
public interface CryptoProvider {
  /**
   * {@code "sodium"} or {@code "java"}: the value of {@code -Dtox.crypto} that selects it.
   *
   * @return the provider's {@code tox.crypto} value
   */
  String name();

  /**
   * One line for the start-up log: the provider and its implementation (library version).
   *
   * @return a human-readable description, one line
   */
  String description();

  /**
   * {@code crypto_box_beforenm}: X25519 of {@code sk} and {@code pk}, then HSalsa20 with a zero
   * input, into {@code out} (32 bytes).
   *
   * @return false (and {@code out} unspecified) if {@code pk} is a low-order point (all-zero shared
   *     secret), which libsodium refuses
   * @param out receives the 32-byte shared key
   * @param pk the peer's 32-byte public key
   * @param sk our 32-byte secret key
   */
  boolean beforenm(byte[] out, byte[] pk, byte[] sk);

  /**
   * {@code crypto_scalarmult_base}: the public key ({@code out}, 32 bytes) of {@code sk}.
   *
   * @param out receives the 32-byte public key
   * @param sk the 32-byte secret key
   */
  void scalarMultBase(byte[] out, byte[] sk);

  /**
   * Fills {@code out} with cryptographically secure random bytes.
   *
   * @param out filled entirely
   */
  void randomBytes(byte[] out);

  /**
   * A new single-thread box engine (reusable per-thread state).
   *
   * @return an engine for one thread
   */
  BoxEngine newEngine();

  /**
   * True when the engine is fastest on direct (off-heap) {@code ByteBuf}s with memory addresses
   * (native providers); false when heap arrays avoid a copy (the Java provider).
   *
   * @return whether direct buffers are the fast path
   */
  boolean prefersDirectBuffers();
}
