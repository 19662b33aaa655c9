package org.toxreactive.friend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;

class ToxIdTest {
  private final PublicKey key = KeyPair.generate().publicKey();

  @Test
  void printsSeventySixUpperCaseDigitsThatParseBackInEitherCase() {
    ToxId id = new ToxId(key, 0xCAFEBABE);
    String text = id.toString();
    assertThat(text).hasSize(76).matches("[0-9A-F]{76}");
    assertThat(text).startsWith(key.toHex()).contains("CAFEBABE");
    assertThat(ToxId.parse(text)).isEqualTo(id);
    assertThat(ToxId.parse(" " + text.toLowerCase() + "\n")).isEqualTo(id);
  }

  @Test
  void theChecksumIsTheKeyAndNospamXoredInPairs() {
    ToxId id = new ToxId(key, 0x12345678);
    byte[] b = id.toBytes();
    int hi = 0;
    int lo = 0;
    for (int i = 0; i < 36; i++) {
      if (i % 2 == 0) {
        hi ^= b[i] & 0xFF;
      } else {
        lo ^= b[i] & 0xFF;
      }
    }
    assertThat(id.checksum()).isEqualTo((hi << 8) | lo);
    // a zero key with a zero nospam has a zero checksum; one nospam bit shows in its byte
    PublicKey zero = PublicKey.of(new byte[32]);
    assertThat(new ToxId(zero, 0).toString()).isEqualTo("0".repeat(76));
    assertThat(new ToxId(zero, 0x0100).toString()).endsWith("000001000100");
  }

  @Test
  void aMistypedDigitFailsTheChecksumWithOneLine() {
    String text = new ToxId(key, 7).toString();
    char c = text.charAt(10);
    String typo = text.substring(0, 10) + (c == '0' ? '1' : '0') + text.substring(11);
    assertThatThrownBy(() -> ToxId.parse(typo))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("checksum")
        .hasMessageNotContaining("\n");
  }

  @Test
  void aWrongLengthOrABadCharacterIsNamed() {
    assertThatThrownBy(() -> ToxId.parse(key.toHex()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a Tox ID is 76 hex digits, got 64 characters");
    String text = new ToxId(key, 7).toString();
    assertThatThrownBy(() -> ToxId.parse(text.substring(0, 75) + "g"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a Tox ID is 76 hex digits, character 76 is not one");
    assertThatThrownBy(() -> ToxId.fromBytes(new byte[37]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("38 bytes");
  }
}
