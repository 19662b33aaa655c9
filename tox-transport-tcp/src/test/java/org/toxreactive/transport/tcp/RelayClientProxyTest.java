package org.toxreactive.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyConnectException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.toxreactive.core.KeyPair;
import reactor.test.StepVerifier;

/** RelayClient through HTTP CONNECT and SOCKS5 proxies on loopback to a minimal relay. */
class RelayClientProxyTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** Well under the 10 s handshake deadline: a failure this quick did not wait for it. */
  private static final Duration FAST = Duration.ofSeconds(5);

  private final KeyPair me = KeyPair.generate();
  private final List<RelayConnection> connections = new ArrayList<>();
  private TestRelayServer relay;
  private TestSocks5Proxy socks;
  private TestHttpConnectProxy http;

  @AfterEach
  void stop() {
    connections.forEach(RelayConnection::dispose);
    if (socks != null) {
      socks.close();
    }
    if (http != null) {
      http.close();
    }
    if (relay != null) {
      relay.close();
    }
  }

  @Test
  void reachesTheRelayThroughASocks5Proxy() {
    relay = TestRelayServer.start();
    socks = TestSocks5Proxy.start();
    RelayConnection conn =
        connect(
            RelayClient.create(relay.address(), me)
                .proxy(RelayProxy.socks5("127.0.0.1", socks.port())));

    assertPingsThroughOneTunnel(conn);
    assertThat(socks.tunnels.get()).isEqualTo(1);
    assertThat(socks.targets).containsExactly("127.0.0.1:" + relay.port());
  }

  @Test
  void aSocks5ProxyResolvesADomainTarget() {
    relay = TestRelayServer.start();
    socks = TestSocks5Proxy.start();
    RelayAddress byName = RelayAddress.of("localhost", relay.port(), relay.keys.publicKey());
    RelayConnection conn =
        connect(RelayClient.create(byName, me).proxy(RelayProxy.socks5("127.0.0.1", socks.port())));

    assertPingsThroughOneTunnel(conn);
    assertThat(socks.tunnels.get()).isEqualTo(1);
    // The client leaves the name to the proxy (SOCKS5 ATYP DOMAIN).
    assertThat(socks.targets).containsExactly("localhost:" + relay.port());
  }

  @Test
  void reachesTheRelayThroughAnHttpConnectProxy() {
    relay = TestRelayServer.start();
    http = TestHttpConnectProxy.start();
    RelayConnection conn =
        connect(
            RelayClient.create(relay.address(), me)
                .proxy(RelayProxy.http("127.0.0.1", http.port())));

    assertPingsThroughOneTunnel(conn);
    assertThat(http.tunnels.get()).isEqualTo(1);
    assertThat(http.targets).containsExactly("127.0.0.1:" + relay.port());
  }

  @Test
  void theLinkClosesWhenTheRelayDropsItBehindTheProxy() {
    relay = TestRelayServer.start();
    socks = TestSocks5Proxy.start();
    RelayConnection conn =
        connect(
            RelayClient.create(relay.address(), me)
                .proxy(RelayProxy.socks5("127.0.0.1", socks.port())));

    StepVerifier.create(conn.onDispose())
        .then(relay::closeConnections)
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(conn.isDisposed()).isTrue();
  }

  @Test
  void aRefusingHttpProxyFailsTheConnectWithItsStatus() {
    relay = TestRelayServer.start();
    http = TestHttpConnectProxy.refusing();
    RelayClient client =
        RelayClient.create(relay.address(), me).proxy(RelayProxy.http("127.0.0.1", http.port()));

    long start = System.nanoTime();
    StepVerifier.create(client.connect())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(HttpProxyHandler.HttpProxyConnectException.class)
                    .hasMessageContaining("403 Forbidden"))
        .verify(TIMEOUT);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAST);
    assertThat(http.targets).containsExactly("127.0.0.1:" + relay.port());
    assertThat(http.tunnels.get()).isZero();
    assertThat(relay.accepted.get()).isZero();
  }

  @Test
  void aSocks5ProxyThatCannotReachTheRelayFailsTheConnect() throws Exception {
    socks = TestSocks5Proxy.start();
    int deadPort = freePort();
    RelayAddress nobody = RelayAddress.of("127.0.0.1", deadPort, KeyPair.generate().publicKey());
    RelayClient client =
        RelayClient.create(nobody, me).proxy(RelayProxy.socks5("127.0.0.1", socks.port()));

    long start = System.nanoTime();
    StepVerifier.create(client.connect())
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(ProxyConnectException.class)
                    .hasMessageContaining("FAILURE"))
        .verify(TIMEOUT);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAST);
    assertThat(socks.targets).containsExactly("127.0.0.1:" + deadPort);
    assertThat(socks.tunnels.get()).isZero();
  }

  @ParameterizedTest
  @EnumSource(RelayProxy.Type.class)
  void aProxyPortWhereNothingListensFailsFast(RelayProxy.Type type) throws Exception {
    relay = TestRelayServer.start();
    RelayClient client =
        RelayClient.create(relay.address(), me)
            .proxy(new RelayProxy(type, "127.0.0.1", freePort()));

    long start = System.nanoTime();
    StepVerifier.create(client.connect())
        .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ConnectException.class))
        .verify(TIMEOUT);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAST);
    assertThat(relay.accepted.get()).isZero();
  }

  @Test
  void theHttpProxyRefusesOtherMethodsWith405() throws Exception {
    http = TestHttpConnectProxy.start();
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), http.port())) {
      s.setSoTimeout((int) TIMEOUT.toMillis());
      OutputStream out = s.getOutputStream();
      out.write(
          "GET http://127.0.0.1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // The proxy closes after answering, so reading to the end terminates.
      String answer = readAll(s.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 405 Method Not Allowed\r\n");
    }
    assertThat(http.tunnels.get()).isZero();
    assertThat(http.targets).isEmpty();
  }

  // ---------------------------------------------------------------------------------- helpers

  private RelayConnection connect(RelayClient client) {
    AtomicReference<RelayConnection> conn = new AtomicReference<>();
    StepVerifier.create(client.connect())
        .consumeNextWith(
            c -> {
              connections.add(c);
              conn.set(c);
            })
        .expectComplete()
        .verify(TIMEOUT);
    return conn.get();
  }

  private void assertPingsThroughOneTunnel(RelayConnection conn) {
    assertThat(conn.isDisposed()).isFalse();
    long before = System.nanoTime();
    StepVerifier.create(conn.ping())
        .assertNext(
            rtt -> {
              Duration call = Duration.ofNanos(System.nanoTime() - before);
              // the round trip happened after `before`, so it cannot exceed the time since
              // (plus 1 ms: Schedulers.parallel().now(), the connection's clock, counts ms)
              assertThat(rtt).isBetween(Duration.ZERO, call.plusMillis(1));
            })
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(relay.accepted.get()).isEqualTo(1);
  }

  /** A loopback port that was free a moment ago (nothing listens on it now). */
  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static String readAll(InputStream in) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    in.transferTo(bytes);
    return bytes.toString(StandardCharsets.US_ASCII);
  }
}
