package org.toxreactive.transport.tcp;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.toxreactive.core.KeyPair;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A cancel or a dispose that lands while the TCP connect is under way closes the socket: Reactor
 * Netty could complete the connect after the cancel and hand the channel to nobody, so the link
 * stayed open (no handshake deadline either: its timer was cancelled too). The relay is silent and
 * the clients' timers are on virtual time, so only the cancel can close the link. Repeated: the
 * first run in a JVM, slower, is the one that hit the window.
 */
class ConnectCancelTest {
  @RepeatedTest(3)
  void cancellingRelayClientConnectClosesTheSocket() {
    try (TestRelayServer relay = TestRelayServer.silent()) {
      Disposable d =
          RelayClient.create(relay.address(), KeyPair.generate())
              .scheduler(VirtualTimeScheduler.create())
              .connect()
              .subscribe();
      StepVerifier.create(relay.linkEvents().take(2))
          .expectNext("open")
          .then(d::dispose)
          .expectNext("closed")
          .expectComplete()
          .verify(Duration.ofSeconds(3));
    }
  }

  @RepeatedTest(3)
  void disposingAPoolWhileItsLinkConnectsClosesTheSocket() {
    try (TestRelayServer relay = TestRelayServer.silent()) {
      RelayPool p =
          RelayPool.create(KeyPair.generate())
              .relays(List.of(relay.address()))
              .scheduler(VirtualTimeScheduler.create())
              .connectInBackground();
      StepVerifier.create(relay.linkEvents().take(2))
          .expectNext("open")
          .then(p::dispose)
          .expectNext("closed")
          .expectComplete()
          .verify(Duration.ofSeconds(3));
    }
  }
}
