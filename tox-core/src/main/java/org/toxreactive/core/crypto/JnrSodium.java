package org.toxreactive.core.crypto;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.types.size_t;
import org.jspecify.annotations.Nullable;

/**
 * libsodium through jnr-ffi: an interface bound once, pointers as {@code long} addresses ({@code
 * size_t}), errno not saved ({@link IgnoreError}), so a call is one native transition with no
 * marshalling. Chosen over JNA direct mapping by measurement (BENCHMARKS.md "Crypto providers":
 * about 0.5 us less per call).
 */
final class JnrSodium implements SodiumBinding {
  /**
   * Names tried in order: the development symlink ({@code libsodium.so}), then the runtime sonames
   * of libsodium 1.0.18 (Debian bookworm, {@code .so.23}) and 1.0.19+ ({@code .so.26}).
   */
  static final List<String> LIBRARY_NAMES = List.of("sodium", "libsodium.so.23", "libsodium.so.26");

  /** The functions, as jnr-ffi binds them. */
  public interface Lib {
    @IgnoreError
    int sodium_init();

    String sodium_version_string();

    @IgnoreError
    int crypto_box_beforenm(@size_t long k, @size_t long pk, @size_t long sk);

    @IgnoreError
    int crypto_scalarmult_base(@size_t long q, @size_t long n);

    @IgnoreError
    int crypto_box_easy_afternm(
        @size_t long c, @size_t long m, @size_t long mlen, @size_t long n, @size_t long k);

    @IgnoreError
    int crypto_box_open_easy_afternm(
        @size_t long m, @size_t long c, @size_t long clen, @size_t long n, @size_t long k);

    @IgnoreError
    void randombytes_buf(@size_t long buf, @size_t long size);
  }

  private final Lib lib;
  private final Runtime runtime;

  private JnrSodium(Lib lib) {
    this.lib = lib;
    this.runtime = Runtime.getRuntime(lib);
  }

  private static @Nullable JnrSodium loaded;

  /**
   * Loads libsodium (once per process) and runs {@code sodium_init}.
   *
   * @throws UnsatisfiedLinkError (one line: every name tried) if it does not load or initialise
   */
  static synchronized JnrSodium load() {
    if (loaded != null) {
      return loaded;
    }
    List<String> tried = new ArrayList<>();
    Lib lib = null;
    for (String name : LIBRARY_NAMES) {
      try {
        lib = LibraryLoader.create(Lib.class).failImmediately().load(name);
        break;
      } catch (UnsatisfiedLinkError e) {
        tried.add(name);
      }
    }
    if (lib == null) {
      throw new UnsatisfiedLinkError("libsodium not found (tried " + tried + ")");
    }
    if (lib.sodium_init() < 0) {
      throw new UnsatisfiedLinkError("sodium_init() failed");
    }
    loaded = new JnrSodium(lib);
    return loaded;
  }

  @Override
  public String name() {
    return "jnr-ffi";
  }

  @Override
  public String version() {
    return lib.sodium_version_string();
  }

  @Override
  public long address(ByteBuffer direct) {
    return Pointer.wrap(runtime, direct).address();
  }

  @Override
  public int cryptoBoxBeforenm(long k, long pk, long sk) {
    return lib.crypto_box_beforenm(k, pk, sk);
  }

  @Override
  public int cryptoScalarmultBase(long q, long n) {
    return lib.crypto_scalarmult_base(q, n);
  }

  @Override
  public int cryptoBoxEasyAfternm(long c, long m, long mlen, long n, long k) {
    return lib.crypto_box_easy_afternm(c, m, mlen, n, k);
  }

  @Override
  public int cryptoBoxOpenEasyAfternm(long m, long c, long clen, long n, long k) {
    return lib.crypto_box_open_easy_afternm(m, c, clen, n, k);
  }

  @Override
  public void randombytesBuf(long buf, long size) {
    lib.randombytes_buf(buf, size);
  }
}
