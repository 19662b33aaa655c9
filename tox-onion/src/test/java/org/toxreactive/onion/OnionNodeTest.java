package org.toxreactive.onion;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.onion.OnionNode.Outcome;
import org.toxreactive.onion.packet.AnnouncePlain;
import org.toxreactive.onion.packet.AnnounceReply;
import org.toxreactive.onion.packet.AnnounceResponse;
import org.toxreactive.onion.packet.OnionDataResponse;
import org.toxreactive.onion.packet.OnionPacket;
import org.toxreactive.onion.packet.OnionPacketKind;
import org.toxreactive.onion.packet.OnionSizes;

/** The onion node on an in-memory network and virtual time (docs/protocol.md 13). */
class OnionNodeTest {
  static final IpPort N1 = OnionNet.ip(2001);
  static final IpPort N2 = OnionNet.ip(2002);
  static final IpPort N3 = OnionNet.ip(2003);
  static final IpPort D = OnionNet.ip(2004);
  static final IpPort ALICE = OnionNet.ip(3001);
  static final IpPort BOB = OnionNet.ip(3002);
  static final Bytes ZERO_PING = Bytes.of(new byte[32]);
  static final Bytes SENDBACK = Bytes.ofHex("0102030405060708");

  OnionNet net;
  List<PackedNode> dhtNodes;

  @BeforeEach
  void network() {
    net = new OnionNet();
    dhtNodes =
        List.of(
            PackedNode.udp(OnionNet.ip(4001), KeyPair.generate().publicKey()),
            PackedNode.udp(OnionNet.ip(4002), KeyPair.generate().publicKey()));
    net.dht = ClosestNodes.of(dhtNodes);
    for (IpPort n : List.of(N1, N2, N3, D)) {
      net.add(n);
    }
  }

  OnionPath path(KeyPair dhtKeys) {
    return OnionPath.create(dhtKeys, net.packed(N1), net.packed(N2), net.packed(N3));
  }

  PublicKey dKey() {
    return net.keys.get(D).publicKey();
  }

  /** Sends an announce through the 3-hop path; returns the decoded reply that came back. */
  AnnounceReply announce(
      OnionPath path, IpPort client, KeyPair sender, AnnouncePlain plain, boolean extended) {
    byte[] inner = OnionPath.announceRequest(sender, dKey(), plain, extended);
    net.send(path.wrap(D, inner), client, N1);
    net.run();
    List<OnionNet.Datagram> got = net.take(client);
    assertThat(got).as("responses for " + client).hasSize(1);
    assertThat(got.get(0).from()).isEqualTo(N1);
    OnionPacket p = OnionPacket.decode(Unpooled.wrappedBuffer(got.get(0).data()));
    assertThat(p).isInstanceOf(AnnounceResponse.class);
    AnnounceResponse r = (AnnounceResponse) p;
    assertThat(r.sendback()).isEqualTo(SENDBACK);
    AnnounceReply reply = OnionPath.openAnnounceResponse(sender, dKey(), r);
    assertThat(reply).as("reply opens").isNotNull();
    return reply;
  }

