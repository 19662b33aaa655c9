package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.relay.RelayRouter.Client;
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

/**
 * Every server rule of docs/protocol.md 2.5, on the pure router, with time as plain milliseconds.
 */
class RelayRouterTest {
  record Sent(String to, RelayPacket packet) {}

  record Killed(String who, KillReason reason) {}

  private final List<Sent> sent = new ArrayList<>();
  private final List<Killed> killed = new ArrayList<>();
  private final List<OnionRequest> onion = new ArrayList<>();
  private boolean forwardingEnabled;

  private final RelayRouter<String> router =
      new RelayRouter<>(
          new RelayRouter.Output<>() {
            @Override
            public void send(String client, RelayPacket packet) {
              sent.add(new Sent(client, packet));
            }

            @Override
            public void kill(String client, KillReason reason) {
              killed.add(new Killed(client, reason));
            }

            @Override
            public void onionRequest(Client<String> client, OnionRequest request) {
              onion.add(request);
            }

            @Override
            public boolean forwardRequest(Client<String> client, ForwardRequest request) {
              return forwardingEnabled;
            }
          });

  private final PublicKey ka = KeyPair.generate().publicKey();
  private final PublicKey kb = KeyPair.generate().publicKey();
  private final PublicKey kc = KeyPair.generate().publicKey();

  private List<Sent> drain() {
    List<Sent> copy = new ArrayList<>(sent);
    sent.clear();
    return copy;
  }

  private Client<String>[] pair() {
    Client<String> a = router.confirm("a", ka, 0);
    Client<String> b = router.confirm("b", kb, 0);
    router.handle(a, new RoutingRequest(kb), 0);
    router.handle(b, new RoutingRequest(ka), 0);
    drain();
    @SuppressWarnings("unchecked")
    Client<String>[] both = new Client[] {a, b};
    return both;
  }

  @Test
  void firstRouteGetsId16AndNoNotificationWhileThePeerIsAbsent() {
    Client<String> a = router.confirm("a", ka, 0);
    router.handle(a, new RoutingRequest(kb), 0);
    assertThat(drain()).containsExactly(new Sent("a", new RoutingResponse(16, kb)));
  }

  @Test
  void pairingNotifiesBothSidesInCToxcoreOrder() {
    Client<String> a = router.confirm("a", ka, 0);
    Client<String> b = router.confirm("b", kb, 0);
    router.handle(b, new RoutingRequest(kc), 0); // b's slot 16 is taken by c
    router.handle(a, new RoutingRequest(kb), 0);
    drain();
    router.handle(b, new RoutingRequest(ka), 0);
    assertThat(drain())
        .containsExactly(
            new Sent("b", new RoutingResponse(17, ka)),
            new Sent("b", new ConnectNotification(17)),
            new Sent("a", new ConnectNotification(16)));
  }

  @Test
  void aDuplicateRequestReturnsTheSameIdWithoutANewNotification() {
    Client<String>[] ab = pair();
    router.handle(ab[0], new RoutingRequest(kb), 0);
    assertThat(drain()).containsExactly(new Sent("a", new RoutingResponse(16, kb)));
    assertThat(ab[0].routes()).isEqualTo(1);
  }

  @Test
  void routingToOwnKeyOrWithAFullTableIsRefusedWithZero() {
    Client<String> a = router.confirm("a", ka, 0);
    router.handle(a, new RoutingRequest(ka), 0);
    assertThat(drain()).containsExactly(new Sent("a", new RoutingResponse(0, ka)));
    for (int i = 0; i < 240; i++) {
      router.handle(a, new RoutingRequest(KeyPair.generate().publicKey()), 0);
    }
    List<Sent> responses = drain();
    assertThat(responses.get(0).packet())
        .isEqualTo(new RoutingResponse(16, ((RoutingResponse) responses.get(0).packet()).peer()));
    assertThat(((RoutingResponse) responses.get(239).packet()).connectionId()).isEqualTo(255);
    router.handle(a, new RoutingRequest(kc), 0);
    assertThat(drain()).containsExactly(new Sent("a", new RoutingResponse(0, kc)));
  }

  @Test
  void takesTheLowestFreeSlot() {
    Client<String> a = router.confirm("a", ka, 0);
    router.handle(a, new RoutingRequest(kb), 0);
    router.handle(a, new RoutingRequest(kc), 0);
    router.handle(a, new DisconnectNotification(16), 0);
    drain();
    PublicKey kd = KeyPair.generate().publicKey();
    router.handle(a, new RoutingRequest(kd), 0);
    assertThat(drain()).containsExactly(new Sent("a", new RoutingResponse(16, kd)));
  }

