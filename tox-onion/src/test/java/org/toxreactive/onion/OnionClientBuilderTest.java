package org.toxreactive.onion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PackedNode;
import reactor.core.publisher.Flux;
import reactor.test.scheduler.VirtualTimeScheduler;

/** {@link OnionClient.Builder} is immutable and copy-on-write, with a read-only configuration. */
class OnionClientBuilderTest {
  private final KeyPair real = KeyPair.generate();
  private final KeyPair dht = KeyPair.generate();
  private final OnionIo io =
      OnionIo.tcp(OnionIo.relays(List::of, (relay, nonce, payload) -> false, Flux.never()));

  private static PackedNode node(int port) {
    return new PackedNode(
        new IpPort(InetAddress.getLoopbackAddress(), port), false, KeyPair.generate().publicKey());
  }

  @Test
  void everySetterReturnsANewBuilderAndLeavesTheOldOneAsItWas() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    OnionClient.Builder base = OnionClient.create(real, () -> dht, io).seed(1);
    PackedNode a = node(1001);
    PackedNode b = node(1002);
    Supplier<List<PackedNode>> paths = () -> List.of(a);
    OnionClient.Builder varied =
        base.scheduler(clock).pathNodes(paths).bootstrap(List.of(a)).bootstrap(List.of(b)).seed(2);

    OnionClient.Config before = base.configuration();
    assertThat(before.seed()).isEqualTo(1);
    assertThat(before.bootstrap()).isEmpty();
    assertThat(before.pathNodes().get()).isEmpty();
    assertThat(before.scheduler()).isNotSameAs(clock);
    assertThat(before.dhtConnected()).isNull();

    OnionClient.Config after = varied.configuration();
    assertThat(after.seed()).isEqualTo(2);
    assertThat(after.scheduler()).isSameAs(clock);
    assertThat(after.pathNodes()).isSameAs(paths);
    assertThat(after.bootstrap()).as("bootstrap adds, in order").containsExactly(a, b);
    assertThat(after.realKeys()).isSameAs(real);
    assertThat(after.io()).isSameAs(io);
    assertThatThrownBy(() -> after.bootstrap().add(a))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aMissingValueIsNamed() {
    assertThatThrownBy(() -> OnionClient.create(real, () -> dht, io).scheduler(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("scheduler is null");
    assertThatThrownBy(() -> OnionClient.create(real, () -> dht, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("io is null");
  }

  @Test
  void startedClientsAreIndependent() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    OnionClient.Builder b = OnionClient.create(real, () -> dht, io).scheduler(clock);
    OnionClient one = b.bindNow();
    OnionClient two = b.bindNow();
    try {
      assertThat(one).isNotSameAs(two);
      one.dispose();
      assertThat(one.isDisposed()).isTrue();
      assertThat(two.isDisposed()).isFalse();
    } finally {
      one.dispose();
      two.dispose();
    }
  }
}