  @Test
  void announceThroughThreeHopsThenSearchThenDataComesBackAlongTheAnnouncersPath() {
    KeyPair alice = KeyPair.generate();
    KeyPair aliceData = KeyPair.generate();
    OnionPath alicePath = path(KeyPair.generate());

    // 1. first announce with a zero ping id: not stored, a ping id comes back, with DHT nodes
    AnnouncePlain first =
        new AnnouncePlain(
            ZERO_PING, alice.publicKey(), aliceData.publicKey(), SENDBACK, Bytes.EMPTY);
    AnnounceReply r1 = announce(alicePath, ALICE, alice, first, false);
    assertThat(r1.isStored()).isEqualTo(AnnounceReply.NOT_STORED);
    assertThat(r1.pingIdOrKey()).isNotEqualTo(ZERO_PING);
    assertThat(r1.nodes()).containsExactlyInAnyOrderElementsOf(dhtNodes);
    assertThat(net.nodes.get(D).announced(net.now)).isZero();

    // 2. with the ping id: stored
    AnnouncePlain second =
        new AnnouncePlain(
            r1.pingIdOrKey(), alice.publicKey(), aliceData.publicKey(), SENDBACK, Bytes.EMPTY);
    AnnounceReply r2 = announce(alicePath, ALICE, alice, second, false);
    assertThat(r2.isStored()).isEqualTo(AnnounceReply.STORED);
    assertThat(net.nodes.get(D).announced(net.now)).isEqualTo(1);

    // 3. Bob searches for Alice with a temporary key (0x87 without extra data: counted reply)
    KeyPair bobTemp = KeyPair.generate();
    OnionPath bobPath = path(KeyPair.generate());
    AnnouncePlain search =
        new AnnouncePlain(
            ZERO_PING, alice.publicKey(), KeyPair.generate().publicKey(), SENDBACK, Bytes.EMPTY);
    AnnounceReply r3 = announce(bobPath, BOB, bobTemp, search, true);
    assertThat(r3.isStored()).isEqualTo(AnnounceReply.FOUND);
    assertThat(r3.pingIdOrKey()).isEqualTo(Bytes.of(aliceData.publicKey().toArray()));

    // 4. Bob sends data to Alice through D; it reaches Alice's address as a bare 0x86
    byte[] secret = "hello alice".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] data = OnionPath.dataRequest(alice.publicKey(), aliceData.publicKey(), secret);
    net.send(bobPath.wrap(D, data), BOB, N1);
    net.run();
    assertThat(net.take(BOB)).isEmpty();
    List<OnionNet.Datagram> atAlice = net.take(ALICE);
    assertThat(atAlice).hasSize(1);
    OnionDataResponse resp =
        (OnionDataResponse) OnionPacket.decode(Unpooled.wrappedBuffer(atAlice.get(0).data()));
    byte[] opened =
        new CryptoBox()
            .open(
                CryptoBox.beforenm(resp.sender(), aliceData.secretKey()),
                resp.nonce(),
                resp.encrypted().toArray());
    assertThat(opened).isEqualTo(secret);
    assertThat(net.nodes.get(D).count(Outcome.DELIVERED)).isEqualTo(1);

