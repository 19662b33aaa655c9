package org.toxreactive.netcrypto.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** docs/protocol.md 4.8's worked examples of the 2-byte nonce expansion. */
class NonceWindowTest {
  private static byte[] nonceEndingWith(String hexTail) {
    byte[] n = new byte[24];
    byte[] tail = HexFormat.of().parseHex(hexTail);
    System.arraycopy(tail, 0, n, 24 - tail.length, tail.length);
    return n;
  }

  @Test
  void addsTheDifferenceInTheLowSixteenBits() {
    NonceWindow w = new NonceWindow(nonceEndingWith("12f0"));
    assertThat(w.candidate(0x1305)).isEqualTo(nonceEndingWith("1305"));
  }

  @Test
  void carriesIntoByte21() {
    NonceWindow w = new NonceWindow(nonceEndingWith("00fff0"));
    assertThat(w.candidate(0x0005)).isEqualTo(nonceEndingWith("010005"));
  }

  @Test
  void movesTheBaseBy21845OnlyAfterAcceptingAFarPacket() {
    NonceWindow w = new NonceWindow(nonceEndingWith("0000"));
    assertThat(w.candidate(0xB000)).isEqualTo(nonceEndingWith("b000"));
    assertThat(w.base()).isEqualTo(nonceEndingWith("0000"));
    w.accept(0xB000);
    assertThat(w.base()).isEqualTo(nonceEndingWith("5555"));
    w.accept(0x6000); // diff from 0x5555 is small: no move
    assertThat(w.base()).isEqualTo(nonceEndingWith("5555"));
  }

  @Test
  void theCandidateIntoAReusedArrayIsTheSame() {
    NonceWindow w = new NonceWindow(nonceEndingWith("00fff0"));
    byte[] scratch = new byte[24];
    assertThat(w.candidate(0x0005, scratch)).isSameAs(scratch).isEqualTo(w.candidate(0x0005));
    assertThat(w.candidate(0xfff1, scratch)).isEqualTo(nonceEndingWith("00fff1"));
  }
}
