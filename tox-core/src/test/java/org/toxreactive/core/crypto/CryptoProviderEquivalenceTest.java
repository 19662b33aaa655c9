package org.toxreactive.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The libsodium provider and the pure-Java provider, byte for byte on seeded random inputs and on
 * libsodium's own test vectors, through every entry point (arrays, in place, heap and direct
 * buffers). libsodium missing skips the class locally and fails it with {@code
 * -Dtox.interop.required=true} (CI installs libsodium-dev).
 */
class CryptoProviderEquivalenceTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final long SEED = Long.getLong("tox.crypto.seed", 0x50D1_0A11L);
  private static final int[] LENGTHS = {
    0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 1024, 1373, 1400, 2031, 2032, 2033, 2048,
    5000
  };

  // libsodium test/default/box.c and box2.c (Alice's secret key, Bob's public key)
  static final String ALICE_SK = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
  static final String ALICE_PK = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
  static final String BOB_PK = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
  static final String FIRSTKEY = "1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389";
  static final String NONCE = "69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37";
  static final String MESSAGE =
      "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705";
  static final String CIPHERTEXT =
      "f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5";

  /** Curve25519 points of small order (u = 0, 1, and an order-8 point): all-zero shared secrets. */
  static final List<String> LOW_ORDER =
      List.of(
          "0000000000000000000000000000000000000000000000000000000000000000",
          "0100000000000000000000000000000000000000000000000000000000000000",
          "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800");

  private static CryptoProvider java;
  private static CryptoProvider sodium;

  @BeforeAll
  static void load() {
    java = CryptoProviders.java();
    sodium = requireSodium();
  }

  /**
   * The libsodium provider ({@code -Dtox.crypto.native}: {@code sodium}, the default, or {@code
   * sodium-ffm} in the FFM run on Java 22+), or a skip (a failure with {@code
   * tox.interop.required=true}).
   */
  static CryptoProvider requireSodium() {
    try {
      return CryptoProviders.named(System.getProperty("tox.crypto.native", "sodium"));
    } catch (UnsatisfiedLinkError e) {
      String what =
          "libsodium provider did not load: "
              + e.getMessage()
              + " (Debian: apt-get install libsodium23)";
      if (Boolean.getBoolean("tox.interop.required")) {
        Assertions.fail(what + "; -Dtox.interop.required=true");
      }
      Assumptions.abort(what + "; skipping (set -Dtox.interop.required=true to fail instead)");
      return null;
    }
  }

  private static List<CryptoProvider> both() {
    return List.of(java, sodium, SodiumCryptoProvider.loadJnr());
  }

  @Test
  void theDefaultBindingIsJffiAndAgreesWithJnrFfi() {
    CryptoProvider jffi =
        SodiumCryptoProvider.load(); // not `sodium`: the FFM run sets it to sodium-ffm
    assertThat(jffi.description()).contains("via jffi");
    CryptoProvider jnr = SodiumCryptoProvider.loadJnr();
    assertThat(jnr.description()).contains("via jnr-ffi");
    Random rnd = new Random(SEED + 7);
    assertKeyAgreementEqual(jffi, jnr, rnd, 50);
    BoxEngine a = jffi.newEngine();
    BoxEngine b = jnr.newEngine();
    for (int i = 0; i < 50; i++) {
      byte[] key = bytes(rnd, 32);
      int len = rnd.nextInt(2000);
      byte[] nonce = bytes(rnd, 24);
      byte[] m = bytes(rnd, len);
      byte[] ca = new byte[len + 16];
      byte[] cb = new byte[len + 16];
      a.seal(key, nonce, m, 0, len, ca, 0);
      b.seal(key, nonce, m, 0, len, cb, 0);
      assertThat(ca).as("seal case %d len %d", i, len).isEqualTo(cb);
      byte[] back = new byte[len];
      assertThat(a.open(key, nonce, cb, 0, cb.length, back, 0)).isTrue();
      assertThat(back).isEqualTo(m);
      ca[rnd.nextInt(ca.length)] ^= 1;
      assertThat(a.open(key, nonce, ca, 0, ca.length, back, 0)).as("forged case %d", i).isFalse();
    }
    byte[] r1 = new byte[300];
    byte[] r2 = new byte[300];
    jffi.randomBytes(r1);
    jffi.randomBytes(r2);
    assertThat(r1).isNotEqualTo(new byte[300]).isNotEqualTo(r2);
  }

  @Test
  void bothProvidersMeetLibsodiumsBoxVector() {
    for (CryptoProvider p : both()) {
      byte[] pk = new byte[32];
      p.scalarMultBase(pk, HEX.parseHex(ALICE_SK));
      assertThat(HEX.formatHex(pk)).as(p.name()).isEqualTo(ALICE_PK);
      byte[] k = new byte[32];
      assertThat(p.beforenm(k, HEX.parseHex(BOB_PK), HEX.parseHex(ALICE_SK))).isTrue();
      assertThat(HEX.formatHex(k)).as(p.name()).isEqualTo(FIRSTKEY);
      byte[] m = HEX.parseHex(MESSAGE);
      byte[] c = new byte[m.length + 16];
      p.newEngine().seal(k, HEX.parseHex(NONCE), m, 0, m.length, c, 0);
      assertThat(HEX.formatHex(c)).as(p.name()).isEqualTo(CIPHERTEXT);
      byte[] back = new byte[m.length];
      assertThat(p.newEngine().open(k, HEX.parseHex(NONCE), c, 0, c.length, back, 0)).isTrue();
      assertThat(back).as(p.name()).isEqualTo(m);
    }
  }

  @Test
  void keyAgreementIsByteForByteEqual() {
    assertKeyAgreementEqual(java, sodium, new Random(SEED), 100);
  }

  /**
   * {@code cases} random secret/peer keys: both providers derive the same public and shared keys.
   */
  private static void assertKeyAgreementEqual(
      CryptoProvider x, CryptoProvider y, Random rnd, int cases) {
    for (int i = 0; i < cases; i++) {
      byte[] sk = bytes(rnd, 32);
      byte[] peer = bytes(rnd, 32);
      byte[] a = new byte[32];
      byte[] b = new byte[32];
      x.scalarMultBase(a, sk);
      y.scalarMultBase(b, sk);
      assertThat(b).as("scalarmult_base %s/%s case %d", x.name(), y.name(), i).isEqualTo(a);
      boolean okX = x.beforenm(a, peer, sk);
      boolean okY = y.beforenm(b, peer, sk);
      assertThat(okY).isEqualTo(okX);
      assertThat(b).as("beforenm %s/%s case %d", x.name(), y.name(), i).isEqualTo(a);
    }
  }

  @Test
  void bothRefuseLowOrderPoints() {
    byte[] sk = bytes(new Random(SEED), 32);
    for (String point : LOW_ORDER) {
      for (CryptoProvider p : both()) {
        assertThat(p.beforenm(new byte[32], HEX.parseHex(point), sk))
            .as("%s refuses %s", p.name(), point)
            .isFalse();
      }
    }
  }

  @Test
  void arrayAndInPlaceBoxesAreByteForByteEqualAndCrossOpen() {
    Random rnd = new Random(SEED + 1);
    BoxEngine j = java.newEngine();
    BoxEngine s = sodium.newEngine();
    for (int len : lengths(rnd)) {
      byte[] key = bytes(rnd, 32);
      byte[] nonce = bytes(rnd, 24);
      byte[] m = bytes(rnd, len);
      byte[] cj = new byte[len + 16];
      byte[] cs = new byte[len + 16];
      j.seal(key, nonce, m, 0, len, cj, 0);
      s.seal(key, nonce, m, 0, len, cs, 0);
      assertThat(cs).as("seal len %d seed %d", len, SEED).isEqualTo(cj);

      // in place, behind a tag slot at an odd offset
      byte[] buf = new byte[3 + 16 + len];
      System.arraycopy(m, 0, buf, 3 + 16, len);
      s.seal(key, nonce, buf, 3 + 16, len, buf, 3);
      assertThat(Arrays.copyOfRange(buf, 3, buf.length)).isEqualTo(cj);
      assertThat(j.open(key, nonce, buf, 3, len + 16, buf, 3 + 16)).isTrue();
      assertThat(Arrays.copyOfRange(buf, 3 + 16, buf.length)).isEqualTo(m);

      byte[] out = new byte[len];
      assertThat(s.open(key, nonce, cj, 0, cj.length, out, 0)).isTrue();
      assertThat(out).isEqualTo(m);

      // one flipped bit anywhere: both refuse and write nothing
      byte[] forged = cj.clone();
      forged[rnd.nextInt(forged.length)] ^= (byte) (1 << rnd.nextInt(8));
      for (BoxEngine e : List.of(j, s)) {
        byte[] untouched = new byte[len];
        Arrays.fill(untouched, (byte) 0x5A);
        byte[] o = untouched.clone();
        assertThat(e.open(key, nonce, forged, 0, forged.length, o, 0)).isFalse();
        assertThat(o).isEqualTo(untouched);
      }
    }
    for (BoxEngine e : List.of(j, s)) {
      assertThat(e.open(new byte[32], new byte[24], new byte[15], 0, 15, new byte[0], 0)).isFalse();
    }
  }

  @Test
  void bufferBoxesAreByteForByteEqualOnHeapAndDirectBuffers() {
    Random rnd = new Random(SEED + 2);
    List<IntFunction<ByteBuf>> kinds =
        List.of(Unpooled::buffer, Unpooled::directBuffer, n -> Unpooled.buffer(1));
    for (CryptoProvider p : both()) {
      BoxEngine e = p.newEngine();
      BoxEngine reference = java.newEngine();
      for (int len : lengths(rnd)) {
        byte[] key = bytes(rnd, 32);
        byte[] nonce = bytes(rnd, 24);
        byte[] m = bytes(rnd, len);
        byte[] expected = new byte[len + 16];
        reference.seal(key, nonce, m, 0, len, expected, 0);
        for (IntFunction<ByteBuf> inKind : kinds) {
          for (IntFunction<ByteBuf> outKind : kinds) {
            ByteBuf in = inKind.apply(len + 8).writeZero(5).writeBytes(m).writeZero(3);
            in.readerIndex(5);
            ByteBuf sealed = outKind.apply(len + 16).writeByte(0x77);
            ByteBuf opened = outKind.apply(len).writeByte(0x66);
            try {
              e.seal(key, nonce, in, len, sealed);
              assertThat(in.readerIndex()).isEqualTo(5);
              assertThat(sealed.readableBytes()).isEqualTo(len + 17);
              byte[] got = new byte[len + 16];
              sealed.getBytes(1, got);
              assertThat(got).as("%s seal len %d", p.name(), len).isEqualTo(expected);

              sealed.readerIndex(1);
              assertThat(e.open(key, nonce, sealed, len + 16, opened)).isTrue();
              assertThat(sealed.readerIndex()).isEqualTo(1);
              byte[] back = new byte[len];
              opened.getBytes(1, back);
              assertThat(back).as("%s open len %d", p.name(), len).isEqualTo(m);

              int pos = 1 + rnd.nextInt(len + 16);
              sealed.setByte(pos, sealed.getByte(pos) ^ 0x20);
              int before = opened.writerIndex();
              assertThat(e.open(key, nonce, sealed, len + 16, opened)).isFalse();
              assertThat(opened.writerIndex()).isEqualTo(before);
            } finally {
              in.release();
              sealed.release();
              opened.release();
            }
          }
        }
      }
    }
  }

  @Test
  void randomBytesAreFreshAndFillTheArray() {
    for (CryptoProvider p : both()) {
      byte[] a = new byte[300];
      byte[] b = new byte[300];
      p.randomBytes(a);
      p.randomBytes(b);
      assertThat(a).as(p.name()).isNotEqualTo(b);
      // the last 44 bytes (past two 128-byte chunks) are filled too
      assertThat(Arrays.copyOfRange(a, 256, 300)).isNotEqualTo(new byte[44]);
    }
  }

  @Test
  void propertySelectsTheProviderAndABadValueIsOneLine() {
    assertThat(CryptoProviders.select("java").provider().name()).isEqualTo("java");
    assertThat(CryptoProviders.select(" Sodium ").provider().name()).isEqualTo("sodium");
    assertThat(CryptoProviders.select(null).provider().name()).isEqualTo("sodium");
    assertThat(CryptoProviders.select("auto").provider().name()).isEqualTo("sodium");
    assertThatThrownBy(() -> CryptoProviders.select("openssl"))
        .isInstanceOf(CryptoConfigException.class)
        .hasMessage("tox.crypto must be one of auto, sodium, sodium-ffm, java; got 'openssl'");
    assertThatThrownBy(() -> CryptoProviders.named("openssl"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("openssl");
  }

  @Test
  void thisJvmRunsTheProviderItsPropertyAsksFor() {
    String asked = System.getProperty(CryptoProviders.PROPERTY, "auto");
    String expected = asked.equals("java") || asked.equals("sodium-ffm") ? asked : "sodium";
    assertThat(CryptoProviders.current().name()).isEqualTo(expected);
    assertThat(CryptoProviders.current().description()).startsWith(expected + " (");
  }

  private static int[] lengths(Random rnd) {
    int[] out = Arrays.copyOf(LENGTHS, LENGTHS.length + 20);
    for (int i = LENGTHS.length; i < out.length; i++) {
      out[i] = rnd.nextInt(2100);
    }
    return out;
  }

  private static byte[] bytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }
}
