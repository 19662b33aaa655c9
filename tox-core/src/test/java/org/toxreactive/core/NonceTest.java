package org.toxreactive.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NonceTest {
  private static final BigInteger MOD = BigInteger.ONE.shiftLeft(192);

  @Test
  void matchesCToxcoreIncrementVectors() {
    // c-toxcore crypto_core_test.cc (docs/protocol.md section 1)
    Nonce n = Nonce.zero().increment();
    assertThat(n.toHex()).isEqualTo("00".repeat(23) + "01");
    for (int i = 0; i < 0x1F4; i++) {
      n = n.increment();
    }
    assertThat(n.toHex()).endsWith("01f5");

    Nonce m = Nonce.zero().add(0x1F5).add(0x1F5);
    assertThat(m.toHex()).isEqualTo("00".repeat(22) + "03ea");
    assertThat(m.add(0x12345678).toHex()).isEqualTo("00".repeat(20) + "12345a62");
  }

  @Test
  void carriesAcrossAllBytesAndWrapsToZero() {
    Nonce max = Nonce.fromHex("ff".repeat(24));
    assertThat(max.increment()).isEqualTo(Nonce.zero());
    assertThat(Nonce.fromHex("00".repeat(21) + "00ffff").increment().toHex())
        .isEqualTo("00".repeat(21) + "010000");
    assertThat(max.add(2).toHex()).isEqualTo("00".repeat(23) + "01");
    assertThat(Nonce.fromHex("00".repeat(19) + "00ffffffff").add(-1).toHex())
        .isEqualTo("00".repeat(19) + "01fffffffe");
  }

  @Test
  void addAgreesWithBigIntegerOnRandomValues() {
    Random r = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      byte[] raw = new byte[24];
      r.nextBytes(raw);
      if (i % 3 == 0) {
        java.util.Arrays.fill(raw, 0, 20 + r.nextInt(4), (byte) 0xFF);
      }
      int x = r.nextInt();
      BigInteger expected =
          new BigInteger(1, raw).add(BigInteger.valueOf(x & 0xFFFFFFFFL)).mod(MOD);
      assertThat(new BigInteger(1, Nonce.of(raw).add(x).toArray())).isEqualTo(expected);
      assertThat(new BigInteger(1, Nonce.of(raw).increment().toArray()))
          .isEqualTo(new BigInteger(1, raw).add(BigInteger.ONE).mod(MOD));
    }
  }
}
