package org.toxreactive.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.transport.tcp.packet.ConnectNotification;
import org.toxreactive.transport.tcp.packet.Data;
import org.toxreactive.transport.tcp.packet.DisconnectNotification;
import org.toxreactive.transport.tcp.packet.ForwardRequest;
import org.toxreactive.transport.tcp.packet.Forwarding;
import org.toxreactive.transport.tcp.packet.OnionRequest;
import org.toxreactive.transport.tcp.packet.OnionResponse;
import org.toxreactive.transport.tcp.packet.OobRecv;
import org.toxreactive.transport.tcp.packet.OobSend;
import org.toxreactive.transport.tcp.packet.Ping;
import org.toxreactive.transport.tcp.packet.Pong;
import org.toxreactive.transport.tcp.packet.RelayPacket;
import org.toxreactive.transport.tcp.packet.RoutingRequest;
import org.toxreactive.transport.tcp.packet.RoutingResponse;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The client's relay-link rules (docs/protocol.md 2.6) on an EmbeddedChannel, timers on virtual
 * time.
 */
class ClientSessionTest {
  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private final KeyPair me = KeyPair.generate();
  private final PublicKey friend = KeyPair.generate().publicKey();
  private EmbeddedChannel channel;
  private FakeRelayPeer relay;
  private RelayConnection conn;
  private final List<RelayEvent> events = new CopyOnWriteArrayList<>();
  private final AtomicReference<Throwable> eventsError = new AtomicReference<>();
  private final AtomicReference<Boolean> eventsCompleted = new AtomicReference<>(false);

  @BeforeEach
  void connect() {
    channel = new EmbeddedChannel();
    relay = new FakeRelayPeer(channel);
    RelayClient.Config config =
        RelayClient.create(RelayAddress.of("127.0.0.1", 33445, relay.publicKey()), me)
            .scheduler(clock)
            .configuration();
    conn = new RelayConnection(channel, config.address(), config);
    channel
        .pipeline()
        .addLast(
            "tox.relay.handshake",
            new ClientHandshakeHandler(new ClientHandshake(me, relay.publicKey())));
    channel.pipeline().addLast("tox.relay.session", conn.sessionHandler());
    conn.events().subscribe(events::add, eventsError::set, () -> eventsCompleted.set(true));
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
    relay.close();
    clock.dispose();
  }

  private void handshake() {
    assertThat(relay.acceptHello()).isEqualTo(me.publicKey());
    assertThat(conn.whenReady().block(Duration.ofSeconds(1))).isSameAs(conn);
  }

  private Ping firstPing() {
    List<RelayPacket> sent = relay.received();
    assertThat(sent).hasSize(1).first().isInstanceOf(Ping.class);
    return (Ping) sent.get(0);
  }

  @Test
  void sendsAPingAsItsFirstFrame() {
    handshake();
    assertThat(firstPing().pingId()).isNotZero();
  }

  @Test
  void pingsEveryThirtySecondsAndStaysOpenWhilePongsCome() {
    handshake();
    relay.send(new Pong(firstPing().pingId()));
    for (int i = 0; i < 4; i++) {
      clock.advanceTimeBy(Duration.ofSeconds(29));
      assertThat(relay.received()).isEmpty();
      clock.advanceTimeBy(Duration.ofSeconds(1));
      List<RelayPacket> sent = relay.received();
      assertThat(sent).hasSize(1).first().isInstanceOf(Ping.class);
      relay.send(new Pong(((Ping) sent.get(0)).pingId()));
    }
    assertThat(channel.isActive()).isTrue();
  }

  @Test
  void closesWhenThePongIsTenSecondsLate() {
    handshake();
    firstPing();
    clock.advanceTimeBy(Duration.ofMillis(9_999));
    assertThat(channel.isActive()).isTrue();
    clock.advanceTimeBy(Duration.ofMillis(1));
    assertThat(channel.isActive()).isFalse();
    assertThat(eventsError.get())
        .isInstanceOf(RelayProtocolException.class)
        .hasMessageContaining("no pong");
  }

  @Test
  void aPongWithTheWrongIdDoesNotCount() {
    handshake();
    Ping p = firstPing();
    relay.send(new Pong(p.pingId() ^ 1));
    clock.advanceTimeBy(Duration.ofSeconds(10));
    assertThat(channel.isActive()).isFalse();
  }

  @Test
  void answersTheRelaysPingWithTheSameId() {
    handshake();
    firstPing();
    relay.send(new Ping(0x0102030405060708L));
    assertThat(relay.received()).containsExactly(new Pong(0x0102030405060708L));
  }

