package org.toxreactive.friend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.transport.tcp.RelayAddress;

/** {@link ToxNode.Builder} is immutable and copy-on-write, with a read-only configuration. */
class ToxNodeBuilderTest {
  private final KeyPair keys = KeyPair.generate();

  @Test
  void everySetterReturnsANewBuilderAndLeavesTheOldOneAsItWas() {
    ToxNode.Builder base = ToxNode.create(keys).nospam(7);
    RelayAddress relay = RelayAddress.of("127.0.0.1", 33445, KeyPair.generate().publicKey());
    ToxNode.Builder varied = base.udp("127.0.0.1", 4000).relays(List.of(relay)).nospam(8);

    ToxNode.Config before = base.configuration();
    assertThat(before.realKeys()).isSameAs(keys);
    assertThat(before.nospam()).isEqualTo(7);
    assertThat(before.host()).isEqualTo("0.0.0.0");
    assertThat(before.port()).isZero();
    assertThat(before.relays()).isEmpty();
    assertThat(before.udp()).isTrue();

    ToxNode.Config after = varied.configuration();
    assertThat(after.nospam()).isEqualTo(8);
    assertThat(after.host()).isEqualTo("127.0.0.1");
    assertThat(after.port()).isEqualTo(4000);
    assertThat(after.relays()).containsExactly(relay);

    ToxNode.Config tcpOnly = varied.noUdp().configuration();
    assertThat(tcpOnly.udp()).isFalse();
    assertThat(tcpOnly.relays()).containsExactly(relay);
    assertThat(varied.configuration().udp()).isTrue();
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> ToxNode.create(keys).udp("127.0.0.1", 70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be 0..65535, got 70000");
    assertThatThrownBy(() -> ToxNode.create(keys).udpAfter(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("udpAfter must be >= 0 messages, got -1");
  }

  @Test
  void aNodeWithoutUdpOrRelaysStartsWithAnEmptyPoolThatBootstrapNodesWithTcpPortsFill() {
    ToxNode node = ToxNode.create(keys).noUdp().bindNow();
    try {
      assertThat(node.relayPool().orElseThrow().relays()).isEmpty();
      assertThat(node.directAllowed()).isFalse();
      PublicKey key = KeyPair.generate().publicKey();
      node.bootstrap(
          List.of(
              BootstrapNode.parse("127.0.0.1:1:" + KeyPair.generate().publicKey().toHex()),
              BootstrapNode.parse("127.0.0.1:2:" + key.toHex() + ":3,4")));
      assertThat(node.relayPool().orElseThrow().relays())
          .as("the node with TCP ports, on its first TCP port and its key")
          .singleElement()
          .satisfies(s -> assertThat(s.address()).isEqualTo(RelayAddress.of("127.0.0.1", 3, key)));
    } finally {
      node.disposeNow(Duration.ofSeconds(5));
    }
    assertThat(ToxNode.create(keys).udpAfter(3).configuration().udpAfter()).isEqualTo(3);
  }

  @Test
  void aSavedStateCarriesItsFriendsIntoTheConfiguration() {
    ToxState state =
        ToxState.fromBytes(
            new ToxState(
                    keys.secretKey(),
                    42,
                    List.of(new ToxState.SavedFriend(KeyPair.generate().publicKey(), null, null)))
                .toBytes());
    ToxNode.Config c = ToxNode.create(state).configuration();
    assertThat(c.nospam()).isEqualTo(42);
    assertThat(c.friends()).hasSize(1);
    assertThat(c.realKeys().publicKey()).isEqualTo(keys.publicKey());
  }
}
