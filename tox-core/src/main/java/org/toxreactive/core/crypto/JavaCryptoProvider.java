package org.toxreactive.core.crypto;

import java.security.SecureRandom;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The pure-Java provider, the fallback when libsodium does not load: Bouncy Castle's X25519,
 * Salsa20 core and Poly1305, with our own XSalsa20 stream around the core ({@link JavaBoxEngine}).
 */
public final class JavaCryptoProvider implements CryptoProvider {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Override
  public String name() {
    return "java";
  }

  @Override
  public String description() {
    return "java (Bouncy Castle X25519, Salsa20 core and Poly1305)";
  }

  @Override
  public boolean beforenm(byte[] out, byte[] pk, byte[] sk) {
    byte[] shared = new byte[32];
    if (!X25519.calculateAgreement(sk, 0, pk, 0, shared, 0)) {
      return false;
    }
    System.arraycopy(JavaBoxEngine.hsalsa20(shared, new byte[16]), 0, out, 0, 32);
    return true;
  }

  @Override
  public void scalarMultBase(byte[] out, byte[] sk) {
    X25519.scalarMultBase(sk, 0, out, 0);
  }

  @Override
  public void randomBytes(byte[] out) {
    RANDOM.nextBytes(out);
  }

  @Override
  public BoxEngine newEngine() {
    return new JavaBoxEngine();
  }

  /**
   * HSalsa20 (20 rounds, no final addition) of a 32-byte key and a 16-byte input: 32 bytes.
   *
   * @param key the 32-byte key
   * @param in16 the 16-byte input
   * @return the 32-byte output
   */
  public static byte[] hsalsa20(byte[] key, byte[] in16) {
    return JavaBoxEngine.hsalsa20(key, in16);
  }

  @Override
  public boolean prefersDirectBuffers() {
    return false;
  }

  @Override
  public String toString() {
    return name();
  }
}
