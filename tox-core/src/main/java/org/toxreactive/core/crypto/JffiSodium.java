package org.toxreactive.core.crypto;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.Type;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * libsodium through jffi, the native-call layer under jnr-ffi, called directly: every function the
 * provider uses takes only addresses and sizes, so each is one symbol address and one {@link
 * CallContext}, invoked with {@link Invoker#invokeN5} and its siblings (no errno saved).
 *
 * <p>The same native calls as {@link JnrSodium}, without jnr-ffi's interface binding: that loads
 * ~300 classes (jnr-ffi, its ASM bytecode generator and x86 assembler) and generates a stub class
 * per function, about 4 MB of an idle relay's RSS. {@link JnrSodium} stays as the fallback where
 * jffi's own lookup fails.
 */
final class JffiSodium implements SodiumBinding {
  /** File names tried in order with the platform's dynamic loader. */
  static final List<String> LIBRARY_NAMES =
      List.of(
          "libsodium.so.23",
          "libsodium.so.26",
          System.mapLibraryName("sodium"),
          "libsodium.23.dylib",
          "libsodium.26.dylib");

  private final Invoker invoker = Invoker.getInstance();
  private final MemoryIO memory = MemoryIO.getInstance();
  private final long boxBeforenm;
  private final long scalarmultBase;
  private final long boxEasyAfternm;
  private final long boxOpenEasyAfternm;
  private final long randombytesBuf;
  private final String version;
  private final CallContext int3;
  private final CallContext int2;
  private final CallContext int5;
  private final CallContext void2;

  private static @Nullable JffiSodium loaded;

  private JffiSodium(Library lib) {
    boxBeforenm = symbol(lib, "crypto_box_beforenm");
    scalarmultBase = symbol(lib, "crypto_scalarmult_base");
    boxEasyAfternm = symbol(lib, "crypto_box_easy_afternm");
    boxOpenEasyAfternm = symbol(lib, "crypto_box_open_easy_afternm");
    randombytesBuf = symbol(lib, "randombytes_buf");
    int3 = context(Type.SINT32, 3);
    int2 = context(Type.SINT32, 2);
    int5 = context(Type.SINT32, 5);
    void2 = context(Type.VOID, 2);
    long init = symbol(lib, "sodium_init");
    if ((int) invoker.invokeN0(context(Type.SINT32, 0), init) < 0) {
      throw new UnsatisfiedLinkError("sodium_init() failed");
    }
    long versionString = symbol(lib, "sodium_version_string");
    long chars = invoker.invokeN0(context(Type.POINTER, 0), versionString);
    version = new String(memory.getZeroTerminatedByteArray(chars), StandardCharsets.US_ASCII);
  }

  /**
   * libsodium, opened and initialised once per process.
   *
   * @throws UnsatisfiedLinkError (one-line message) if jffi's native part or libsodium does not
   *     load, or a function is missing
   */
  static synchronized JffiSodium load() {
    if (loaded != null) {
      return loaded;
    }
    List<String> tried = new ArrayList<>();
    for (String name : LIBRARY_NAMES) {
      Library lib = Library.getCachedInstance(name, Library.LAZY | Library.LOCAL);
      if (lib != null) {
        loaded = new JffiSodium(lib);
        return loaded;
      }
      tried.add(name);
    }
    throw new UnsatisfiedLinkError("libsodium not found (tried " + tried + ")");
  }

  private static long symbol(Library lib, String name) {
    long address = lib.getSymbolAddress(name);
    if (address == 0) {
      throw new UnsatisfiedLinkError("libsodium has no " + name);
    }
    return address;
  }

  /** A C call returning {@code result} with {@code params} pointer-sized integer parameters. */
  private static CallContext context(Type result, int params) {
    Type[] types = new Type[params];
    java.util.Arrays.fill(types, Type.POINTER);
    return CallContext.getCallContext(result, types, CallingConvention.DEFAULT, false);
  }

  @Override
  public String name() {
    return "jffi";
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public long address(ByteBuffer direct) {
    if (!direct.isDirect()) {
      throw new IllegalArgumentException("not a direct buffer");
    }
    return memory.getDirectBufferAddress((Buffer) direct);
  }

  @Override
  public int cryptoBoxBeforenm(long k, long pk, long sk) {
    return (int) invoker.invokeN3(int3, boxBeforenm, k, pk, sk);
  }

  @Override
  public int cryptoScalarmultBase(long q, long n) {
    return (int) invoker.invokeN2(int2, scalarmultBase, q, n);
  }

  @Override
  public int cryptoBoxEasyAfternm(long c, long m, long mlen, long n, long k) {
    return (int) invoker.invokeN5(int5, boxEasyAfternm, c, m, mlen, n, k);
  }

  @Override
  public int cryptoBoxOpenEasyAfternm(long m, long c, long clen, long n, long k) {
    return (int) invoker.invokeN5(int5, boxOpenEasyAfternm, m, c, clen, n, k);
  }

  @Override
  public void randombytesBuf(long buf, long size) {
    invoker.invokeN2(void2, randombytesBuf, buf, size);
  }
}
