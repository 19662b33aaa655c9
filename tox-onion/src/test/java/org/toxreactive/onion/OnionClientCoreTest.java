package org.toxreactive.onion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.PackedNode;
import org.toxreactive.onion.OnionClientCore.Outcome;

/**
 * The onion client core against our own onion nodes on an in-memory network and virtual time
 * (docs/protocol.md 13.10): announcing, friend lookup, DHT-PK announcements and friend requests,
 * over UDP and through a relay.
 */
class OnionClientCoreTest {
  static final int NOSPAM = 0x0A0B0C0D;

  @Test
  void clientAnnouncesItselfOnTheNodesClosestToItsKey() {
    ClientNet net = new ClientNet(16);
    ClientNet.Client a = net.client(30001);
    int seconds = net.runUntil(a.core::announced, 60);
    assertThat(a.core.announcedNodes(net.now)).isGreaterThanOrEqualTo(4);
    // announcing takes c-toxcore's pauses: a first round, 3 s, then 3 announced runs
    assertThat(seconds).isBetween(4, 30);
    int stored = 0;
    for (OnionNode n : net.nodes.values()) {
      stored += n.announced(net.now);
    }
    assertThat(stored).isGreaterThanOrEqualTo(a.core.announcedNodes(net.now));
  }

  @Test
  void friendRequestReachesTheAnnouncedPeerAndDhtPksGoBothWays() {
    ClientNet net = new ClientNet(16);
    ClientNet.Client a = net.client(30001);
    ClientNet.Client b = net.client(30002);
    a.core.nospam(NOSPAM);
    b.core.announceRelays(List.of(new PackedNode(ClientNet.ip(33445), true, net.nodeKey(0))));
    net.runUntil(() -> a.core.announced() && b.core.announced(), 60);

    assertThat(b.core.sendFriendRequest(a.realKeys.publicKey(), NOSPAM, Bytes.ofUtf8("hello A")))
        .isTrue();
    net.runUntil(() -> !a.requests.isEmpty(), 60);
    FriendRequest r = a.requests.get(0);
    assertThat(r.from()).isEqualTo(b.realKeys.publicKey());
    assertThat(r.nospam()).isEqualTo(NOSPAM);
    assertThat(r.text()).isEqualTo("hello A");

    // A accepts: it looks B up; each then learns the other's DHT key
    a.core.addFriend(b.realKeys.publicKey());
    net.runUntil(() -> !a.dhtPks.isEmpty() && !b.dhtPks.isEmpty(), 90);
    DhtPkAnnouncement toB = b.dhtPks.get(0);
    assertThat(toB.friendReal()).isEqualTo(a.realKeys.publicKey());
    assertThat(toB.dhtKey()).isEqualTo(a.dhtKeys.publicKey());
    assertThat(toB.dhtNodes()).isNotEmpty();
    DhtPkAnnouncement toA = a.dhtPks.get(0);
    assertThat(toA.dhtKey()).isEqualTo(b.dhtKeys.publicKey());
    assertThat(toA.relays())
        .containsExactly(new PackedNode(ClientNet.ip(33445), true, net.nodeKey(0)));
    assertThat(a.core.friendDhtKey(b.realKeys.publicKey())).isEqualTo(b.dhtKeys.publicKey());
    // each request is emitted once although B resends until A is online
    net.runUntil(() -> b.core.friendRequestSends(a.realKeys.publicKey()) >= 2, 60);
    assertThat(a.requests).hasSize(1);
    assertThat(a.core.count(Outcome.IGNORED)).isPositive();
  }

  @Test
  void friendRequestWithAnotherNospamIsDropped() {
    ClientNet net = new ClientNet(12);
    ClientNet.Client a = net.client(30001);
    ClientNet.Client b = net.client(30002);
    a.core.nospam(NOSPAM);
    net.runUntil(() -> a.core.announced() && b.core.announced(), 60);
    b.core.sendFriendRequest(a.realKeys.publicKey(), NOSPAM + 1, Bytes.ofUtf8("wrong nospam"));
    net.runUntil(() -> b.core.friendRequestSends(a.realKeys.publicKey()) >= 2, 60);
    assertThat(a.requests).isEmpty();
    assertThat(a.core.count(Outcome.IGNORED)).isPositive();
  }

