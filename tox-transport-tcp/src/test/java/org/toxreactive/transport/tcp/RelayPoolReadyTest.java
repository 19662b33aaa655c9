package org.toxreactive.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.transport.Path;
import reactor.test.StepVerifier;

/** {@link RelayPool#ready()}: the signal to wait for before sending (issue 18, point 4). */
class RelayPoolReadyTest {
  @Test
  void readyCompletesOnceALinkIsUpAndASendRightAfterItGoesOut() {
    try (TestRelayServer relay = TestRelayServer.start()) {
      RelayPool pool =
          RelayPool.create(KeyPair.generate()).relays(List.of(relay.address())).start();
      try {
        StepVerifier.create(pool.ready()).expectComplete().verify(Duration.ofSeconds(10));
        assertThat(pool.relays().get(0).connected()).isTrue();
        Path peer = Path.relay(relay.keys.publicKey(), KeyPair.generate().publicKey());
        // out of band: the peer is not routed yet, but there is a link to send it on
        StepVerifier.create(pool.send(peer, Bytes.ofUtf8("cookie request")))
            .expectComplete()
            .verify(Duration.ofSeconds(5));
        // a late subscriber sees it at once
        StepVerifier.create(pool.ready()).expectComplete().verify(Duration.ofSeconds(1));
      } finally {
        pool.disposeNow(Duration.ofSeconds(5));
      }
    }
  }

  @Test
  void readyErrorsWhenThePoolIsDisposedBeforeAnyLinkCameUp() {
    try (TestRelayServer relay = TestRelayServer.silent()) {
      RelayPool pool =
          RelayPool.create(KeyPair.generate()).relays(List.of(relay.address())).start();
      StepVerifier.create(pool.ready())
          .then(pool::dispose)
          .expectError(RelayLinkDownException.class)
          .verify(Duration.ofSeconds(5));
      StepVerifier.create(pool.onDispose()).expectComplete().verify(Duration.ofSeconds(5));
    }
  }
}
