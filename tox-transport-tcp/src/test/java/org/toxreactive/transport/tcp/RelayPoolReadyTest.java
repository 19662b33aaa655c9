package org.toxreactive.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.transport.Path;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.util.retry.Retry;

/**
 * {@link RelayPool#ready()}: the signal to wait for before sending (issue 18, point 4), and the
 * builder's {@code connect()}/{@code connectNow()} that hand the pool over when it is ready.
 */
class RelayPoolReadyTest {
  @Test
  void readyCompletesOnceALinkIsUpAndASendRightAfterItGoesOut() {
    try (TestRelayServer relay = TestRelayServer.start()) {
      RelayPool pool =
          RelayPool.create(KeyPair.generate())
              .relays(List.of(relay.address()))
              .connectInBackground();
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
  void connectEmitsThePoolOnceItsLinkIsUp() {
    try (TestRelayServer relay = TestRelayServer.start()) {
      AtomicReference<RelayPool> got = new AtomicReference<>();
      StepVerifier.create(
              RelayPool.create(KeyPair.generate()).relays(List.of(relay.address())).connect())
          .assertNext(
              pool -> {
                got.set(pool);
                assertThat(pool.relays().get(0).connected()).isTrue();
                assertThat(pool.isDisposed()).isFalse();
              })
          .expectComplete()
          .verify(Duration.ofSeconds(10));
      got.get().disposeNow(Duration.ofSeconds(5));
    }
  }

  @Test
  void connectErrorsInOneLineWhenEveryRelayGaveUpAndDisposesThePool() throws Exception {
    int a = freePort();
    int b = freePort();
    RelayPoolBuilder builder =
        RelayPool.create(KeyPair.generate())
            .relays(
                List.of(
                    RelayAddress.of("127.0.0.1", a, KeyPair.generate().publicKey()),
                    RelayAddress.of("127.0.0.1", b, KeyPair.generate().publicKey())))
            .active(1)
            .reconnect(Retry.max(0));
    StepVerifier.create(builder.connect())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(RelayLinkDownException.class)
                    .hasMessageStartingWith("none of 2 relays could be reached (last: 127.0.0.1:")
                    .hasMessageNotContaining("\n"))
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void connectNowGivesUpAfterItsTimeoutAndDisposesThePool() {
    try (TestRelayServer relay = TestRelayServer.silent()) {
      RelayPoolBuilder builder =
          RelayPool.create(KeyPair.generate())
              .relays(List.of(relay.address()))
              .scheduler(VirtualTimeScheduler.create());
      assertThatThrownBy(() -> builder.connectNow(Duration.ofMillis(300)))
          .isInstanceOf(RelayLinkDownException.class)
          .hasMessage("no link to any of 1 relays came up within 300 ms");
      StepVerifier.create(relay.linkEvents().take(2))
          .expectNext("open", "closed")
          .expectComplete()
          .verify(Duration.ofSeconds(10));
    }
  }

  @Test
  void cancellingConnectDisposesThePool() {
    try (TestRelayServer relay = TestRelayServer.silent()) {
      // virtual time for the links' timers: no handshake deadline closes the link in real time
      RelayPoolBuilder builder =
          RelayPool.create(KeyPair.generate())
              .relays(List.of(relay.address()))
              .scheduler(VirtualTimeScheduler.create());
      Disposable connecting = builder.connect().subscribe();
      StepVerifier.create(relay.linkEvents().take(2))
          .expectNext("open")
          .then(connecting::dispose)
          .expectNext("closed")
          .expectComplete()
          .verify(Duration.ofSeconds(10));
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void readyErrorsWhenThePoolIsDisposedBeforeAnyLinkCameUp() {
    try (TestRelayServer relay = TestRelayServer.silent()) {
      RelayPool pool =
          RelayPool.create(KeyPair.generate())
              .relays(List.of(relay.address()))
              .connectInBackground();
      StepVerifier.create(pool.ready())
          .then(pool::dispose)
          .expectError(RelayLinkDownException.class)
          .verify(Duration.ofSeconds(5));
      StepVerifier.create(pool.onDispose()).expectComplete().verify(Duration.ofSeconds(5));
    }
  }
}
