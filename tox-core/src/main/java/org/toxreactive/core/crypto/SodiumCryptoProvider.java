package org.toxreactive.core.crypto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * libsodium (the library c-toxcore uses) through a {@link SodiumBinding}. Small arguments (keys,
 * nonces) travel through a per-call native scratch; {@link SodiumBoxEngine} seals and opens direct
 * {@code ByteBuf}s where they lie.
 */
public final class SodiumCryptoProvider implements CryptoProvider {
  private static final int SMALL_SIZE = 128;

  /** A thread's native scratch for keys and random bytes, and its address. */
  private static final class Small {
    final ByteBuffer buf = ByteBuffer.allocateDirect(SMALL_SIZE).order(ByteOrder.nativeOrder());
    final long address;

    Small(SodiumBinding sodium) {
      address = sodium.address(buf);
    }
  }

  private final ThreadLocal<Small> small;

  private final SodiumBinding sodium;
  private final String name;

  /**
   * A provider over {@code sodium}, already loaded and initialised, named {@code sodium}.
   *
   * @param sodium the binding to call; already initialised ({@code sodium_init})
   */
  public SodiumCryptoProvider(SodiumBinding sodium) {
    this(sodium, "sodium");
  }

  /**
   * A provider over {@code sodium}, already loaded and initialised.
   *
   * @param sodium the binding to call; already initialised ({@code sodium_init})
   * @param name its {@code tox.crypto} value ({@code sodium}, {@code sodium-ffm})
   */
  public SodiumCryptoProvider(SodiumBinding sodium, String name) {
    this.sodium = sodium;
    this.name = name;
    this.small = ThreadLocal.withInitial(() -> new Small(sodium));
  }

  /**
   * Loads libsodium through the FFM API ({@code FfmSodium}, in tox-core's multi-release jar for
   * Java 22+; see docs/architecture.md "Crypto providers").
   *
   * @throws UnsatisfiedLinkError (one line) on Java 17-21, where the binding is absent, or if
   *     libsodium does not load
   * @return a provider named {@code sodium-ffm}
   */
  public static SodiumCryptoProvider loadFfm() {
    Class<?> c;
    try {
      c = Class.forName("org.toxreactive.core.crypto.FfmSodium");
    } catch (ClassNotFoundException e) {
      throw new UnsatisfiedLinkError(
          "the FFM binding needs Java 22+ and tox-core's multi-release jar (running Java "
              + Runtime.version().feature()
              + ")");
    }
    try {
      return new SodiumCryptoProvider(
          (SodiumBinding) c.getDeclaredMethod("load").invoke(null), "sodium-ffm");
    } catch (java.lang.reflect.InvocationTargetException e) {
      if (e.getCause() instanceof UnsatisfiedLinkError u) {
        throw u;
      }
      throw new UnsatisfiedLinkError("libsodium via FFM did not load: " + e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new UnsatisfiedLinkError("libsodium via FFM did not load: " + e);
    }
  }

  /**
   * Loads libsodium through jffi ({@link JffiSodium}: a few native calls, no generated classes), or
   * through jnr-ffi's interface binding ({@link JnrSodium}) where that fails.
   *
   * @throws UnsatisfiedLinkError if libsodium or jffi's native part does not load (one-line
   *     message)
   * @return a provider on the system's libsodium
   */
  public static SodiumCryptoProvider load() {
    String jffi;
    try {
      return new SodiumCryptoProvider(JffiSodium.load());
    } catch (UnsatisfiedLinkError e) {
      jffi = e.getMessage();
    } catch (NoClassDefFoundError | ExceptionInInitializerError e) {
      jffi = e.toString();
    }
    try {
      return new SodiumCryptoProvider(JnrSodium.load());
    } catch (UnsatisfiedLinkError e) {
      throw new UnsatisfiedLinkError(jffi + "; jnr-ffi: " + e.getMessage());
    } catch (NoClassDefFoundError | ExceptionInInitializerError e) {
      throw new UnsatisfiedLinkError(jffi + "; jnr-ffi did not load: " + e);
    }
  }

  /**
   * libsodium through jnr-ffi's interface binding, whatever jffi does; for the test that checks the
   * two bindings agree.
   *
   * @return a provider on the system's libsodium
   */
  static SodiumCryptoProvider loadJnr() {
    return new SodiumCryptoProvider(JnrSodium.load());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return name + " (libsodium " + sodium.version() + " via " + sodium.name() + ")";
  }

  SodiumBinding binding() {
    return sodium;
  }

  @Override
  public boolean beforenm(byte[] out, byte[] pk, byte[] sk) {
    Small sm = small.get();
    ByteBuffer b = sm.buf;
    long a = sm.address;
    b.put(32, pk, 0, 32).put(64, sk, 0, 32);
    int rc = sodium.cryptoBoxBeforenm(a, a + 32, a + 64);
    b.get(0, out, 0, 32);
    wipe(b);
    return rc == 0;
  }

  @Override
  public void scalarMultBase(byte[] out, byte[] sk) {
    Small sm = small.get();
    ByteBuffer b = sm.buf;
    long a = sm.address;
    b.put(32, sk, 0, 32);
    int rc = sodium.cryptoScalarmultBase(a, a + 32);
    if (rc
        != 0) { // libsodium refuses only a result that is all zeros, impossible for a clamped key
      wipe(b);
      throw new IllegalArgumentException("crypto_scalarmult_base failed");
    }
    b.get(0, out, 0, 32);
    wipe(b);
  }

  private static void wipe(ByteBuffer b) {
    for (int i = 0; i < SMALL_SIZE; i += 8) {
      b.putLong(i, 0);
    }
  }

  @Override
  public void randomBytes(byte[] out) {
    Small sm = small.get();
    for (int done = 0; done < out.length; done += SMALL_SIZE) {
      int n = Math.min(SMALL_SIZE, out.length - done);
      sodium.randombytesBuf(sm.address, n);
      sm.buf.get(0, out, done, n);
    }
    wipe(sm.buf);
  }

  @Override
  public BoxEngine newEngine() {
    return new SodiumBoxEngine(sodium);
  }

  @Override
  public boolean prefersDirectBuffers() {
    return true;
  }

  @Override
  public String toString() {
    return name();
  }
}