  @Test
  void routesThenReportsOnlineDataAndOffline() {
    handshake();
    firstPing();
    StepVerifier.create(conn.route(friend))
        .then(
            () -> {
              assertThat(relay.received()).containsExactly(new RoutingRequest(friend));
              relay.send(new RoutingResponse(16, friend));
            })
        .expectNext(16)
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    relay.send(new ConnectNotification(16));
    relay.send(new Data(16, Bytes.ofUtf8("hi")));
    relay.send(new DisconnectNotification(16));
    assertThat(events)
        .containsExactly(
            new RelayEvent.RouteAssigned(friend, 16),
            new RelayEvent.PeerOnline(16, friend),
            new RelayEvent.DataReceived(16, friend, Bytes.ofUtf8("hi")),
            new RelayEvent.PeerOffline(16, friend));
  }

  @Test
  void aRefusedRouteFailsTheRequestAndIsReported() {
    handshake();
    firstPing();
    StepVerifier.create(conn.route(me.publicKey()))
        .then(() -> relay.send(new RoutingResponse(0, me.publicKey())))
        .expectError(RelayRejectedException.class)
        .verify(Duration.ofSeconds(5));
    assertThat(events).containsExactly(new RelayEvent.RouteRefused(me.publicKey()));
    assertThat(channel.isActive()).isTrue();
  }

  @Test
  void ignoresNotificationsForRoutesInTheWrongStateAndPassesUnknownData() {
    handshake();
    firstPing();
    relay.send(new ConnectNotification(17)); // never routed
    relay.send(new DisconnectNotification(18)); // never online
    relay.send(new RoutingResponse(16, friend));
    relay.send(new RoutingResponse(16, KeyPair.generate().publicKey())); // id already ours
    relay.send(new DisconnectNotification(16)); // registered, not online
    relay.send(new Data(200, Bytes.ofHex("ff")));
    assertThat(events)
        .containsExactly(
            new RelayEvent.RouteAssigned(friend, 16),
            new RelayEvent.DataReceived(200, null, Bytes.ofHex("ff")));
    assertThat(channel.isActive()).isTrue();
  }

  @Test
  void deliversOobOnionAndForwarding() {
    handshake();
    firstPing();
    relay.send(new OobRecv(friend, Bytes.ofHex("18aa")));
    relay.send(new OnionResponse(Bytes.ofHex("8401")));
    relay.send(new Forwarding(Bytes.ofHex("0102")));
    assertThat(events)
        .containsExactly(
            new RelayEvent.OobReceived(friend, Bytes.ofHex("18aa")),
            new RelayEvent.OnionResponseReceived(Bytes.ofHex("8401")),
            new RelayEvent.ForwardingReceived(Bytes.ofHex("0102")));
  }

  static Stream<Arguments> packetsOnlyClientsSend() {
    PublicKey k = KeyPair.generate().publicKey();
    return Stream.of(
        Arguments.of(new RoutingRequest(k)),
        Arguments.of(new OobSend(k, Bytes.ofHex("01"))),
        Arguments.of(new OnionRequest(Nonce.zero(), Bytes.of(new byte[200]))),
        Arguments.of(
            new ForwardRequest(
                new IpPort(java.net.InetAddress.getLoopbackAddress(), 33445), Bytes.ofHex("01"))));
  }

