package org.toxreactive.apptests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.ConnectFailedException;
import org.toxreactive.netcrypto.ConnectFailedException.Reason;
import org.toxreactive.netcrypto.CryptoConnection;
import org.toxreactive.netcrypto.NetCrypto;
import org.toxreactive.netcrypto.NetCryptoNode;
import org.toxreactive.testkit.SimTransport;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Issue 18, problem 5: connect failures are typed and say why; what can never succeed fails at once
 * (no virtual time passes); no connection to ourselves; null checks with messages.
 */
class ConnectErrorsTest {
  private final SimPeers p = new SimPeers();

  @AfterEach
  void stop() {
    p.close();
  }

  private static void failsAtOnce(Mono<CryptoConnection> connect, Reason reason) {
    // nothing advances the virtual clock here: the error is there on subscription
    StepVerifier.create(connect)
        .expectErrorSatisfies(e -> assertReason(e, reason))
        .verify(Duration.ofSeconds(2));
  }

  private void failsAfterTheTries(Mono<CryptoConnection> connect, Reason reason) {
    StepVerifier.create(connect)
        .then(() -> p.advance(Duration.ofSeconds(10)))
        .expectErrorSatisfies(e -> assertReason(e, reason))
        .verify(Duration.ofSeconds(5));
  }

  private static void assertReason(Throwable e, Reason reason) {
    assertThat(e).isInstanceOf(ConnectFailedException.class);
    assertThat(((ConnectFailedException) e).reason()).as(e.getMessage()).isEqualTo(reason);
    assertThat(e.getMessage()).doesNotContain("\n");
  }

  @Test
  void whatCouldNeverSucceedFailsAtOnce() {
    PublicKey real = p.bReal.publicKey();
    PublicKey dht = p.bDht.publicKey();
    failsAtOnce(p.a.connect(real, dht, List.of()), Reason.NO_PATH);
    // a relay path, and the node has no relay transport
    failsAtOnce(
        p.a.connect(real, dht, List.of(Path.relay(KeyPair.generate().publicKey(), dht))),
        Reason.NO_PATH);
    failsAtOnce(
        p.a.connect(p.aReal.publicKey(), p.aDht.publicKey(), List.of(SimTransport.pathOf("b"))),
        Reason.INVALID_ARGUMENT);
  }

  @Test
  void failuresOfThePeerSayWhy() {
    PublicKey real = p.bReal.publicKey();
    PublicKey dht = p.bDht.publicKey();
    List<Path> toB = List.of(SimTransport.pathOf("b"));
    failsAfterTheTries(
        p.a.connect(real, dht, List.of(SimTransport.pathOf("nobody"))), Reason.UNREACHABLE);
    failsAfterTheTries(p.a.connect(real, KeyPair.generate().publicKey(), toB), Reason.UNREACHABLE);
    failsAfterTheTries(p.a.connect(KeyPair.generate().publicKey(), dht, toB), Reason.REFUSED);
    // b's acceptor refuses whoever is not a: a stranger is refused, and so when the acceptor throws
    NetCryptoNode stranger =
        NetCrypto.create(KeyPair.generate(), KeyPair.generate())
            .transport(SimTransport.of(p.net.node("s")))
            .scheduler(p.clock)
            .bindNow();
    NetCryptoNode throwing =
        NetCrypto.create(KeyPair.generate(), KeyPair.generate())
            .transport(SimTransport.of(p.net.node("t")))
            .scheduler(p.clock)
            .acceptor(
                peer -> {
                  throw new IllegalStateException("acceptor bug");
                })
            .bindNow();
    try {
      failsAfterTheTries(stranger.connect(real, dht, toB), Reason.REFUSED);
      failsAfterTheTries(
          p.a.connect(throwing.realKey(), throwing.dhtKey(), List.of(SimTransport.pathOf("t"))),
          Reason.REFUSED);
    } finally {
      stranger.dispose();
      throwing.dispose();
    }
  }

  @Test
  void nullsAreRefusedWithAMessage() {
    assertThatThrownBy(() -> NetCrypto.create(null, p.aDht))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("realKeys is null");
    assertThatThrownBy(() -> NetCrypto.create(p.aReal, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("dhtKeys is null");
    assertThatThrownBy(() -> p.a.connect(p.bReal.publicKey(), null, List.of()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("peerDht is null");
    assertThatThrownBy(() -> NetCrypto.create(p.aReal, p.aDht).transport(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("transport is null");
  }
}
