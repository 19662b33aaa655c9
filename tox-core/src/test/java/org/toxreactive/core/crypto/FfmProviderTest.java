package org.toxreactive.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The FFM binding of libsodium ({@code -Dtox.crypto=sodium-ffm}): on Java 17-21 a one-line error
 * naming what is missing; on Java 22+ (tox-core's third surefire run, on Temurin 25, with the
 * multi-release classes) libsodium's own box vectors and the same bytes as the jnr-ffi binding. The
 * byte-for-byte comparison with the pure-Java provider over every entry point is {@link
 * CryptoProviderEquivalenceTest}, which that run repeats with {@code
 * -Dtox.crypto.native=sodium-ffm}.
 */
class FfmProviderTest {
  private static final HexFormat HEX = HexFormat.of();

  private static boolean java22() {
    return Runtime.version().feature() >= 22;
  }

  @Test
  void beforeJava22TheFfmProviderIsAOneLineErrorAndAutoNeverPicksIt() {
    Assumptions.assumeFalse(java22(), "running on Java 22+: the binding is present");
    assertThatThrownBy(() -> CryptoProviders.named("sodium-ffm"))
        .isInstanceOf(UnsatisfiedLinkError.class)
        .hasMessage(
            "the FFM binding needs Java 22+ and tox-core's multi-release jar (running Java "
                + Runtime.version().feature()
                + ")");
    assertThatThrownBy(() -> CryptoProviders.select("sodium-ffm"))
        .isInstanceOf(CryptoConfigException.class)
        .hasMessageStartingWith("tox.crypto=sodium-ffm but libsodium via FFM did not load: ")
        .hasMessageNotContaining("\n");
    assertThat(CryptoProviders.select("auto").provider().name()).isIn("sodium", "java");
  }

  /** The FFM provider itself: only on Java 22+, skipped with the reason otherwise. */
  private static CryptoProvider ffm() {
    String absent = System.getProperty("tox.ffm.absent", "");
    Assumptions.assumeTrue(
        java22(),
        absent.isEmpty()
            ? "Java "
                + Runtime.version().feature()
                + ": the FFM binding is tested in tox-core's ffm-crypto-provider run on Temurin 25"
            : "SKIPPED: " + absent);
    return CryptoProviders.named("sodium-ffm");
  }

  @Test
  void onJava22TheFfmProviderLoadsAndSaysSo() {
    CryptoProvider p = ffm();
    assertThat(p.name()).isEqualTo("sodium-ffm");
    assertThat(p.description())
        .matches("sodium-ffm \\(libsodium 1\\.0\\.\\d+ via FFM \\(Java \\d+\\)\\)");
    assertThat(CryptoProviders.select("sodium-ffm").provider().name()).isEqualTo("sodium-ffm");
  }

  @Test
  void onJava22TheFfmProviderMatchesLibsodiumsVectorsAndTheJnrBinding() {
    CryptoProvider p = ffm();
    CryptoProvider jnr = CryptoProviders.sodium();
    byte[] k = new byte[32];
    assertThat(
            p.beforenm(
                k,
                HEX.parseHex(CryptoProviderEquivalenceTest.BOB_PK),
                HEX.parseHex(CryptoProviderEquivalenceTest.ALICE_SK)))
        .isTrue();
    assertThat(HEX.formatHex(k)).isEqualTo(CryptoProviderEquivalenceTest.FIRSTKEY);
    byte[] m = HEX.parseHex(CryptoProviderEquivalenceTest.MESSAGE);
    byte[] n = HEX.parseHex(CryptoProviderEquivalenceTest.NONCE);
    BoxEngine e = p.newEngine();
    byte[] c = new byte[m.length + 16];
    e.seal(k, n, m, 0, m.length, c, 0);
    assertThat(HEX.formatHex(c)).isEqualTo(CryptoProviderEquivalenceTest.CIPHERTEXT);
    byte[] back = new byte[m.length];
    assertThat(e.open(k, n, c, 0, c.length, back, 0)).isTrue();
    assertThat(back).isEqualTo(m);
    c[20] ^= 1;
    assertThat(e.open(k, n, c, 0, c.length, back, 0)).isFalse();
    byte[] sk = new byte[32];
    p.randomBytes(sk);
    assertThat(sk).isNotEqualTo(new byte[32]);
    byte[] pk1 = new byte[32];
    byte[] pk2 = new byte[32];
    p.scalarMultBase(pk1, sk);
    CryptoProviders.java().scalarMultBase(pk2, sk);
    assertThat(pk1).isEqualTo(pk2);
    for (String low : CryptoProviderEquivalenceTest.LOW_ORDER) {
      assertThat(p.beforenm(new byte[32], HEX.parseHex(low), sk)).isFalse();
    }
    byte[] big = new byte[1400];
    p.randomBytes(big);
    byte[] viaFfm = new byte[big.length + 16];
    byte[] viaJnr = new byte[big.length + 16];
    e.seal(k, n, big, 0, big.length, viaFfm, 0);
    jnr.newEngine().seal(k, n, big, 0, big.length, viaJnr, 0);
    assertThat(viaFfm).isEqualTo(viaJnr);
  }
}
