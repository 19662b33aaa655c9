package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayClient;
import org.toxreactive.transport.tcp.RelayConnection;
import reactor.test.StepVerifier;

/** Our relay client against Debian's tox-bootstrapd 0.2.18 on loopback. */
class BootstrapdRelayClientTest extends RelayClientContract {
  private static ToxBootstrapd daemon;
  private static RelayAddress relay;

  @BeforeAll
  static void startDaemon() {
    Interop.requireTool("tox-bootstrapd");
    daemon = ToxBootstrapd.start();
    relay = RelayAddress.of("127.0.0.1", daemon.tcpPort(), daemon.publicKey());
  }

  @AfterAll
  static void stopDaemon() {
    if (daemon != null) {
      daemon.close();
    }
  }

  @Override
  RelayAddress relay() {
    return relay;
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES) // 45 s idle by design, 2 min would be tight in CI
  void survivesFortyFiveSecondsIdleAnsweringTheRelaysPings() {
    // The one long real-time test: the daemon pings us at ~30 s and drops us at ~40 s without a
    // pong; our own pings at 0 s and 30 s must be answered too.
    RelayConnection c = RelayClient.create(relay, KeyPair.generate()).connectNow();
    StepVerifier.create(c.onClose())
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(45))
        .thenCancel()
        .verify(Duration.ofSeconds(60));
    assertThat(c.isDisposed()).isFalse();
    assertThat(c.ping().block(Duration.ofSeconds(5))).isPositive();
    c.dispose();
  }
}
