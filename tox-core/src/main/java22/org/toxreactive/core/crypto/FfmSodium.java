package org.toxreactive.core.crypto;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * libsodium through the Foreign Function and Memory API (final in Java 22): downcall handles
 * bound once, pointers passed as {@code long} addresses (a pointer is a 64-bit integer argument
 * in the C calling conventions of the 64-bit platforms libsodium ships for), the box functions
 * linked as critical (no thread-state transition: they run for microseconds and never call
 * back). Compiled only for Java 22+ and shipped in tox-core's multi-release jar under {@code
 * META-INF/versions/22}; {@link CryptoProviders} finds it by name, so on Java 17 the class is
 * simply absent and {@code -Dtox.crypto=sodium-ffm} is a one-line error.
 */
final class FfmSodium implements SodiumBinding {
  private static final Linker LINKER = Linker.nativeLinker();
  private static FfmSodium loaded;

  private final MethodHandle beforenm;
  private final MethodHandle scalarmultBase;
  private final MethodHandle easyAfternm;
  private final MethodHandle openEasyAfternm;
  private final MethodHandle randombytes;
  private final String version;

  private FfmSodium(SymbolLookup lib) throws Throwable {
    FunctionDescriptor three = FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    FunctionDescriptor two = FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG);
    FunctionDescriptor box =
        FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    Linker.Option critical = Linker.Option.critical(false);
    beforenm = handle(lib, "crypto_box_beforenm", three);
    scalarmultBase = handle(lib, "crypto_scalarmult_base", two);
    easyAfternm = handle(lib, "crypto_box_easy_afternm", box, critical);
    openEasyAfternm = handle(lib, "crypto_box_open_easy_afternm", box, critical);
    randombytes =
        handle(lib, "randombytes_buf", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG), critical);
    MethodHandle init = handle(lib, "sodium_init", FunctionDescriptor.of(JAVA_INT));
    if ((int) init.invokeExact() < 0) {
      throw new UnsatisfiedLinkError("sodium_init() failed");
    }
    MethodHandle v = handle(lib, "sodium_version_string", FunctionDescriptor.of(ADDRESS));
    version = ((MemorySegment) v.invokeExact()).reinterpret(64).getString(0);
  }

  private static MethodHandle handle(
      SymbolLookup lib, String name, FunctionDescriptor d, Linker.Option... options) {
    MemorySegment f =
        lib.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libsodium lacks " + name));
    return LINKER.downcallHandle(f, d, options);
  }

  /**
   * Loads libsodium (once per process, the names {@link JnrSodium#LIBRARY_NAMES} tries, as
   * sonames) and runs {@code sodium_init}.
   *
   * @throws UnsatisfiedLinkError (one line: every name tried) if it does not load or initialise
   * @return the binding
   */
  static synchronized FfmSodium load() {
    if (loaded != null) {
      return loaded;
    }
    List<String> tried = new ArrayList<>();
    for (String name : JnrSodium.LIBRARY_NAMES) {
      String file = name.startsWith("lib") ? name : "lib" + name + ".so";
      SymbolLookup lib;
      try {
        lib = SymbolLookup.libraryLookup(file, Arena.global());
      } catch (IllegalArgumentException e) {
        tried.add(file);
        continue;
      }
      try {
        loaded = new FfmSodium(lib);
        return loaded;
      } catch (UnsatisfiedLinkError e) {
        throw e;
      } catch (Throwable e) {
        throw new UnsatisfiedLinkError("libsodium via FFM did not bind: " + e);
      }
    }
    throw new UnsatisfiedLinkError("libsodium not found (tried " + tried + ")");
  }

  @Override
  public String name() {
    return "FFM (Java " + Runtime.version().feature() + ")";
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public long address(ByteBuffer direct) {
    return MemorySegment.ofBuffer(direct).address() - direct.position();
  }

  @Override
  public int cryptoBoxBeforenm(long k, long pk, long sk) {
    try {
      return (int) beforenm.invokeExact(k, pk, sk);
    } catch (Throwable e) {
      throw rethrow(e);
    }
  }

  @Override
  public int cryptoScalarmultBase(long q, long n) {
    try {
      return (int) scalarmultBase.invokeExact(q, n);
    } catch (Throwable e) {
      throw rethrow(e);
    }
  }

  @Override
  public int cryptoBoxEasyAfternm(long c, long m, long mlen, long n, long k) {
    try {
      return (int) easyAfternm.invokeExact(c, m, mlen, n, k);
    } catch (Throwable e) {
      throw rethrow(e);
    }
  }

  @Override
  public int cryptoBoxOpenEasyAfternm(long m, long c, long clen, long n, long k) {
    try {
      return (int) openEasyAfternm.invokeExact(m, c, clen, n, k);
    } catch (Throwable e) {
      throw rethrow(e);
    }
  }

  @Override
  public void randombytesBuf(long buf, long size) {
    try {
      randombytes.invokeExact(buf, size);
    } catch (Throwable e) {
      throw rethrow(e);
    }
  }

  /** A downcall throws nothing checked; anything else is a bug worth its own type. */
  private static RuntimeException rethrow(Throwable e) {
    if (e instanceof RuntimeException r) {
      throw r;
    }
    if (e instanceof Error err) {
      throw err;
    }
    throw new IllegalStateException(e);
  }
}
