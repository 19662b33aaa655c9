package org.toxreactive.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;

/** The pool's builder, without a network (the pool itself is tested against real relays). */
class RelayPoolBuilderTest {
  private final KeyPair me = KeyPair.generate();

  private static RelayAddress relay(int port) {
    return RelayAddress.of("127.0.0.1", port, KeyPair.generate().publicKey());
  }

  @Test
  void everySetterReturnsANewBuilderAndLeavesTheOldOneAlone() {
    RelayPoolBuilder base = RelayPool.create(me);
    RelayPoolBuilder two = base.relays(List.of(relay(1), relay(2))).active(1);
    assertThat(base.configuration().relays()).isEmpty();
    assertThat(base.configuration().active()).isEqualTo(RelayPoolBuilder.DEFAULT_ACTIVE);
    assertThat(two.configuration().relays()).hasSize(2);
    assertThat(two.configuration().active()).isEqualTo(1);
    Retry retry = Retry.max(1);
    assertThat(two.reconnect(retry).configuration().reconnect()).isSameAs(retry);
    assertThat(two.configuration().reconnect()).isNotSameAs(retry);
    assertThat(two.receiveQueue(7).configuration().receiveQueue()).isEqualTo(7);
    RelayProxy proxy = RelayProxy.socks5("127.0.0.1", 1080);
    assertThat(two.proxy(proxy).configuration().proxy()).isEqualTo(proxy);
    assertThat(two.configuration().proxy()).isNull();
  }

  @Test
  void rejectsNonsenseConfigurations() {
    RelayPoolBuilder base = RelayPool.create(me);
    PublicKey key = KeyPair.generate().publicKey();
    assertThatThrownBy(
            () ->
                base.relays(
                    List.of(
                        RelayAddress.of("127.0.0.1", 1, key),
                        RelayAddress.of("127.0.0.2", 2, key))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("listed twice");
    assertThatThrownBy(() -> base.active(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base.receiveQueue(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(base::connectNow)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("at least one relay");
  }

  @Test
  void aPoolWithoutRelaysStartsEmptyAndIsReadyOnlyOnceALinkComesUp() {
    RelayPool pool = RelayPool.create(me).connectInBackground();
    try {
      assertThat(pool.relays()).isEmpty();
      assertThat(pool.connectedRelays()).isEmpty();
      assertThat(pool.addRelay(relay(1))).isTrue();
      assertThat(pool.addRelay(pool.relays().get(0).address())).as("idempotent").isFalse();
      assertThat(pool.relays())
          .singleElement()
          .satisfies(s -> assertThat(s.role()).isEqualTo(RelayStatus.Role.ACTIVE));
    } finally {
      pool.dispose();
    }
    StepVerifier.create(pool.ready())
        .expectError(RelayLinkDownException.class)
        .verify(Duration.ofSeconds(5));
    assertThat(pool.addRelay(relay(2))).as("disposed").isFalse();
  }

  @Test
  void theLimitsComeFromTheProtocol() {
    assertThat(RelayPool.MAX_PACKET_SIZE)
        .isEqualTo(RelayProtocol.MAX_PLAINTEXT - 1)
        .isEqualTo(2031);
    assertThat(RelayPool.MAX_RELAYS_PER_PEER).isEqualTo(6);
  }
}
