package org.toxreactive.core.crypto;

import java.nio.ByteBuffer;

/**
 * The libsodium functions {@link SodiumCryptoProvider} calls, with every pointer passed as a raw
 * native address ({@code long}): no argument marshalling, no copies, no allocation per call. The
 * implementations are thin bindings ({@link JffiSodium}: jffi called directly, the default; {@link
 * JnrSodium}: jnr-ffi).
 */
public interface SodiumBinding {
  /**
   * The binding's name for the start-up log, e.g. {@code "jnr-ffi"}.
   *
   * @return the binding's name
   */
  String name();

  /**
   * {@code sodium_version_string()}.
   *
   * @return the version string of the loaded libsodium, e.g. {@code "1.0.18"}
   */
  String version();

  /**
   * The native address of a direct buffer's first byte.
   *
   * @param direct a direct buffer (heap buffers have no address)
   * @return the address; valid while {@code direct} is reachable
   */
  long address(ByteBuffer direct);

  /**
   * {@code crypto_box_beforenm(k, pk, sk)}.
   *
   * @param k address of the 32-byte output
   * @param pk address of the 32-byte public key
   * @param sk address of the 32-byte secret key
   * @return libsodium's result: 0 on success, -1 for a low-order public key
   */
  int cryptoBoxBeforenm(long k, long pk, long sk);

  /**
   * {@code crypto_scalarmult_base(q, n)}.
   *
   * @param q address of the 32-byte public key output
   * @param n address of the 32-byte secret key
   * @return libsodium's result: 0 on success
   */
  int cryptoScalarmultBase(long q, long n);

  /**
   * {@code crypto_box_easy_afternm(c, m, mlen, n, k)}: tag ‖ ciphertext into {@code c}.
   *
   * @param c address of the output, {@code mlen + 16} bytes
   * @param m address of the plaintext
   * @param mlen plaintext length in bytes
   * @param n address of the 24-byte nonce
   * @param k address of the 32-byte shared key
   * @return libsodium's result: 0 on success
   */
  int cryptoBoxEasyAfternm(long c, long m, long mlen, long n, long k);

  /**
   * {@code crypto_box_open_easy_afternm(m, c, clen, n, k)}.
   *
   * @param m address of the plaintext output, {@code clen - 16} bytes
   * @param c address of tag ‖ ciphertext
   * @param clen tag plus ciphertext length in bytes
   * @param n address of the 24-byte nonce
   * @param k address of the 32-byte shared key
   * @return libsodium's result: 0 if it authenticated, -1 if not
   */
  int cryptoBoxOpenEasyAfternm(long m, long c, long clen, long n, long k);

  /**
   * {@code randombytes_buf(buf, size)}: cryptographically secure random bytes.
   *
   * @param buf address of the output
   * @param size how many bytes
   */
  void randombytesBuf(long buf, long size);
}
