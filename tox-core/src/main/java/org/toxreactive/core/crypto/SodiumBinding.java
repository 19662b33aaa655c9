package org.toxreactive.core.crypto;

import java.nio.ByteBuffer;

/**
 * The libsodium functions {@link SodiumCryptoProvider} calls, with every pointer passed as a raw
 * native address ({@code long}): no argument marshalling, no copies, no allocation per call. The
 * implementations are thin bindings ({@link JnrSodium}: jnr-ffi).
 */
public interface SodiumBinding {
  /** The binding's name for the start-up log, e.g. {@code "jnr-ffi"}. */
  String name();

  /** {@code sodium_version_string()}. */
  String version();

  /** The native address of a direct buffer's first byte. */
  long address(ByteBuffer direct);

  int cryptoBoxBeforenm(long k, long pk, long sk);

  int cryptoScalarmultBase(long q, long n);

  int cryptoBoxEasyAfternm(long c, long m, long mlen, long n, long k);

  int cryptoBoxOpenEasyAfternm(long m, long c, long clen, long n, long k);

  void randombytesBuf(long buf, long size);
}
