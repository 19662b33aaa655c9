package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.packet.ConnectNotification;
import org.toxreactive.transport.tcp.packet.DisconnectNotification;
import org.toxreactive.transport.tcp.packet.Ping;
import org.toxreactive.transport.tcp.packet.Pong;
import org.toxreactive.transport.tcp.packet.RelayPacket;
import org.toxreactive.transport.tcp.packet.RoutingRequest;
import org.toxreactive.transport.tcp.packet.RoutingResponse;

/**
 * A client that floods requests whose answers are control packets (pongs, routing responses) and
 * never reads its socket is disconnected once its unread backlog passes {@code maxBacklogBytes}:
 * the relay does not queue control packets without bound. Its peer is told, others are served.
 */
class QueueOverflowTest {
  private static final int MAX_QUEUED = 16 * 1024;
  private static final int MAX_BACKLOG = 32 * 1024;

  /** Far more answers than the socket buffers and the backlog hold together (~ 30 MB of pongs). */
  private static final int MAX_REQUESTS = 1_000_000;

  private RunningRelay relay;

  @BeforeEach
  void start() {
    relay =
        RelayServer.create()
            .host("127.0.0.1")
            .port(0)
            .udpPort(-1)
            .limits(
                RelayLimits.defaults()
                    .withMaxQueuedBytes(MAX_QUEUED)
                    .withMaxBacklogBytes(MAX_BACKLOG))
            .bindNow();
  }

  @AfterEach
  void stop() {
    relay.disposeNow(Duration.ofSeconds(5));
  }

  static java.util.stream.Stream<Arguments> floods() {
    IntFunction<RelayPacket> pings = i -> new Ping(i + 1);
    IntFunction<RelayPacket> routes = i -> new RoutingRequest(KeyPair.generate().publicKey());
    return java.util.stream.Stream.of(
        Arguments.of("pings", pings), Arguments.of("routing requests", routes));
  }

  private RawRelayClient flooder() throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096); // before connect, so the window stays small
    s.connect(new InetSocketAddress("127.0.0.1", relay.port()), 5_000);
    return RawRelayClient.over(s).handshake(relay.publicKey());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("floods")
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void killsAClientThatFloodsRequestsWithoutReadingAndKeepsServingOthers(
      String what, IntFunction<RelayPacket> request) throws Exception {
    try (RawRelayClient peer = new RawRelayClient(relay.port()).handshake(relay.publicKey());
        RawRelayClient flooder = flooder()) {
      peer.send(new RoutingRequest(flooder.keys.publicKey()));
      flooder.send(new RoutingRequest(peer.keys.publicKey()));
      peer.await(ConnectNotification.class);
      flooder.await(ConnectNotification.class);

      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      int sent = 0;
      try {
        while (sent < MAX_REQUESTS
            && relay.kills(KillReason.QUEUE_OVERFLOW) == 0
            && System.nanoTime() < deadline) {
          flooder.send(request.apply(sent));
          sent++;
        }
      } catch (IOException closedByRelay) {
        // the relay cut it off while it was still writing
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> relay.kills(KillReason.QUEUE_OVERFLOW) == 1);
      assertThat(relay.metrics().counter("tox.relay.kills", "reason", "queue_overflow").count())
          .isEqualTo(1);
      assertThat(flooder.closedByRelay()).isTrue();

      // the router forgot it: its peer is told, and keeps being served
      assertThat(peer.await(DisconnectNotification.class).connectionId()).isEqualTo(16);
      await().atMost(Duration.ofSeconds(5)).until(() -> relay.clients() == 1);
      peer.send(new Ping(77));
      assertThat(peer.await(Pong.class)).isEqualTo(new Pong(77));
      try (RawRelayClient other = new RawRelayClient(relay.port()).handshake(relay.publicKey())) {
        other.send(new RoutingRequest(peer.keys.publicKey()));
        assertThat(other.await(RoutingResponse.class).accepted()).isTrue();
      }
    }
  }
}