  @Test
  void relaysDataWithTheReceiversConnectionId() {
    Client<String> a = router.confirm("a", ka, 0);
    Client<String> b = router.confirm("b", kb, 0);
    router.handle(b, new RoutingRequest(kc), 0);
    router.handle(a, new RoutingRequest(kb), 0);
    router.handle(b, new RoutingRequest(ka), 0); // b has a on 17, a has b on 16
    drain();
    router.handle(a, new Data(16, Bytes.ofHex("1b01")), 0);
    router.handle(b, new Data(17, Bytes.ofHex("1b02")), 0);
    router.handle(b, new Data(17, Bytes.EMPTY), 0); // forwarded unchecked, as c-toxcore
    assertThat(drain())
        .containsExactly(
            new Sent("b", new Data(17, Bytes.ofHex("1b01"))),
            new Sent("a", new Data(16, Bytes.ofHex("1b02"))),
            new Sent("a", new Data(16, Bytes.EMPTY)));
  }

  @Test
  void dataOnTheSameIdAtBothEndsIsForwardedAsItCame() {
    Client<String>[] ab = pair(); // 16 at both ends
    Data d = new Data(16, Bytes.ofHex("1b03"));
    router.handle(ab[0], d, 0);
    List<Sent> out = drain();
    assertThat(out).containsExactly(new Sent("b", new Data(16, Bytes.ofHex("1b03"))));
    assertThat(out.get(0).packet()).isSameAs(d);
  }

  @Test
  void dataToARequestedButOfflinePeerIsDropped() {
    Client<String> a = router.confirm("a", ka, 0);
    router.handle(a, new RoutingRequest(kb), 0);
    drain();
    router.handle(a, new Data(16, Bytes.ofHex("01")), 0);
    assertThat(drain()).isEmpty();
    assertThat(killed).isEmpty();
  }

  @Test
  void dataToAnUnknownIdKillsTheSender() {
    Client<String>[] ab = pair();
    router.handle(ab[0], new Data(17, Bytes.ofHex("01")), 0);
    assertThat(killed).containsExactly(new Killed("a", KillReason.UNKNOWN_CONNECTION_ID));
    assertThat(drain()).containsExactly(new Sent("b", new DisconnectNotification(16)));
    assertThat(router.clientCount()).isEqualTo(1);
  }

  @Test
  void dataToTheHighestIdOfAClientWithoutRoutesKillsTheSender() {
    Client<String> a = router.confirm("a", ka, 0); // its slot arrays are still empty
    router.handle(a, new Data(255, Bytes.ofHex("01")), 0);
    assertThat(killed).containsExactly(new Killed("a", KillReason.UNKNOWN_CONNECTION_ID));
  }

  @Test
  void disconnectFreesTheSlotAndPutsThePeerBackToRequested() {
    Client<String>[] ab = pair();
    router.handle(ab[0], new DisconnectNotification(16), 0);
    assertThat(drain()).containsExactly(new Sent("b", new DisconnectNotification(16)));
    assertThat(ab[0].routes()).isZero();
    assertThat(ab[1].routes()).isEqualTo(1);
    // b's data now goes nowhere (requested), and a re-route pairs again
    router.handle(ab[1], new Data(16, Bytes.ofHex("01")), 0);
    assertThat(drain()).isEmpty();
    router.handle(ab[0], new RoutingRequest(kb), 0);
    assertThat(drain())
        .containsExactly(
            new Sent("a", new RoutingResponse(16, kb)),
            new Sent("a", new ConnectNotification(16)),
            new Sent("b", new ConnectNotification(16)));
  }

  @ParameterizedTest
  @ValueSource(ints = {16, 3, 15, 255})
  void disconnectForAnIdNotInUseKillsTheSender(int id) {
    Client<String> a = router.confirm("a", ka, 0);
    router.handle(a, new DisconnectNotification(id), 0);
    assertThat(killed).containsExactly(new Killed("a", KillReason.BAD_DISCONNECT));
  }

  @Test
  void aKilledClientsOnlinePeersGetDisconnectNotifications() {
    Client<String>[] ab = pair();
    Client<String> c = router.confirm("c", kc, 0);
    router.handle(c, new RoutingRequest(ka), 0);
    router.handle(ab[0], new RoutingRequest(kc), 0);
    drain();
    router.kill(ab[0], KillReason.PROTOCOL_ERROR);
    assertThat(drain())
        .containsExactlyInAnyOrder(
            new Sent("b", new DisconnectNotification(16)),
            new Sent("c", new DisconnectNotification(16)));
    assertThat(killed).containsExactly(new Killed("a", KillReason.PROTOCOL_ERROR));
    router.disconnected(ab[0]); // the link's close event afterwards changes nothing
    assertThat(drain()).isEmpty();
  }

  @Test
  void aClientThatComesBackIsRePairedByItsNewRoutingRequest() {
    Client<String>[] ab = pair();
    router.disconnected(ab[1]);
    assertThat(drain()).containsExactly(new Sent("a", new DisconnectNotification(16)));
    Client<String> b2 = router.confirm("b2", kb, 0);
    router.handle(b2, new RoutingRequest(ka), 0);
    assertThat(drain())
        .containsExactly(
            new Sent("b2", new RoutingResponse(16, ka)),
            new Sent("b2", new ConnectNotification(16)),
            new Sent("a", new ConnectNotification(16)));
  }