  @ParameterizedTest
  @MethodSource("packetsOnlyClientsSend")
  void closesOnPacketsOnlyClientsSend(RelayPacket packet) {
    handshake();
    firstPing();
    relay.send(packet);
    assertClosedWith("only clients send");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 15})
  void closesOnNotificationsForReservedIds(int id) {
    handshake();
    firstPing();
    relay.send(new ConnectNotification(id));
    assertClosedWith("reserved id " + id);
  }

  @Test
  void closesOnDisconnectNotificationForReservedId() {
    handshake();
    firstPing();
    relay.send(new DisconnectNotification(3));
    assertClosedWith("reserved id 3");
  }

  @Test
  void closesOnOneBytePacket() {
    handshake();
    firstPing();
    relay.send(new Data(16, Bytes.EMPTY));
    assertClosedWith("length 1");
  }

  @ParameterizedTest
  @ValueSource(ints = {12, 13, 14, 15})
  void closesOnReservedPacketIds(int id) {
    handshake();
    firstPing();
    relay.sendRaw(relay.frameOfPlaintext(new byte[] {(byte) id, 0, 0}));
    assertClosedWith("malformed");
  }

  @Test
  void closesOnAFrameThatFailsToDecrypt() {
    handshake();
    firstPing();
    ByteBuf frame = relay.frame(new Ping(5));
    frame.setByte(10, frame.getByte(10) ^ 1);
    relay.sendRaw(frame);
    assertClosedWith("failed to decrypt");
  }

  @Test
  void closesOnAFrameLongerThan2048() {
    handshake();
    firstPing();
    relay.sendRaw(Unpooled.buffer().writeShort(2049).writeZero(100));
    assertClosedWith("longer than 2048");
  }

  @Test
  void skipsZeroLengthFrames() {
    handshake();
    firstPing();
    relay.sendRaw(Unpooled.buffer().writeShort(0));
    relay.send(new Ping(9));
    assertThat(relay.received()).containsExactly(new Pong(9));
    assertThat(channel.isActive()).isTrue();
  }

  @Test
  void refusesToSendOnAnIdWithoutRouteOrAnEmptyPayload() {
    handshake();
    firstPing();
    StepVerifier.create(conn.send(16, Bytes.ofHex("01")))
        .expectErrorMessage("no route on connection id 16")
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(conn.disconnect(16))
        .expectError(IllegalArgumentException.class)
        .verify(Duration.ofSeconds(5));
    relay.send(new RoutingResponse(16, friend));
    StepVerifier.create(conn.send(16, Bytes.EMPTY))
        .expectError(IllegalArgumentException.class)
        .verify(Duration.ofSeconds(5));
    assertThat(relay.received()).isEmpty();
  }

  @Test
  void aBorrowedOfferOnTheLinksOwnLoopIsSealedBeforeItReturns() {
    handshake();
    firstPing();
    relay.send(new RoutingResponse(16, friend));
    // an EmbeddedChannel's loop is the caller's thread: offer takes its inline branch
    assertThat(channel.eventLoop().inEventLoop()).isTrue();
    byte[] packet = {0x1b, 1, 2, 3};
    assertThat(conn.offer(16, packet, 0, packet.length)).isTrue();
    java.util.Arrays.fill(packet, (byte) 0x55); // the caller reuses its array at once
    assertThat(conn.offer(16, packet, 1, 2)).isTrue();
    assertThat(conn.offer(17, packet, 0, 2)).isTrue(); // no route: dropped, released
    assertThat(conn.offer(16, packet, 3, 2)).isFalse(); // outside the array
    assertThat(conn.offer(16, packet, 0, 0)).isFalse(); // empty
    channel.flush();
    assertThat(relay.received())
        .containsExactly(new Data(16, Bytes.ofHex("1b010203")), new Data(16, Bytes.ofHex("5555")));
  }

  @Test
  void sendsDataAndDisconnectOnARoute() {
    handshake();
    firstPing();
    relay.send(new RoutingResponse(16, friend));
    StepVerifier.create(conn.send(16, Bytes.ofHex("1b00")).then(conn.disconnect(16)))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    assertThat(relay.received())
        .containsExactly(new Data(16, Bytes.ofHex("1b00")), new DisconnectNotification(16));
    StepVerifier.create(conn.send(16, Bytes.ofHex("01")))
        .expectError(IllegalArgumentException.class)
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void measuresPingRoundTripOnTheInjectedClock() {
    handshake();
    firstPing();
    StepVerifier.create(conn.ping())
        .then(
            () -> {
              Ping p = (Ping) relay.received().get(0);
              clock.advanceTimeBy(Duration.ofMillis(250));
              relay.send(new Pong(p.pingId()));
            })
        .expectNext(Duration.ofMillis(250))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void aWrongRelayKeyFailsTheHandshake() {
    ByteBuf garbage = Unpooled.buffer().writeZero(RelayProtocol.SERVER_RESPONSE_SIZE);
    ReferenceCountedRelease.releaseAll(channel);
    relay.sendRaw(garbage);
    StepVerifier.create(conn.whenReady())
        .expectError(HandshakeException.class)
        .verify(Duration.ofSeconds(5));
    assertThat(channel.isActive()).isFalse();
  }

  @Test
  void localDisposeCompletesTheEvents() {
    handshake();
    firstPing();
    conn.dispose();
    assertThat(eventsCompleted.get()).isTrue();
    assertThat(eventsError.get()).isNull();
  }

  @Test
  void relayClosingTheLinkErrorsTheEvents() {
    handshake();
    firstPing();
    channel.close();
    // EmbeddedChannel.close is "local"; model a remote close by not marking dispose: use the
    // session's view through events
    assertThat(eventsError.get()).isInstanceOf(RelayProtocolException.class);
  }

  private void assertClosedWith(String reason) {
    assertThat(channel.isActive()).isFalse();
    assertThat(eventsError.get()).isNotNull();
    assertThat(eventsError.get().getMessage()).contains(reason);
  }

  /** Releases buffers left in the outbound queue. */
  static final class ReferenceCountedRelease {
    static void releaseAll(EmbeddedChannel ch) {
      for (Object o; (o = ch.readOutbound()) != null; ) {
        io.netty.util.ReferenceCountUtil.release(o);
      }
    }
  }
}
