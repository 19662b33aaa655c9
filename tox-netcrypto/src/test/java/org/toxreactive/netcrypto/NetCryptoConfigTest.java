package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import reactor.test.scheduler.VirtualTimeScheduler;

/** {@link NetCrypto} is immutable and copy-on-write, with a read-only configuration. */
class NetCryptoConfigTest {
  private final KeyPair real = KeyPair.generate();
  private final KeyPair dht = KeyPair.generate();

  @Test
  void eachSetterChangesItsOwnValueInACopy() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    VirtualTimeScheduler app = VirtualTimeScheduler.create();
    SimTransport wire =
        new SimTransport(org.toxreactive.test.sim.SimNetwork.create(1, clock).node("a"));
    NetCrypto base = NetCrypto.create(real, dht);
    NetCrypto varied =
        base.transport(wire)
            .idleTimeout(Duration.ofSeconds(9))
            .keyBudget(11)
            .maxPendingSessions(12)
            .maxSessions(13)
            .maxSessionsPerSource(14)
            .receiveQueue(15, 16)
            .scheduler(clock)
            .receiveWindow(17)
            .publishOn(app);

    NetCrypto.Config c = varied.configuration();
    assertThat(c.realKeys()).isSameAs(real);
    assertThat(c.dhtKeys()).isSameAs(dht);
    assertThat(c.transports()).containsExactly(wire);
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(9));
    assertThat(
            new int[] {
              c.keysPerSecond(),
              c.maxPendingSessions(),
              c.maxSessions(),
              c.maxSessionsPerSource(),
              c.dataQueue(),
              c.controlQueue(),
              c.receiveWindow()
            })
        .containsExactly(11, 12, 13, 14, 15, 16, 17);
    assertThat(c.scheduler()).isSameAs(clock);
    assertThat(c.publishOn()).isSameAs(app);

    NetCrypto.Config before = base.configuration();
    assertThat(before.transports()).isEmpty();
    assertThat(before.idleTimeout()).isEqualTo(Duration.ofSeconds(32));
    assertThat(before.keysPerSecond()).isEqualTo(Limits.DEFAULTS.keysPerSecond());
    assertThat(before.receiveWindow()).isEqualTo(NetCrypto.DEFAULT_RECEIVE_WINDOW);
    assertThat(before.scheduler()).isNull();
    assertThat(before.publishOn()).isNull();
    assertThatThrownBy(() -> c.transports().add(wire))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> NetCrypto.create(real, dht).receiveWindow(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("receive window must be 16..");
    assertThatThrownBy(() -> NetCrypto.create(real, dht).bindNow())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a net_crypto node needs at least one transport");
  }
}
