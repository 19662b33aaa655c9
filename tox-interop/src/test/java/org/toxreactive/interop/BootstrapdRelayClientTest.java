package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayClient;
import org.toxreactive.transport.tcp.RelayConnection;
import reactor.test.StepVerifier;

/**
 * Our relay client against tox-bootstrapd of each c-toxcore version ({@link Toxcore#versions()}) on
 * loopback: the whole class runs once per version, one daemon each.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("org.toxreactive.interop.Toxcore#versions")
class BootstrapdRelayClientTest extends RelayClientContract {
  private static ToxBootstrapd daemon;
  private static RelayAddress relay;

  @Parameter Toxcore toxcore;

  @BeforeParameterizedClassInvocation
  static void startDaemon(Toxcore toxcore) {
    daemon = ToxBootstrapd.start(toxcore);
    relay = RelayAddress.of("127.0.0.1", daemon.tcpPort(), daemon.publicKey());
  }

  @AfterParameterizedClassInvocation
  static void stopDaemon() {
    if (daemon != null) {
      daemon.close();
      daemon = null;
    }
  }

  @Override
  RelayAddress relay() {
    return relay;
  }

  @Test
  void survivesFortyFiveSecondsIdleAnsweringTheRelaysPings() {
    assertThat(daemon.toxcore()).isEqualTo(toxcore);
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
