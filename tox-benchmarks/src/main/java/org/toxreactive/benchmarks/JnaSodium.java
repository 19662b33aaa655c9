package org.toxreactive.benchmarks;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.toxreactive.core.crypto.SodiumBinding;

/**
 * For {@link CryptoBoxBenchmark}'s comparison with the jnr-ffi binding tox-core ships: libsodium
 * through JNA direct mapping ({@link Native#register(Class, NativeLibrary)}): static native methods
 * bound once, pointers as {@code long} addresses, so a call is one JNI transition with no
 * marshalling.
 */
public final class JnaSodium implements SodiumBinding {
  /**
   * Names tried in order: the development symlink ({@code libsodium.so}), then the runtime sonames
   * of libsodium 1.0.18 (Debian bookworm, {@code .so.23}) and 1.0.19+ ({@code .so.26}).
   */
  static final List<String> LIBRARY_NAMES =
      List.of("sodium", "libsodium.so.23", "libsodium.so.26", "libsodium.dylib");

  private static volatile boolean registered;

  private JnaSodium() {}

  /**
   * Loads libsodium and runs {@code sodium_init}.
   *
   * @throws UnsatisfiedLinkError (one line: every name tried) if it does not load or initialise
   */
  public static synchronized JnaSodium load() {
    if (!registered) {
      List<String> failures = new ArrayList<>();
      NativeLibrary lib = null;
      for (String name : LIBRARY_NAMES) {
        try {
          lib = NativeLibrary.getInstance(name);
          break;
        } catch (UnsatisfiedLinkError e) {
          failures.add(name);
        }
      }
      if (lib == null) {
        throw new UnsatisfiedLinkError("libsodium not found (tried " + failures + ")");
      }
      Native.register(Natives.class, lib);
      if (Natives.sodium_init() < 0) {
        throw new UnsatisfiedLinkError("sodium_init() failed");
      }
      registered = true;
    }
    return new JnaSodium();
  }

  @Override
  public String name() {
    return "JNA " + Native.VERSION;
  }

  @Override
  public String version() {
    return Natives.sodium_version_string();
  }

  @Override
  public long address(ByteBuffer direct) {
    return Pointer.nativeValue(Native.getDirectBufferPointer(direct));
  }

  @Override
  public int cryptoBoxBeforenm(long k, long pk, long sk) {
    return Natives.crypto_box_beforenm(k, pk, sk);
  }

  @Override
  public int cryptoScalarmultBase(long q, long n) {
    return Natives.crypto_scalarmult_base(q, n);
  }

  @Override
  public int cryptoBoxEasyAfternm(long c, long m, long mlen, long n, long k) {
    return Natives.crypto_box_easy_afternm(c, m, mlen, n, k);
  }

  @Override
  public int cryptoBoxOpenEasyAfternm(long m, long c, long clen, long n, long k) {
    return Natives.crypto_box_open_easy_afternm(m, c, clen, n, k);
  }

  @Override
  public void randombytesBuf(long buf, long size) {
    Natives.randombytes_buf(buf, size);
  }

  /** The direct-mapped functions; {@code long} stands for every pointer and {@code size_t}. */
  @SuppressWarnings("checkstyle:MethodName")
  private static final class Natives {
    static native int sodium_init();

    static native String sodium_version_string();

    static native int crypto_box_beforenm(long k, long pk, long sk);

    static native int crypto_scalarmult_base(long q, long n);

    static native int crypto_box_easy_afternm(long c, long m, long mlen, long n, long k);

    static native int crypto_box_open_easy_afternm(long m, long c, long clen, long n, long k);

    static native void randombytes_buf(long buf, long size);
  }
}
