package org.toxreactive.friend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.HostPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;

/** {@code HOST:PORT:KEY[:TCP_PORT,...]} as users write a bootstrap node. */
class BootstrapNodeTest {
  private final PublicKey key = KeyPair.generate().publicKey();
  private final String hex = key.toHex();

  @Test
  void threeFieldsAreANodeWithoutTcpPortsAndAFourthListsThem() {
    BootstrapNode plain = BootstrapNode.parse("127.0.0.1:33445:" + hex);
    assertThat(plain.address()).isEqualTo(HostPort.parse("127.0.0.1:33445"));
    assertThat(plain.publicKey()).isEqualTo(key);
    assertThat(plain.tcpPorts()).isEmpty();
    assertThat(plain).hasToString("127.0.0.1:33445:" + hex);

    BootstrapNode relay = BootstrapNode.parse("[::1]:33445:" + hex + ":3389,443");
    assertThat(relay.address()).isEqualTo(HostPort.parse("[::1]:33445"));
    assertThat(relay.publicKey()).isEqualTo(key);
    assertThat(relay.tcpPorts()).containsExactly(3389, 443);
    assertThat(BootstrapNode.parse(relay.toString())).isEqualTo(relay);
  }

  @Test
  void badTcpPortsAreNamedOnOneLine() {
    assertThatThrownBy(() -> BootstrapNode.parse("127.0.0.1:33445:" + hex + ":70000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a bootstrap node's TCP port must be 1..65535, got '70000'");
    assertThatThrownBy(() -> BootstrapNode.parse("127.0.0.1:33445:" + hex + ":3389,"))
        .hasMessage("a bootstrap node's TCP port must be 1..65535, got ''");
    assertThatThrownBy(() -> BootstrapNode.parse("127.0.0.1:33445:" + hex + ":0"))
        .hasMessage("a bootstrap node's TCP port must be 1..65535, got '0'");
    assertThatThrownBy(() -> BootstrapNode.parse("3389"))
        .hasMessageStartingWith("expected HOST:PORT:KEY[:TCP_PORT,...]");
    assertThatThrownBy(
            () ->
                new BootstrapNode(
                    HostPort.parse("127.0.0.1:1"), key, List.of(1, 2, 3, 4, 5, 6, 7, 8, 9)))
        .hasMessage("a bootstrap node lists at most 8 TCP ports, got 9");
    assertThatThrownBy(() -> BootstrapNode.parse("127.0.0.1:33445:" + hex.substring(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