  @Test
  void aSecondConfirmedLinkWithTheSameKeyKillsTheOlder() {
    Client<String>[] ab = pair();
    Client<String> a2 = router.confirm("a2", ka, 0);
    assertThat(killed).containsExactly(new Killed("a", KillReason.DUPLICATE_KEY));
    assertThat(drain()).containsExactly(new Sent("b", new DisconnectNotification(16)));
    assertThat(router.client(ka)).isSameAs(a2);
    assertThat(ab[0].isAlive()).isFalse();
  }

  @Test
  void oobIsDeliveredOnlyToAConnectedDestination() {
    Client<String> a = router.confirm("a", ka, 0);
    router.handle(a, new OobSend(kb, Bytes.ofHex("18")), 0);
    assertThat(drain()).isEmpty();
    router.confirm("b", kb, 0);
    router.handle(a, new OobSend(kb, Bytes.ofHex("1819")), 0);
    assertThat(drain()).containsExactly(new Sent("b", new OobRecv(ka, Bytes.ofHex("1819"))));
    assertThat(killed).isEmpty();
  }

  @Test
  void answersPingsWithTheSameId() {
    Client<String> a = router.confirm("a", ka, 0);
    router.handle(a, new Ping(42), 0);
    assertThat(drain()).containsExactly(new Sent("a", new Pong(42)));
  }

  @Test
  void pingsEveryThirtySecondsAndKillsTenSecondsAfterAnUnansweredPing() {
    Client<String> a = router.confirm("a", ka, 1_000);
    router.tick(30_999);
    assertThat(drain()).isEmpty();
    router.tick(31_000);
    List<Sent> s = drain();
    assertThat(s).hasSize(1);
    Ping p = (Ping) s.get(0).packet();
    assertThat(p.pingId()).isNotZero();
    router.handle(a, new Pong(p.pingId()), 32_000);
    router.tick(60_999);
    assertThat(drain()).isEmpty();
    router.tick(61_000);
    assertThat(drain()).hasSize(1);
    router.tick(70_999);
    assertThat(killed).isEmpty();
    router.tick(71_000);
    assertThat(killed).containsExactly(new Killed("a", KillReason.PING_TIMEOUT));
  }

  @Test
  void aPongWithAnotherIdIsIgnoredAndZeroKills() {
    Client<String> a = router.confirm("a", ka, 0);
    router.tick(30_000);
    Ping p = (Ping) drain().get(0).packet();
    router.handle(a, new Pong(p.pingId() + 1), 30_100);
    router.tick(40_000);
    assertThat(killed).containsExactly(new Killed("a", KillReason.PING_TIMEOUT));

    Client<String> b = router.confirm("b", kb, 0);
    router.handle(b, new Pong(0), 0);
    assertThat(killed).contains(new Killed("b", KillReason.ZERO_PONG));
  }

  @Test
  void packetsOnlyRelaysSendKillTheClient() {
    List<RelayPacket> forbidden =
        List.of(
            new RoutingResponse(16, kb),
            new OobRecv(kb, Bytes.ofHex("01")),
            new OnionResponse(Bytes.ofHex("84")),
            new Forwarding(Bytes.ofHex("01")));
    for (RelayPacket p : forbidden) {
      killed.clear();
      Client<String> a = router.confirm("a", ka, 0);
      router.handle(a, p, 0);
      assertThat(killed).as("%s", p).containsExactly(new Killed("a", KillReason.FORBIDDEN_PACKET));
    }
  }

  @Test
  void connectNotificationsFromClientsAreIgnored() {
    Client<String> a = router.confirm("a", ka, 0);
    router.handle(a, new ConnectNotification(16), 0);
    assertThat(killed).isEmpty();
    assertThat(drain()).isEmpty();
  }

  @Test
  void onionGoesToTheBridgeAndForwardingKillsWhenDisabled() {
    Client<String> a = router.confirm("a", ka, 0);
    OnionRequest o = new OnionRequest(Nonce.zero(), Bytes.of(new byte[200]));
    router.handle(a, o, 0);
    assertThat(onion).containsExactly(o);
    ForwardRequest f =
        new ForwardRequest(
            new org.toxreactive.core.IpPort(java.net.InetAddress.getLoopbackAddress(), 1),
            Bytes.ofHex("01"));
    forwardingEnabled = true;
    router.handle(a, f, 0);
    assertThat(killed).isEmpty();
    forwardingEnabled = false;
    router.handle(a, f, 0);
    assertThat(killed).containsExactly(new Killed("a", KillReason.FORBIDDEN_PACKET));
  }
}
