package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayClient;
import org.toxreactive.transport.tcp.RelayConnection;
import org.toxreactive.transport.tcp.RelayEvent;
import org.toxreactive.transport.tcp.packet.ConnectNotification;
import org.toxreactive.transport.tcp.packet.Data;
import org.toxreactive.transport.tcp.packet.DisconnectNotification;
import org.toxreactive.transport.tcp.packet.Ping;
import org.toxreactive.transport.tcp.packet.Pong;
import org.toxreactive.transport.tcp.packet.RoutingRequest;
import org.toxreactive.transport.tcp.packet.RoutingResponse;
import reactor.test.StepVerifier;

/** Our relay server over loopback: real handshakes, our client and raw attack clients. */
class RelayServerTest {
  private RunningRelay relay;
  private final List<RelayConnection> links = new ArrayList<>();

  @BeforeEach
  void start() {
    relay =
        RelayServer.create()
            .host("127.0.0.1")
            .port(0)
            .udpPort(0)
            .limits(
                RelayLimits.defaults()
                    .withMaxConnectionsPerIp(200)
                    .withHandshakeTimeout(Duration.ofSeconds(2)))
            .bindNow();
  }

  @AfterEach
  void stop() {
    links.forEach(RelayConnection::dispose);
    relay.disposeNow(Duration.ofSeconds(5));
  }

  private RelayConnection connect(KeyPair keys) {
    RelayConnection c =
        RelayClient.create(RelayAddress.of("127.0.0.1", relay.port(), relay.publicKey()), keys)
            .connectNow();
    links.add(c);
    return c;
  }

  private RawRelayClient raw() throws Exception {
    return new RawRelayClient(relay.port()).handshake(relay.publicKey());
  }

  @Test
  void ourClientRoutesDataAndOobThroughOurRelay() {
    KeyPair a = KeyPair.generate();
    KeyPair b = KeyPair.generate();
    RelayConnection ca = connect(a);
    RelayConnection cb = connect(b);
    StepVerifier.create(ca.events().filter(e -> !(e instanceof RelayEvent.RouteAssigned)))
        .then(() -> assertThat(ca.route(b.publicKey()).block(Duration.ofSeconds(5))).isEqualTo(16))
        .then(() -> assertThat(cb.route(a.publicKey()).block(Duration.ofSeconds(5))).isEqualTo(16))
        .expectNext(new RelayEvent.PeerOnline(16, b.publicKey()))
        .then(() -> cb.send(16, Bytes.ofUtf8("hello a")).block(Duration.ofSeconds(5)))
        .expectNext(new RelayEvent.DataReceived(16, b.publicKey(), Bytes.ofUtf8("hello a")))
        .then(() -> cb.sendOob(a.publicKey(), Bytes.ofHex("1801")).block(Duration.ofSeconds(5)))
        .expectNext(new RelayEvent.OobReceived(b.publicKey(), Bytes.ofHex("1801")))
        .then(cb::dispose)
        .expectNext(new RelayEvent.PeerOffline(16, b.publicKey()))
        .thenCancel()
        .verify(Duration.ofSeconds(10));
    assertThat(ca.ping().block(Duration.ofSeconds(5))).isPositive();
  }

  @Test
  void anyValidFirstFrameConfirmsAndDuplicateKeyKillsTheOlder() throws Exception {
    KeyPair shared = KeyPair.generate();
    try (RawRelayClient first =
            new RawRelayClient(relay.port(), shared).handshake(relay.publicKey());
        RawRelayClient second =
            new RawRelayClient(relay.port(), shared).handshake(relay.publicKey())) {
      first.send(new RoutingRequest(KeyPair.generate().publicKey()));
      assertThat(first.await(RoutingResponse.class).connectionId()).isEqualTo(16);
      second.send(new Ping(77));
      assertThat(second.await(Pong.class)).isEqualTo(new Pong(77));
      assertThat(first.closedByRelay()).isTrue();
      second.send(new Ping(78));
      assertThat(second.await(Pong.class)).isEqualTo(new Pong(78));
    }
    assertThat(relay.kills(KillReason.DUPLICATE_KEY)).isEqualTo(1);
  }

  @Test
  void dataToAnUnknownIdKillsOnlyTheSender() throws Exception {
    try (RawRelayClient a = raw();
        RawRelayClient b = raw()) {
      a.send(new RoutingRequest(b.keys.publicKey()));
      b.send(new RoutingRequest(a.keys.publicKey()));
      a.await(ConnectNotification.class);
      b.await(ConnectNotification.class);
      a.send(new Data(17, Bytes.ofHex("01")));
      assertThat(a.closedByRelay()).isTrue();
      assertThat(b.await(DisconnectNotification.class)).isEqualTo(new DisconnectNotification(16));
      b.send(new Ping(5));
      assertThat(b.await(Pong.class)).isEqualTo(new Pong(5));
    }
    assertThat(relay.kills(KillReason.UNKNOWN_CONNECTION_ID)).isEqualTo(1);
  }

  @Test
  void garbageBeforeTheHandshakeIsRefusedAndOthersAreServed() throws Exception {
    try (RawRelayClient bad = new RawRelayClient(relay.port())) {
      byte[] junk = new byte[128];
      new SecureRandom().nextBytes(junk);
      bad.sendRaw(junk);
      assertThat(bad.closedByRelay()).isTrue();
    }
    try (RawRelayClient good = raw()) {
      good.send(new Ping(1));
      assertThat(good.await(Pong.class)).isEqualTo(new Pong(1));
    }
  }

  @Test
  void garbageAfterTheHandshakeAndOversizeFramesKillTheSender() throws Exception {
    try (RawRelayClient bad = raw()) {
      bad.sendRaw(
          new byte[] {
            0, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20
          });
      assertThat(bad.closedByRelay()).isTrue();
    }
    try (RawRelayClient bad = raw()) {
      bad.sendRaw(new byte[] {0x08, 0x01}); // L = 2049
      bad.sendRaw(new byte[2049]);
      assertThat(bad.closedByRelay()).isTrue();
    }
    try (RawRelayClient good = raw()) {
      good.send(new Ping(2));
      assertThat(good.await(Pong.class)).isEqualTo(new Pong(2));
    }
  }

  @Test
  void aHelloThatNeverCompletesIsClosedAtTheDeadline() throws Exception {
    try (RawRelayClient slow = new RawRelayClient(relay.port())) {
      slow.sendRaw(new byte[100]); // 28 bytes short of a hello
      assertThat(slow.closedByRelay()).isTrue(); // within the 5 s read timeout; deadline is 2 s
    }
    assertThat(relay.kills(KillReason.HANDSHAKE_TIMEOUT)).isEqualTo(1);
    // the server's close bookkeeping runs on its event loop just after the client sees EOF
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(relay.connections()).isZero());
  }
}
