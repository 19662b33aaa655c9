package org.toxreactive.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;

class RelayAddressTest {
  private static final PublicKey KEY = KeyPair.generate().publicKey();

  @Test
  void parsesIpv4AndBracketedIpv6AndPrintsThemBack() {
    RelayAddress v4 = RelayAddress.parse("127.0.0.1:33445:" + KEY.toHex().toLowerCase());
    assertThat(v4).isEqualTo(RelayAddress.of("127.0.0.1", 33445, KEY));
    assertThat(v4.hostPort()).isEqualTo("127.0.0.1:33445");
    RelayAddress v6 = RelayAddress.parse("[::1]:443:" + KEY.toHex());
    assertThat(v6.host()).isEqualTo("::1");
    assertThat(v6.hostPort()).isEqualTo("[::1]:443");
    assertThat(v6).hasToString("[::1]:443:" + KEY.toHex());
    assertThat(RelayAddress.parse(v6.toString())).isEqualTo(v6);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "127.0.0.1:33445|must be HOST:PORT:PUBLIC_KEY_HEX",
        "127.0.0.1|must be HOST:PORT:PUBLIC_KEY_HEX",
        "127.0.0.1:abc:KEY|port 'abc' is not a number 0..65535",
        "127.0.0.1:70000:KEY|port '70000' is not a number 0..65535",
        "127.0.0.1:0:KEY|relay port must be 1..65535, got 0",
        "::1:33445:KEY|write an IPv6 address in brackets",
        "127.0.0.1:33445:abcd|public key must be 64 hex digits, got 4 characters",
        "127.0.0.1:33445:NOTHEX|public key must be 64 hex digits (0-9, a-f, A-F)"
      })
  void rejectsMalformedSpecsInOneLineNamingThem(String template, String message) {
    String spec =
        template.replace("KEY", KEY.toHex()).replace("NOTHEX", "x" + KEY.toHex().substring(1));
    assertThatThrownBy(() -> RelayAddress.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + spec + "'")
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