  @Test
  void friendRequestResendsAfterFiveThenTenSecondsUntilOnline() {
    ClientNet net = new ClientNet(12);
    ClientNet.Client a = net.client(30001);
    ClientNet.Client b = net.client(30002);
    net.runUntil(() -> a.core.announced() && b.core.announced(), 60);
    b.core.sendFriendRequest(a.realKeys.publicKey(), NOSPAM, Bytes.ofUtf8("hi"));
    net.runUntil(() -> b.core.friendRequestSends(a.realKeys.publicKey()) == 1, 60);
    long first = net.now;
    net.runUntil(() -> b.core.friendRequestSends(a.realKeys.publicKey()) == 2, 30);
    long second = net.now;
    net.runUntil(() -> b.core.friendRequestSends(a.realKeys.publicKey()) == 3, 30);
    long third = net.now;
    // Messenger: lastsent + 5 < now, then the timeout doubles
    assertThat(second - first).isEqualTo(6000);
    assertThat(third - second).isEqualTo(11000);
    b.core.friendOnline(a.realKeys.publicKey(), true);
    assertThat(b.core.friendRequestSends(a.realKeys.publicKey())).isZero();
    assertThat(b.core.tracks(a.realKeys.publicKey())).isFalse();
  }

  @Test
  void tcpOnlyClientAnnouncesThroughARelayAndIsFound() {
    ClientNet net = new ClientNet(12);
    ClientNet.Client a = net.client(30001);
    a.udp = false;
    a.relays = List.of(net.nodeKey(0));
    for (PackedNode n : net.packedNodes().subList(1, 4)) {
      a.core.addBootstrapNode(n);
    }
    ClientNet.Client b = net.client(30002);
    net.runUntil(a.core::announced, 60);
    assertThat(a.core.udpConnected()).isFalse();

    b.core.sendFriendRequest(a.realKeys.publicKey(), NOSPAM, Bytes.ofUtf8("over TCP"));
    a.core.addFriend(b.realKeys.publicKey());
    b.core.addFriend(a.realKeys.publicKey());
    net.runUntil(() -> !a.requests.isEmpty() && !b.dhtPks.isEmpty() && !a.dhtPks.isEmpty(), 120);
    assertThat(a.requests.get(0).text()).isEqualTo("over TCP");
    assertThat(b.dhtPks.get(0).dhtKey()).isEqualTo(a.dhtKeys.publicKey());
  }

  @Test
  void dhtPkThroughTheDhtIsAcceptedOnlyFromTheDhtKeyItNames() {
    ClientNet net = new ClientNet(4);
    ClientNet.Client a = net.client(30001);
    ClientNet.Client b = net.client(30002);
    a.core.addFriend(b.realKeys.publicKey());
    byte[] payload = b.core.dhtPkRoutePayload(a.realKeys.publicKey(), net.now);

    assertThat(a.core.onDhtPkPacket(a.dhtKeys.publicKey(), payload, net.now))
        .isEqualTo(Outcome.UNAUTHENTIC);
    assertThat(a.core.onDhtPkPacket(b.dhtKeys.publicKey(), payload, net.now))
        .isEqualTo(Outcome.ACCEPTED);
    assertThat(a.dhtPks).hasSize(1);
    assertThat(a.dhtPks.get(0).dhtKey()).isEqualTo(b.dhtKeys.publicKey());
    // the same announcement again is a replay
    assertThat(a.core.onDhtPkPacket(b.dhtKeys.publicKey(), payload, net.now))
        .isEqualTo(Outcome.IGNORED);
    // a stranger's announcement is ignored
    ClientNet.Client c = net.client(30003);
    byte[] stranger = c.core.dhtPkRoutePayload(a.realKeys.publicKey(), net.now);
    assertThat(a.core.onDhtPkPacket(c.dhtKeys.publicKey(), stranger, net.now))
        .isEqualTo(Outcome.IGNORED);
    assertThat(a.core.onDhtPkPacket(c.dhtKeys.publicKey(), new byte[5], net.now))
        .isEqualTo(Outcome.MALFORMED);
  }