    // 5. after the 300 s entry timeout the data finds nobody
    net.now += AnnounceStore.DEFAULT_TIMEOUT_MILLIS;
    net.send(bobPath.wrap(D, data), BOB, N1);
    net.run();
    assertThat(net.take(ALICE)).isEmpty();
    assertThat(net.nodes.get(D).count(Outcome.UNKNOWN_DESTINATION)).isEqualTo(1);
  }

  @Test
  void aPingIdFromThePreviousWindowIsAcceptedButNotOlder() {
    KeyPair alice = KeyPair.generate();
    OnionPath p = path(KeyPair.generate());
    AnnouncePlain first =
        new AnnouncePlain(ZERO_PING, alice.publicKey(), alice.publicKey(), SENDBACK, Bytes.EMPTY);
    Bytes ping = announce(p, ALICE, alice, first, false).pingIdOrKey();
    AnnouncePlain again =
        new AnnouncePlain(ping, alice.publicKey(), alice.publicKey(), SENDBACK, Bytes.EMPTY);
    net.now += OnionNode.PING_WINDOW_MILLIS; // next window: previous one still accepted
    assertThat(announce(p, ALICE, alice, again, false).isStored()).isEqualTo(AnnounceReply.STORED);
    net.now += 2 * OnionNode.PING_WINDOW_MILLIS; // two windows later: refused
    assertThat(announce(p, ALICE, alice, again, false).isStored())
        .isEqualTo(AnnounceReply.NOT_STORED);
  }

  @Test
  void withoutAValidPingIdTheReplySaysWhetherTheStoredDataKeyIsTheOneGiven() {
    KeyPair alice = KeyPair.generate();
    KeyPair data = KeyPair.generate();
    OnionPath p = path(KeyPair.generate());
    AnnouncePlain first =
        new AnnouncePlain(ZERO_PING, alice.publicKey(), data.publicKey(), SENDBACK, Bytes.EMPTY);
    Bytes ping = announce(p, ALICE, alice, first, false).pingIdOrKey();
    AnnouncePlain store =
        new AnnouncePlain(ping, alice.publicKey(), data.publicKey(), SENDBACK, Bytes.EMPTY);
    assertThat(announce(p, ALICE, alice, store, false).isStored()).isEqualTo(AnnounceReply.STORED);
    // zero ping id, own key searched: the stored entry is found and its data key compared
    assertThat(announce(p, ALICE, alice, first, false).isStored()).isEqualTo(AnnounceReply.STORED);
    AnnouncePlain otherData =
        new AnnouncePlain(
            ZERO_PING, alice.publicKey(), KeyPair.generate().publicKey(), SENDBACK, Bytes.EMPTY);
    AnnounceReply r = announce(p, ALICE, alice, otherData, false);
    assertThat(r.isStored()).isEqualTo(AnnounceReply.NOT_STORED);
    assertThat(r.pingIdOrKey()).isEqualTo(ping); // a fresh ping id (same window, same source)
  }

  @Test
  void returnPathsDieWhenTheSecretIsReplacedAfterTwoHours() {
    OnionNode n1 = net.nodes.get(N1);
    // node 1 alone: capture its 0x81 (node 2 is a plain address here) and answer it with a 0x8E
    net.nodes.remove(N2);
    KeyPair alice = KeyPair.generate();
    byte[] inner =
        OnionPath.announceRequest(
            alice,
            dKey(),
            new AnnouncePlain(
                ZERO_PING, alice.publicKey(), alice.publicKey(), SENDBACK, Bytes.EMPTY),
            false);
    net.send(path(KeyPair.generate()).wrap(D, inner), ALICE, N1);
    net.run();
    List<OnionNet.Datagram> toN2 = net.take(N2);
    assertThat(toN2).hasSize(1);
    byte[] send1 = toN2.get(0).data();
    assertThat(send1[0]).isEqualTo((byte) 0x81);
    byte[] return1 = Arrays.copyOfRange(send1, send1.length - OnionSizes.RETURN_1, send1.length);
    byte[] recv1 = new byte[1 + OnionSizes.RETURN_1 + 90];
    recv1[0] = (byte) 0x8E;
    System.arraycopy(return1, 0, recv1, 1, OnionSizes.RETURN_1);
    recv1[1 + OnionSizes.RETURN_1] = (byte) 0x84;

    net.now += OnionNode.Limits.DEFAULT.secretRefreshMillis() - 1;
    assertThat(n1.onUdp(recv1, N2, net.now)).isEqualTo(Outcome.DELIVERED);
    assertThat(net.queue.poll().to()).isEqualTo(ALICE);
    net.now += 1; // 2 h after creation: a new secret, and c-toxcore keeps no old one
    assertThat(n1.onUdp(recv1, N2, net.now)).isEqualTo(Outcome.UNAUTHENTIC);
    assertThat(net.queue).isEmpty();
  }

  /** An announce sent straight to D as if from node 3 (RETURN_3 is opaque to D). */
  Outcome directAnnounce(OnionNode d, KeyPair sender, Bytes ping, IpPort from) {
    byte[] inner =
        OnionPath.announceRequest(
            sender,
            d.publicKey(),
            new AnnouncePlain(ping, sender.publicKey(), sender.publicKey(), SENDBACK, Bytes.EMPTY),
            false);
    byte[] p = Arrays.copyOf(inner, inner.length + OnionSizes.RETURN_3);
    return d.onUdp(p, from, net.now);
  }

  Bytes pingFromLastReply(KeyPair sender, OnionNode d) {
    OnionNet.Datagram out = net.queue.pollLast();
    net.queue.clear();
    byte[] resp = Arrays.copyOfRange(out.data(), 1 + OnionSizes.RETURN_3, out.data().length);
    AnnounceResponse r = (AnnounceResponse) OnionPacket.decode(Unpooled.wrappedBuffer(resp));
    return OnionPath.openAnnounceResponse(sender, d.publicKey(), r).pingIdOrKey();
  }

  @Test
  void aFullStoreKeepsTheKeysClosestToOurs() {
    net.limits = new OnionNode.Limits(3, 300_000, 7_200_000, 64, 1e6, 1_000_000, 64, 16);
    IpPort at = OnionNet.ip(2100);
    OnionNode d = net.add(at);
    IpPort node3 = OnionNet.ip(2200);
    List<KeyPair> senders = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      senders.add(KeyPair.generate());
    }
    for (KeyPair s : senders) {
      assertThat(directAnnounce(d, s, ZERO_PING, node3)).isEqualTo(Outcome.ANSWERED);
      Bytes ping = pingFromLastReply(s, d);
      assertThat(directAnnounce(d, s, ping, node3)).isEqualTo(Outcome.ANSWERED);
      net.queue.clear();
    }
    assertThat(d.announced(net.now)).isEqualTo(3);
    List<KeyPair> closest =
        senders.stream()
            .sorted((a, b) -> Distance.compare(d.publicKey(), a.publicKey(), b.publicKey()))
            .limit(3)
            .toList();
    // the three closest keys are the ones found; a farther one is not
    for (KeyPair s : senders) {
      KeyPair searcher = KeyPair.generate();
      byte[] inner =
          OnionPath.announceRequest(
              searcher,
              d.publicKey(),
              new AnnouncePlain(
                  ZERO_PING, s.publicKey(), searcher.publicKey(), SENDBACK, Bytes.EMPTY),
              false);
      d.onUdp(Arrays.copyOf(inner, inner.length + OnionSizes.RETURN_3), node3, net.now);
      OnionNet.Datagram out = net.queue.pollLast();
      byte[] resp = Arrays.copyOfRange(out.data(), 1 + OnionSizes.RETURN_3, out.data().length);
      AnnounceReply reply =
          OnionPath.openAnnounceResponse(
              searcher,
              d.publicKey(),
              (AnnounceResponse) OnionPacket.decode(Unpooled.wrappedBuffer(resp)));
      assertThat(reply.isStored() == AnnounceReply.FOUND)
          .as("found " + s.publicKey())
          .isEqualTo(closest.contains(s));
    }
    // timed-out entries make room again
    net.now += 300_000;
    assertThat(d.announced(net.now)).isZero();
  }

  @Test
  void groupAnnouncesAreStoredAndReturnedToOtherPeersOfTheSameChat() {
    byte[] chat = new byte[32];
    new Random(7).nextBytes(chat);
    KeyPair alice = KeyPair.generate();
    KeyPair bob = KeyPair.generate();
    OnionPath p = path(KeyPair.generate());
    AnnounceReply ra = announce(p, ALICE, alice, groupPlain(chat, alice, 33445), true);
    assertThat(ra.extra().length()).as("no other peer yet").isZero();
    AnnounceReply rb = announce(p, ALICE, bob, groupPlain(chat, bob, 33446), true);
    // Bob gets Alice's announce: peer key, IP set, no relay, 127.0.0.1:33445
    byte[] expected = new byte[32 + 2 + 7];
    alice.publicKey().copyTo(expected, 0);
    expected[32] = 1;
    expected[33] = 0;
    byte[] ip = {2, 127, 0, 0, 1, (byte) 0x82, (byte) 0xA5};
    System.arraycopy(ip, 0, expected, 34, 7);
    assertThat(rb.extra().toArray()).isEqualTo(expected);
    // 30 s without announces: the chat is forgotten
    net.now += GroupAnnounceStore.TIMEOUT_MILLIS;
    KeyPair carol = KeyPair.generate();
    assertThat(announce(p, ALICE, carol, groupPlain(chat, carol, 1), true).extra().length())
        .isZero();
  }

  static AnnouncePlain groupPlain(byte[] chat, KeyPair peer, int port) {
    byte[] extra = new byte[32 + 32 + 2 + 7];
    System.arraycopy(chat, 0, extra, 0, 32);
    peer.publicKey().copyTo(extra, 32);
    extra[64] = 1;
    extra[65] = 0;
    byte[] ip = {2, 127, 0, 0, 1, (byte) (port >> 8), (byte) port};
    System.arraycopy(ip, 0, extra, 66, 7);
    return new AnnouncePlain(
        ZERO_PING, peer.publicKey(), peer.publicKey(), SENDBACK, Bytes.of(extra));
  }

  @Test
  void aRelayClientsOnionRequestAndForwardRequestComeBackToThatClient() {
    // node 1 is "our relay": the TCP client's hop-1 plaintext goes straight to onTcpOnionRequest
    OnionNode relay = net.nodes.get(N1);
    KeyPair alice = KeyPair.generate();
    OnionPath p = path(KeyPair.generate());
    byte[] inner =
        OnionPath.announceRequest(
            alice,
            dKey(),
            new AnnouncePlain(
                ZERO_PING, alice.publicKey(), alice.publicKey(), SENDBACK, Bytes.EMPTY),
            false);
    Nonce nonce = Nonce.random();
    assertThat(relay.onTcpOnionRequest(42, nonce, p.wrapForRelay(nonce, D, inner), net.now))
        .isEqualTo(Outcome.FORWARDED);
    net.run();
    assertThat(net.tcp).hasSize(1);
    assertThat(net.tcp.get(0).clientId()).isEqualTo(42);
    assertThat(net.tcp.get(0).forwarding()).isFalse();
    assertThat(net.tcp.get(0).data()[0]).isEqualTo((byte) 0x84);

    // forwarding: TCP 10 -> 0x91 to X; X's 0x92 reply -> TCP 11 for the same client
    IpPort x = OnionNet.ip(5000);
    byte[] data = {9, 8, 7};
    assertThat(relay.onTcpForwardRequest(43, x, data, net.now)).isEqualTo(Outcome.FORWARDED);
    net.run();
    byte[] fwd = net.take(x).get(0).data();
    assertThat(fwd[0]).isEqualTo((byte) 0x91);
    int n = fwd[1] & 0xFF;
    assertThat(n).isEqualTo(45);
    byte[] reply = new byte[2 + n + 2];
    reply[0] = (byte) 0x92;
    reply[1] = (byte) n;
    System.arraycopy(fwd, 2, reply, 2, n);
    reply[2 + n] = 5;
    reply[3 + n] = 6;
    net.now += OnionNode.SENDBACK_WINDOW_MILLIS; // previous window still valid
    assertThat(relay.onUdp(reply, x, net.now)).isEqualTo(Outcome.DELIVERED);
    assertThat(net.tcp.get(1).clientId()).isEqualTo(43);
    assertThat(net.tcp.get(1).data()).containsExactly(5, 6);
    reply[5] ^= 1; // forged HMAC
    assertThat(relay.onUdp(reply, x, net.now)).isEqualTo(Outcome.UNAUTHENTIC);
  }

  @Test
  void forwardRequestGoesToTheCloseListNodeAndItsReplyBackToTheRequester() {
    IpPort target = dhtNodes.get(0).ipPort();
    OnionNode node = net.nodes.get(N1);
    byte[] req = new byte[33 + 4];
    req[0] = (byte) 0x90;
    dhtNodes.get(0).key().copyTo(req, 1);
    req[33] = 0x11;
    assertThat(node.onUdp(req, ALICE, net.now)).isEqualTo(Outcome.FORWARDED);
    net.run();
    byte[] fwd = net.take(target).get(0).data();
    int n = fwd[1] & 0xFF;
    assertThat(n).isEqualTo(32 + 1 + 7); // HMAC ‖ SENDBACK_IPPORT ‖ packed IPv4 source
    assertThat(Arrays.copyOfRange(fwd, 2 + n, fwd.length)).containsExactly(0x11, 0, 0, 0);
    byte[] reply = new byte[2 + n + 1];
    reply[0] = (byte) 0x92;
    reply[1] = (byte) n;
    System.arraycopy(fwd, 2, reply, 2, n);
    reply[2 + n] = 0x22;
    assertThat(node.onUdp(reply, target, net.now)).isEqualTo(Outcome.DELIVERED);
    net.run();
    assertThat(net.take(ALICE).get(0).data()).containsExactly(0x91, 0, 0x22);
    // unknown key: dropped
    req[1] ^= 1;
    assertThat(node.onUdp(req, ALICE, net.now)).isEqualTo(Outcome.UNKNOWN_DESTINATION);
  }

  @Test
  void malformedOversizedAndForgedInputIsDroppedWithoutOutput() {
    OnionNode node = net.nodes.get(N1);
    Random rnd = new Random(1);
    int[] ids = {0x80, 0x81, 0x82, 0x83, 0x85, 0x87, 0x8C, 0x8D, 0x8E, 0x90, 0x91, 0x92};
    for (int id : ids) {
      for (int len : new int[] {1, 2, 60, 120, 200, 322, 400, 1400, 1401, 3000}) {
        byte[] p = new byte[len];
        rnd.nextBytes(p);
        p[0] = (byte) id;
        int responseAt = id == 0x8C ? 178 : id == 0x8D ? 119 : 60;
        if ((id == 0x8C || id == 0x8D || id == 0x8E) && len > responseAt) {
          p[responseAt] = (byte) 0x84; // get past the inner-id check to the return block
        }
        Outcome o = node.onUdp(p, ALICE, net.now);
        assertThat(o)
            .as("id %x length %d", id, len)
            .isIn(
                Outcome.MALFORMED,
                Outcome.UNAUTHENTIC,
                Outcome.BAD_INNER_ID,
                Outcome.UNKNOWN_DESTINATION,
                Outcome.UNSUPPORTED);
      }
    }
    assertThat(net.queue).isEmpty();
    assertThat(node.onUdp(new byte[] {0x02}, ALICE, net.now)).isEqualTo(Outcome.UNHANDLED);
  }

  @Test
  void aFloodingSourceIsRateLimitedAndRecovers() {
    net.limits = new OnionNode.Limits(160, 300_000, 7_200_000, 64, 10, 20, 64, 16);
    OnionNode node = net.add(OnionNet.ip(2300));
    byte[] junk = new byte[300];
    junk[0] = (byte) 0x80;
    for (int i = 0; i < 20; i++) {
      assertThat(node.onUdp(junk, ALICE, net.now)).isEqualTo(Outcome.UNAUTHENTIC);
    }
    assertThat(node.onUdp(junk, ALICE, net.now)).isEqualTo(Outcome.RATE_LIMITED);
    assertThat(node.onUdp(junk, OnionNet.ip(1), net.now))
        .as("same address, other port: same bucket")
        .isEqualTo(Outcome.RATE_LIMITED);
    assertThat(node.onUdpFromSelf(junk, OnionNet.ip(1), net.now))
        .as("the node's own datagrams are not limited")
        .isEqualTo(Outcome.UNAUTHENTIC);
    net.now += 1000; // 10 tokens back
    for (int i = 0; i < 10; i++) {
      assertThat(node.onUdp(junk, ALICE, net.now)).isEqualTo(Outcome.UNAUTHENTIC);
    }
    assertThat(node.onUdp(junk, ALICE, net.now)).isEqualTo(Outcome.RATE_LIMITED);
  }

  @Test
  void theKindsTheNodeHandles() {
    assertThat(OnionNode.handles(0x80)).isTrue();
    assertThat(OnionNode.handles(0x8E)).isTrue();
    assertThat(OnionNode.handles(0x92)).isTrue();
    assertThat(OnionNode.handles(0x93)).isTrue();
    assertThat(OnionNode.handles(0x98)).isTrue();
    assertThat(OnionNode.handles(0x99)).isFalse();
    assertThat(OnionNode.handles(0x89)).isFalse();
    assertThat(OnionPacketKind.ofId(0x89)).isNull();
  }
}
