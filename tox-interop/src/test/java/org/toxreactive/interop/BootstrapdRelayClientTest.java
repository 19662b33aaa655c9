package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayClient;
import org.toxreactive.transport.tcp.RelayConnection;
import reactor.test.StepVerifier;

/**
 * Our relay client against tox-bootstrapd of each c-toxcore version ({@link Toxcore#versions()}) on
 * loopback: the {@link RelayClientContract} checks and a long idle test, one daemon per version for
 * the whole class.
 */
class BootstrapdRelayClientTest {
  private static final Map<String, ToxBootstrapd> DAEMONS = new ConcurrentHashMap<>();
  private final RelayClientContract contract = new RelayClientContract();

  @AfterEach
  void closeLinks() {
    contract.closeLinks();
  }

  @AfterAll
  static void stopDaemons() {
    DAEMONS.values().forEach(ToxBootstrapd::close);
    DAEMONS.clear();
  }

  /** The daemon of {@code toxcore}, started on first use. */
  private static RelayAddress relay(Toxcore toxcore) {
    ToxBootstrapd d = DAEMONS.get(toxcore.version());
    if (d == null) {
      d = ToxBootstrapd.start(toxcore);
      DAEMONS.put(toxcore.version(), d);
    }
    assertThat(d.toxcore()).isEqualTo(toxcore);
    return RelayAddress.of("127.0.0.1", d.tcpPort(), d.publicKey());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  void handshakesAndAnswersItsPing(Toxcore toxcore) {
    contract.handshakesAndAnswersItsPing(relay(toxcore));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  void routesTwoClientsToEachOtherAndRelaysDataBothWaysAndOob(Toxcore toxcore) {
    contract.routesTwoClientsToEachOtherAndRelaysDataBothWaysAndOob(relay(toxcore));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  void routingToOurOwnKeyIsRefused(Toxcore toxcore) {
    contract.routingToOurOwnKeyIsRefused(relay(toxcore));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  @Timeout(value = 3, unit = TimeUnit.MINUTES) // 45 s idle by design, 2 min would be tight in CI
  void survivesFortyFiveSecondsIdleAnsweringTheRelaysPings(Toxcore toxcore) {
    RelayAddress relay = relay(toxcore);
    // The one long real-time test: the daemon pings us at ~30 s and drops us at ~40 s without a
    // pong; our own pings at 0 s and 30 s must be answered too.
    RelayConnection c = RelayClient.create(relay, KeyPair.generate()).connectNow();
    StepVerifier.create(c.onDispose())
        .expectSubscription()
        .expectNoEvent(Duration.ofSeconds(45))
        .thenCancel()
        .verify(Duration.ofSeconds(60));
    assertThat(c.isDisposed()).isFalse();
    assertThat(c.ping().block(Duration.ofSeconds(5))).isPositive();
    c.dispose();
  }
}