  @Test
  void lookedUpFriendGetsOurDhtPkThroughTheDhtOnceItsKeyIsKnown() {
    ClientNet net = new ClientNet(12);
    ClientNet.Client a = net.client(30001);
    ClientNet.Client b = net.client(30002);
    a.core.addFriend(b.realKeys.publicKey());
    b.core.addFriend(a.realKeys.publicKey());
    net.runUntil(() -> !a.dhtPks.isEmpty(), 90);
    net.runUntil(() -> !a.dhtRouted.isEmpty(), 30);
    Object[] sent = a.dhtRouted.get(0);
    assertThat(sent[0]).isEqualTo(b.dhtKeys.publicKey());
    assertThat(b.core.onDhtPkPacket(a.dhtKeys.publicKey(), (byte[]) sent[1], net.now))
        .isIn(Outcome.ACCEPTED, Outcome.IGNORED);
  }

  @Test
  void lookupStopsWhileTheFriendIsOnline() {
    ClientNet net = new ClientNet(12);
    ClientNet.Client a = net.client(30001);
    ClientNet.Client b = net.client(30002);
    b.core.addFriend(a.realKeys.publicKey());
    b.core.friendOnline(a.realKeys.publicKey(), true);
    net.runUntil(() -> a.core.announced() && b.core.announced(), 60);
    long before = net.delivered;
    for (int i = 0; i < 20; i++) {
      net.step();
    }
    assertThat(b.core.friendNodes(a.realKeys.publicKey(), net.now)).isZero();
    assertThat(net.delivered).isGreaterThan(before); // announcing goes on
  }

  @Test
  void garbageIsCountedNotThrown() {
    ClientNet net = new ClientNet(2);
    ClientNet.Client a = net.client(30001);
    IpPort from = ClientNet.ip(1);
    assertThat(a.core.onUdp(new byte[0], from, net.now)).isEqualTo(Outcome.MALFORMED);
    assertThat(a.core.onUdp(new byte[] {(byte) 0x84, 1, 2}, from, net.now))
        .isEqualTo(Outcome.MALFORMED);
    assertThat(a.core.onUdp(new byte[] {0x02}, from, net.now)).isEqualTo(Outcome.UNHANDLED);
    byte[] response = new byte[1 + 8 + 24 + 49];
    response[0] = (byte) 0x84;
    assertThat(a.core.onUdp(response, from, net.now)).isEqualTo(Outcome.UNAUTHENTIC);
    byte[] data = new byte[1 + 24 + 32 + 17 + 49];
    data[0] = (byte) 0x86;
    assertThat(a.core.onUdp(data, from, net.now)).isEqualTo(Outcome.UNAUTHENTIC);
  }

  @Test
  void friendRequestArgumentsAreChecked() {
    ClientNet net = new ClientNet(2);
    ClientNet.Client a = net.client(30001);
    assertThatThrownBy(
            () -> a.core.sendFriendRequest(a.realKeys.publicKey(), 1, Bytes.ofUtf8("me")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("own key");
    ClientNet.Client b = net.client(30002);
    assertThatThrownBy(() -> a.core.sendFriendRequest(b.realKeys.publicKey(), 1, Bytes.EMPTY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("message length");
    assertThatThrownBy(
            () -> a.core.sendFriendRequest(b.realKeys.publicKey(), 1, Bytes.of(new byte[1017])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1..1016");
  }
}
