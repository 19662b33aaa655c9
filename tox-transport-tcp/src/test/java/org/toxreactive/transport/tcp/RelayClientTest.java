package org.toxreactive.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.util.retry.Retry;

/** RelayClient over real loopback sockets against a minimal relay. */
class RelayClientTest {
  private final KeyPair me = KeyPair.generate();
  private TestRelayServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void completesTheHandshakeAndMeasuresARoundTrip() {
    server = TestRelayServer.start();
    RelayConnection conn = RelayClient.create(server.address(), me).connectNow();
    try {
      assertThat(conn.relay()).isEqualTo(server.address());
      long before = System.nanoTime();
      Duration rtt = conn.ping().block(Duration.ofSeconds(5));
      Duration call = Duration.ofNanos(System.nanoTime() - before);
      // the pong arrived inside the call, so the round trip cannot exceed the call's duration
      // (plus 1 ms: Schedulers.parallel().now(), the connection's clock, counts milliseconds)
      assertThat(rtt).isBetween(Duration.ZERO, call.plusMillis(1));
      assertThat(conn.route(KeyPair.generate().publicKey()).block(Duration.ofSeconds(5)))
          .isEqualTo(16);
      assertThat(server.accepted.get()).isEqualTo(1);
    } finally {
      conn.dispose();
    }
  }

  @Test
  void bindsTheConfiguredLocalAddress() {
    server = TestRelayServer.start();
    RelayConnection conn =
        RelayClient.create(server.address(), me)
            .localAddress(new InetSocketAddress("127.0.0.2", 0))
            .connectNow();
    try {
      InetSocketAddress local = (InetSocketAddress) conn.localAddress();
      assertThat(local.getAddress().getHostAddress()).isEqualTo("127.0.0.2");
      assertThat(conn.ping().block(Duration.ofSeconds(5))).isPositive();
    } finally {
      conn.dispose();
    }
  }

  @Test
  void aWrongRelayKeyIsAHandshakeError() {
    server = TestRelayServer.start();
    RelayAddress wrong =
        RelayAddress.of("127.0.0.1", server.port(), KeyPair.generate().publicKey());
    StepVerifier.create(RelayClient.create(wrong, me).connect())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(HandshakeException.class)
                    .hasMessageContaining("wrong relay public key"))
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void aRefusedPortFailsFast() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    RelayAddress nobody = RelayAddress.of("127.0.0.1", port, KeyPair.generate().publicKey());
    StepVerifier.create(RelayClient.create(nobody, me).connect())
        .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ConnectException.class))
        .verify(Duration.ofSeconds(10));
  }

  @Test
  void aSilentRelayTimesOutAfterTenSecondsOfVirtualTime() {
    server = TestRelayServer.silent();
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    try {
      StepVerifier.create(RelayClient.create(server.address(), me).scheduler(clock).connect())
          .then(() -> clock.advanceTimeBy(Duration.ofMillis(9_999)))
          .expectNoEvent(Duration.ofMillis(100))
          .then(() -> clock.advanceTimeBy(Duration.ofMillis(1)))
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(HandshakeException.class)
                      .hasMessageContaining("within 10000 ms"))
          .verify(Duration.ofSeconds(10));
    } finally {
      clock.dispose();
    }
  }

  @Test
  void connectForeverReconnectsAfterTheRelayGoesAway() {
    server = TestRelayServer.start();
    int port = server.port();
    RelayClient client =
        RelayClient.create(server.address(), me)
            .reconnect(Retry.fixedDelay(50, Duration.ofMillis(50)));
    StepVerifier.create(client.connectForever())
        .assertNext(c -> assertThat(c.isDisposed()).isFalse())
        .then(() -> server.closeConnections())
        .assertNext(c -> assertThat(c.relay().port()).isEqualTo(port))
        .thenCancel()
        .verify(Duration.ofSeconds(10));
    // the relay writes its handshake response before its own bookkeeping runs: wait (bounded)
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(server.accepted).hasValue(2));
  }
}
