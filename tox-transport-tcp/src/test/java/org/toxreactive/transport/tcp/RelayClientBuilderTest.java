package org.toxreactive.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/** Each setter changes its own setting in a copy; the client it is called on stays as it was. */
class RelayClientBuilderTest {
  private final KeyPair keys = KeyPair.generate();
  private final RelayAddress address =
      RelayAddress.of("127.0.0.1", 33445, KeyPair.generate().publicKey());
  private final RelayClient base = RelayClient.create(address, keys);

  @Test
  void everySetterChangesOnlyItsSettingInACopy() {
    RelayClient.Config before = base.configuration();
    assertThat(before.address()).isEqualTo(address);
    assertThat(before.keys()).isEqualTo(keys);
    assertThat(before.proxy()).isNull();
    assertThat(before.handshakeTimeout()).isEqualTo(RelayProtocol.CONNECTION_TIMEOUT);
    assertThat(before.pingInterval()).isEqualTo(RelayProtocol.PING_INTERVAL);
    assertThat(before.pingTimeout()).isEqualTo(RelayProtocol.PING_TIMEOUT);
    assertThat(before.localAddress()).isNull();

    RelayProxy proxy = RelayProxy.socks5("127.0.0.1", 1080);
    Retry retry = Retry.max(3);
    Scheduler scheduler = Schedulers.immediate();
    InetSocketAddress local = new InetSocketAddress("127.0.0.2", 0);
    RelayClient.Config after =
        base.proxy(proxy)
            .handshakeTimeout(Duration.ofSeconds(3))
            .keepalive(Duration.ofSeconds(7), Duration.ofSeconds(2))
            .reconnect(retry)
            .scheduler(scheduler)
            .localAddress(local)
            .configuration();
    assertThat(after)
        .isEqualTo(
            new RelayClient.Config(
                address,
                keys,
                proxy,
                Duration.ofSeconds(3),
                Duration.ofSeconds(7),
                Duration.ofSeconds(2),
                retry,
                scheduler,
                local));
    assertThat(base.configuration()).isEqualTo(before);
    assertThat(base.keepalive(Duration.ofSeconds(7), Duration.ofSeconds(2)).configuration())
        .isEqualTo(
            new RelayClient.Config(
                address,
                keys,
                null,
                before.handshakeTimeout(),
                Duration.ofSeconds(7),
                Duration.ofSeconds(2),
                before.reconnect(),
                before.scheduler(),
                null));
  }

  @Test
  void refusesNonPositiveDurationsAndNullPolicies() {
    assertThatThrownBy(() -> base.handshakeTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base.keepalive(Duration.ofSeconds(1), Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> base.reconnect(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> base.scheduler(null)).isInstanceOf(NullPointerException.class);
  }
}
