package org.toxreactive.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.dht.packet.BootstrapInfo;
import org.toxreactive.dht.packet.CryptoRequest;
import org.toxreactive.dht.packet.DhtMessage;
import org.toxreactive.dht.packet.DhtPacketKind;
import org.toxreactive.dht.packet.NodesRequest;
import org.toxreactive.dht.packet.NodesResponse;
import org.toxreactive.dht.packet.PingRequest;
import org.toxreactive.dht.packet.PingResponse;

/** The DHT core on virtual time: lists, timeouts, answers, routing, limits. */
class DhtCoreTest {
  private final SimNet net = new SimNet(42);
  private final List<SimNet.Packet> sent = new ArrayList<>();
  private static final DhtConfig PLAIN = DhtConfig.defaults().withTrackedRandomKeys(0);

  @AfterEach
  void release() {
    net.close();
    for (SimNet.Packet p : sent) {
      p.data().release();
    }
  }

  /** A core whose output is recorded in {@link #sent} (not delivered). */
  private DhtCore recording(KeyPair keys, DhtConfig config) {
    return new DhtCore(
        keys,
        config,
        (packet, to) -> sent.add(new SimNet.Packet(packet, null, to)),
        new java.util.SplittableRandom(7),
        net.now);
  }

  private List<SimNet.Packet> sentTo(IpPort to, DhtPacketKind kind) {
    List<SimNet.Packet> r = new ArrayList<>();
    for (SimNet.Packet p : sent) {
      if (p.to().equals(to) && p.data().getUnsignedByte(0) == kind.id()) {
        r.add(p);
      }
    }
    return r;
  }

  @Test
  void twoNodesLearnEachOtherFromOneBootstrap() {
    IpPort a = SimNet.address(1, 0, 0, 1, 33445);
    IpPort b = SimNet.address(1, 0, 0, 2, 33445);
    DhtCore ca = net.add(a, KeyPair.generate(), PLAIN);
    DhtCore cb = net.add(b, KeyPair.generate(), PLAIN);
    cb.bootstrap(a, ca.publicKey(), net.now);
    net.deliver();
    assertThat(cb.closeList().keys()).isEmpty(); // A knew nobody: a 0-node answer adds nothing
    net.advance(4_000);
    assertThat(ca.closeList().keys()).containsExactly(cb.publicKey());
    assertThat(cb.closeList().keys()).containsExactly(ca.publicKey());
    assertThat(ca.stats().closeListSize()).isEqualTo(1);
  }

  @Test
  void aThirdNodeFindsTheSecondThroughTheFirst() {
    IpPort a = SimNet.address(1, 0, 0, 1, 1);
    IpPort b = SimNet.address(1, 0, 0, 2, 1);
    IpPort c = SimNet.address(1, 0, 0, 3, 1);
    DhtCore ca = net.add(a, KeyPair.generate(), DhtConfig.defaults());
    DhtCore cb = net.add(b, KeyPair.generate(), DhtConfig.defaults());
    DhtCore cc = net.add(c, KeyPair.generate(), DhtConfig.defaults());
    cb.bootstrap(a, ca.publicKey(), net.now);
    cc.bootstrap(a, ca.publicKey(), net.now);
    net.advance(30_000);
    assertThat(cb.closeList().keys()).contains(ca.publicKey(), cc.publicKey());
    assertThat(cc.closeList().keys()).contains(ca.publicKey(), cb.publicKey());
  }

  @Test
  void nodesResponseHoldsTheFourClosestGoodNodesAndEchoesThePingId() {
    KeyPair self = KeyPair.generate();
    DhtCore core = recording(self, PLAIN);
    List<TestPeer> known = fill(core, 12, 1);
    TestPeer asker = new TestPeer(SimNet.address(1, 9, 9, 9, 5));
    PublicKey target = KeyPair.generate().publicKey();
    sent.clear();
    ByteBuf req = asker.nodesRequest(self.publicKey(), target, 0x1122334455667788L);
    core.receive(req, asker.address, net.now);
    req.release();
    List<SimNet.Packet> answers = sentTo(asker.address, DhtPacketKind.NODES_RESPONSE);
    assertThat(answers).hasSize(1);
    NodesResponse r = (NodesResponse) asker.open(answers.get(0).data());
    assertThat(r.pingId()).isEqualTo(0x1122334455667788L);
    List<PublicKey> expected =
        known.stream()
            .map(TestPeer::key)
            .sorted((x, y) -> Distance.compare(target, x, y))
            .limit(4)
            .toList();
    assertThat(r.nodes()).extracting(PackedNode::key).containsExactlyElementsOf(expected);
    assertThat(r.nodes()).allSatisfy(n -> assertThat(n.tcp()).isFalse());
  }

  @Test
  void lanNodesGoOnlyToLanRequestersAndBadNodesToNobody() {
    KeyPair self = KeyPair.generate();
    DhtCore core = recording(self, PLAIN);
    List<TestPeer> lan = fill(core, 2, 10); // 10.x: LAN
    PublicKey target = lan.get(0).key();
    TestPeer wan = new TestPeer(SimNet.address(1, 2, 3, 4, 5));
    TestPeer local = new TestPeer(SimNet.address(10, 2, 3, 4, 5));
    sent.clear();
    ask(core, wan, self.publicKey(), target);
    ask(core, local, self.publicKey(), target);
    assertThat(nodesTo(wan)).isEmpty();
    assertThat(nodesTo(local)).extracting(PackedNode::key).contains(target);
    // 122 s without an answer: bad, no longer given out (the node's own pings go unanswered)
    net.now += DhtTimers.BAD_NODE_TIMEOUT;
    sent.clear();
    ask(core, local, self.publicKey(), target);
    assertThat(nodesTo(local)).isEmpty();
  }

  /** The 0x93 the core sent {@code p} (its plaintext: random key ‖ ping id), or null. */
  private byte[] announcePingTo(TestPeer p) {
    for (SimNet.Packet s : sent) {
      if (s.to().equals(p.address) && s.data().getUnsignedByte(0) == 0x93) {
        byte[] all = ByteBufUtil.getBytes(s.data());
        assertThat(all).hasSize(1 + 32 + 24 + 40 + 16); // 113, as c-toxcore's
        PublicKey from = PublicKey.of(java.util.Arrays.copyOfRange(all, 1, 33));
        byte[] plain =
            p.box.open(
                CryptoBox.beforenm(from, p.keys.secretKey()),
                Nonce.of(java.util.Arrays.copyOfRange(all, 33, 57)),
                java.util.Arrays.copyOfRange(all, 57, all.length));
        assertThat(plain).as("the announce ping authenticates").hasSize(40);
        return plain;
      }
    }
    return null;
  }

  /** A 0x94 from {@code p}: a search reply of {@code replyLen} bytes ending with {@code echo}. */
  private static ByteBuf announcePong(TestPeer p, PublicKey to, int replyLen, byte[] echo) {
    byte[] plain = new byte[replyLen + 8];
    System.arraycopy(echo, 0, plain, replyLen, 8);
    return org.toxreactive.dht.packet.DhtEnvelope.seal(
        p.box,
        DhtPacketKind.DATA_SEARCH_RESPONSE,
        p.key(),
        CryptoBox.beforenm(to, p.keys.secretKey()),
        Nonce.random(),
        plain);
  }

  @Test
  void onlyNodesThatAnsweredOurAnnouncePingAreAnnounceNodes() {
    KeyPair self = KeyPair.generate();
    DhtCore core = recording(self, PLAIN);
    TestPeer answers = new TestPeer(SimNet.address(1, 0, 0, 1, 33445));
    TestPeer silent = new TestPeer(SimNet.address(1, 0, 0, 2, 33445));
    TestPeer liar = new TestPeer(SimNet.address(1, 0, 0, 3, 33445));
    byte[][] pings = new byte[3][];
    TestPeer[] peers = {answers, silent, liar};
    for (int i = 0; i < 3; i++) {
      assertThat(admit(core, peers[i])).isTrue();
      pings[i] = announcePingTo(peers[i]);
      assertThat(pings[i]).as("a 0x93 to each node added to the close list").isNotNull();
    }
    assertThat(core.stats().announcePingsSent()).isEqualTo(3);
    PublicKey target = KeyPair.generate().publicKey();
    assertThat(core.closestNodes(target, false, net.now)).hasSize(3);
    assertThat(core.closestAnnounceNodes(target, false, net.now)).isEmpty();

    // a real answer: a search reply (data key, flags, token, nodes: 100 bytes here) + our echo
    byte[] echo = java.util.Arrays.copyOfRange(pings[0], 32, 40);
    ByteBuf ok = announcePong(answers, self.publicKey(), 100, echo);
    core.receive(ok, answers.address, net.now);
    ok.release();
    // the liar echoes the first peer's ping id (not its own): refused, as c-toxcore checks the key
    ByteBuf stolen = announcePong(liar, self.publicKey(), 32, echo);
    core.receive(stolen, liar.address, net.now);
    stolen.release();
    // and a reused id is refused too (each id is taken once)
    ByteBuf again = announcePong(answers, self.publicKey(), 32, echo);
    core.receive(again, answers.address, net.now);
    again.release();
    assertThat(core.stats().dropped(DhtDrop.UNSOLICITED)).isEqualTo(2);
    assertThat(core.closestAnnounceNodes(target, false, net.now))
        .extracting(PackedNode::key)
        .containsExactly(answers.key());
    assertThat(core.closeList().find(answers.key()).announceNode()).isTrue();
    assertThat(core.closeList().find(silent.key()).announceNode()).isFalse();
    assertThat(core.stats().received(DhtPacketKind.DATA_SEARCH_RESPONSE)).isEqualTo(3);

    // a too-short 0x94 (no room for an echo) is malformed
    ByteBuf shortOne = announcePong(silent, self.publicKey(), 31, new byte[8]);
    core.receive(shortOne, silent.address, net.now);
    shortOne.release();
    assertThat(core.stats().dropped(DhtDrop.MALFORMED)).isEqualTo(1);

    // gone bad: no longer listed (an announce node must be a good node)
    net.now += DhtTimers.BAD_NODE_TIMEOUT;
    assertThat(core.closestAnnounceNodes(target, false, net.now)).isEmpty();
  }

  @Test
  void aDhtNodeWithoutAnOnionNodeIgnoresAnnounceRequestsAsAnnounceOffNotMalformed() {
    // a real 0x93: the announce ping a node sends to each node it adds to its close list
    KeyPair self = KeyPair.generate();
    DhtCore pinger = recording(self, PLAIN);
    TestPeer peer = new TestPeer(SimNet.address(1, 0, 0, 1, 33445));
    assertThat(admit(pinger, peer)).isTrue();
    ByteBuf ping = null;
    for (SimNet.Packet s : sent) {
      if (s.to().equals(peer.address) && s.data().getUnsignedByte(0) == 0x93) {
        ping = s.data().retainedDuplicate();
      }
    }
    assertThat(ping).as("the node announce-pinged the node it stored").isNotNull();

    // the pinged node is one of ours with no onion node on its socket (DhtNode, the simulation)
    List<SimNet.Packet> out = new ArrayList<>();
    DhtCore alone =
        new DhtCore(
            peer.keys,
            PLAIN,
            (packet, to) -> out.add(new SimNet.Packet(packet, null, to)),
            new java.util.SplittableRandom(3),
            net.now);
    IpPort from = SimNet.address(1, 0, 0, 9, 33445);
    alone.receive(ping, from, net.now);
    ping.release();
    // retrieve (0x95) and store (0x97) requests: the same module, the same answer
    for (int id : new int[] {0x95, 0x97}) {
      ByteBuf other = Unpooled.buffer().writeByte(id).writeZero(112);
      alone.receive(other, from, net.now);
      other.release();
    }
    ByteBuf unknown = Unpooled.buffer().writeByte(0x55).writeZero(112);
    alone.receive(unknown, from, net.now);
    unknown.release();
    try {
      assertThat(out)
          .as("nothing is answered (no 0x94), as c-toxcore without announce.c")
          .isEmpty();
      assertThat(alone.stats().dropped(DhtDrop.ANNOUNCE_OFF)).isEqualTo(3);
      assertThat(alone.stats().dropped(DhtDrop.MALFORMED))
          .as("only the id no module has is malformed")
          .isEqualTo(1);
      assertThat(DhtDrop.ANNOUNCE_OFF.tag()).isEqualTo("announce_off");
    } finally {
      for (SimNet.Packet p : out) {
        p.data().release();
      }
    }
  }

  @Test
  void theRandomGoodNodeIsPickedAsCToxcorePicksItFavouringTheEndOfTheList() {
    // c-toxcore: i = uniform(n); if (i != n - 1) i += uniform(n - (i + 1)). For n = 3 that gives
    // index 0 with 1/6, 1 with 1/2, 2 with 1/3 (a uniform pick: 1/3 each)
    java.util.SplittableRandom random = new java.util.SplittableRandom(11);
    int draws = 60_000;
    int[] count = new int[3];
    for (int d = 0; d < draws; d++) {
      count[DhtCore.randomGoodIndex(random, 3)]++;
    }
    assertThat(count[0] / (double) draws)
        .isCloseTo(1 / 6.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(count[1] / (double) draws)
        .isCloseTo(1 / 2.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(count[2] / (double) draws)
        .isCloseTo(1 / 3.0, org.assertj.core.data.Offset.offset(0.01));
    // one node: always it; over 100 slots, the mean index is near three quarters of the list
    assertThat(DhtCore.randomGoodIndex(random, 1)).isZero();
    long sum = 0;
    for (int d = 0; d < draws; d++) {
      int i = DhtCore.randomGoodIndex(random, 100);
      assertThat(i).isBetween(0, 99);
      sum += i;
    }
    assertThat(sum / (double) draws).isBetween(72.0, 76.0);
  }

  private void ask(DhtCore core, TestPeer p, PublicKey to, PublicKey target) {
    ByteBuf req = p.nodesRequest(to, target, 1);
    core.receive(req, p.address, net.now);
    req.release();
  }

  private List<PackedNode> nodesTo(TestPeer p) {
    List<SimNet.Packet> answers = sentTo(p.address, DhtPacketKind.NODES_RESPONSE);
    assertThat(answers).hasSize(1);
    DhtMessage m = p.open(answers.get(0).data());
    return ((NodesResponse) m).nodes();
  }

  /**
   * Puts {@code n} peers at {@code firstOctet}.0.0.i into the core's close list by having each
   * answer the core's ping (the only way in). Returns the peers that got in.
   */
  private List<TestPeer> fill(DhtCore core, int n, int firstOctet) {
    List<TestPeer> in = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      TestPeer p = new TestPeer(SimNet.address(firstOctet, 0, 0, i + 1, 33445));
      if (admit(core, p)) {
        in.add(p);
      }
    }
    return in;
  }

  /** The peer pings the core, the core pings back on its next ping round, the peer answers. */
  private boolean admit(DhtCore core, TestPeer p) {
    sent.clear();
    ByteBuf ping = p.ping(core.publicKey(), 99);
    core.receive(ping, p.address, net.now);
    ping.release();
    net.now += DhtTimers.TIME_TO_PING;
    core.tick(net.now);
    for (SimNet.Packet s : List.copyOf(sent)) {
      if (s.to().equals(p.address)
          && s.data().getUnsignedByte(0) == DhtPacketKind.PING_REQUEST.id()) {
        PingRequest req = (PingRequest) p.open(s.data());
        ByteBuf resp = p.seal(new PingResponse(req.pingId()), core.publicKey());
        core.receive(resp, p.address, net.now);
        resp.release();
      }
    }
    return core.closeList().find(p.key()) != null;
  }

  @Test
  void aFullBucketOfGoodNodesKeepsThemUntilTheyGoBad() {
    KeyPair self = KeyPair.generate();
    DhtCore core = recording(self, PLAIN);
    // Keys whose first bit differs from ours all land in bucket 0.
    List<TestPeer> bucket0 = new ArrayList<>();
    int i = 0;
    while (bucket0.size() < DhtTimers.BUCKET_SIZE + 1) {
      TestPeer p = new TestPeer(SimNet.address(1, 1, 0, ++i, 1));
      if (core.closeList().bucketOf(p.key()) == 0) {
        bucket0.add(p);
      }
    }
    for (TestPeer p : bucket0.subList(0, DhtTimers.BUCKET_SIZE)) {
      assertThat(admit(core, p)).isTrue();
    }
    TestPeer late = bucket0.get(DhtTimers.BUCKET_SIZE);
    assertThat(core.closeList().addable(late.key(), net.now)).isFalse();
    assertThat(admit(core, late)).isFalse();
    // once the oldest has not answered for 122 s its slot is free again
    net.now += DhtTimers.BAD_NODE_TIMEOUT;
    assertThat(core.closeList().addable(late.key(), net.now)).isTrue();
    assertThat(admit(core, late)).isTrue();
    assertThat(core.closeList().size()).isEqualTo(DhtTimers.BUCKET_SIZE);
  }

  @Test
  void aSilentNodeIsAskedEveryMinuteUntilTheKillTimeout() {
    KeyPair self = KeyPair.generate();
    DhtCore core = recording(self, PLAIN);
    List<TestPeer> two = fill(core, 2, 1);
    TestPeer silent = two.get(0);
    TestPeer alive = two.get(1);
    PackedNode someone =
        PackedNode.udp(SimNet.address(1, 7, 7, 7, 7), KeyPair.generate().publicKey());
    long joined = net.now;
    List<Long> asked = new ArrayList<>();
    for (long t = joined; t <= joined + 400_000; t += 1_000) {
      sent.clear();
      core.tick(t);
      if (!sentTo(silent.address, DhtPacketKind.NODES_REQUEST).isEmpty()) {
        asked.add((t - joined) / 1000);
      }
      for (SimNet.Packet q : sentTo(alive.address, DhtPacketKind.NODES_REQUEST)) {
        NodesRequest r = (NodesRequest) alive.open(q.data());
        ByteBuf answer =
            alive.seal(new NodesResponse(List.of(someone), r.pingId()), self.publicKey());
        core.receive(answer, alive.address, t);
        answer.release();
      }
    }
    // asked at once, then every 60 s while it is not past the kill timeout (182 s), then never
    assertThat(asked).contains(60L, 120L);
    assertThat(asked.get(asked.size() - 1)).isLessThan(182);
    assertThat(core.closeList().find(alive.key()).isBad(net.now + 400_000)).isFalse();
    assertThat(core.closeList().find(silent.key()).isBad(joined + DhtTimers.BAD_NODE_TIMEOUT))
        .isTrue();
  }

  @Test
  void whenEveryNodeIsPastTheKillTimeoutTheyAreAskedAgain() {
    KeyPair self = KeyPair.generate();
    DhtCore core = recording(self, PLAIN);
    TestPeer p = fill(core, 1, 1).get(0);
    long joined = net.now;
    int late = 0;
    for (long t = joined; t <= joined + 600_000; t += 1_000) {
      sent.clear();
      core.tick(t);
      if (t - joined > 300_000 && !sentTo(p.address, DhtPacketKind.NODES_REQUEST).isEmpty()) {
        late++;
      }
    }
    assertThat(late).isGreaterThan(0); // not mute: c-toxcore resets them to "bad" and keeps asking
  }

  @Test
  void responsesNeedALiveUnusedPingIdFromTheRightNodeAndAddress() {
    KeyPair self = KeyPair.generate();
    DhtCore core = recording(self, PLAIN);
    TestPeer p = new TestPeer(SimNet.address(1, 0, 0, 1, 1));
    ByteBuf unsolicited = p.seal(new PingResponse(12345), self.publicKey());
    core.receive(unsolicited, p.address, net.now);
    unsolicited.release();
    assertThat(core.stats().dropped(DhtDrop.UNSOLICITED)).isEqualTo(1);

    core.bootstrap(p.address, p.key(), net.now);
    NodesRequest req = (NodesRequest) p.open(sent.get(0).data());
    assertThat(req.target()).isEqualTo(self.publicKey());
    PackedNode other =
        PackedNode.udp(SimNet.address(1, 0, 0, 9, 9), KeyPair.generate().publicKey());
    ByteBuf fromElsewhere =
        p.seal(new NodesResponse(List.of(other), req.pingId()), self.publicKey());
    core.receive(fromElsewhere, SimNet.address(1, 0, 0, 2, 1), net.now);
    fromElsewhere.release();
    assertThat(core.stats().dropped(DhtDrop.UNSOLICITED)).isEqualTo(2);
    assertThat(core.closeList().keys()).isEmpty();

    core.bootstrap(p.address, p.key(), net.now);
    NodesRequest req2 = (NodesRequest) p.open(sent.get(1).data());
    ByteBuf ok = p.seal(new NodesResponse(List.of(other), req2.pingId()), self.publicKey());
    ByteBuf again = ok.copy();
    net.now += DhtTimers.PING_TIMEOUT - 1;
    core.receive(ok, p.address, net.now);
    core.receive(again, p.address, net.now);
    ok.release();
    again.release();
    assertThat(core.closeList().keys()).containsExactly(p.key());
    assertThat(core.stats().dropped(DhtDrop.UNSOLICITED)).isEqualTo(3); // the replay
    // the returned node is not stored, only asked next round
    assertThat(core.closeList().find(other.key())).isNull();
    sent.clear();
    core.tick(net.now + 1000);
    assertThat(sentTo(other.ipPort(), DhtPacketKind.NODES_REQUEST)).hasSize(1);
  }

  @Test
  void anExpiredPingIdIsRefused() {
    KeyPair self = KeyPair.generate();
    DhtCore core = recording(self, PLAIN);
    TestPeer p = new TestPeer(SimNet.address(1, 0, 0, 1, 1));
    core.bootstrap(p.address, p.key(), net.now);
    NodesRequest req = (NodesRequest) p.open(sent.get(0).data());
    PackedNode other =
        PackedNode.udp(SimNet.address(1, 0, 0, 9, 9), KeyPair.generate().publicKey());
    ByteBuf late = p.seal(new NodesResponse(List.of(other), req.pingId()), self.publicKey());
    core.receive(late, p.address, net.now + DhtTimers.PING_TIMEOUT);
    late.release();
    assertThat(core.closeList().keys()).isEmpty();
    assertThat(core.stats().dropped(DhtDrop.UNSOLICITED)).isEqualTo(1);
  }

  @Test
  void answersToOneSourceAreRateLimited() {
    KeyPair self = KeyPair.generate();
    DhtConfig limited = PLAIN.withAnswerLimits(10, 20, 1000);
    DhtCore core = recording(self, limited);
    TestPeer p = new TestPeer(SimNet.address(1, 0, 0, 1, 1));
    ByteBuf req = p.nodesRequest(self.publicKey(), p.key(), 1);
    for (int i = 0; i < 100; i++) {
      core.receive(req.duplicate(), p.address, net.now);
    }
    assertThat(sentTo(p.address, DhtPacketKind.NODES_RESPONSE)).hasSize(20);
    // one second later: 10 more
    for (int i = 0; i < 100; i++) {
      core.receive(req.duplicate(), p.address, net.now + 1000);
    }
    req.release();
    assertThat(sentTo(p.address, DhtPacketKind.NODES_RESPONSE)).hasSize(30);
    assertThat(core.stats().dropped(DhtDrop.RATE_LIMITED)).isEqualTo(170);
  }

  @Test
  void aFloodOfForgedResponsesFromManyAddressesCostsAtMostTheGlobalBudgetInKeyAgreements() {
    KeyPair self = KeyPair.generate();
    DhtCore core = recording(self, PLAIN.withAnswerLimits(50, 100, 200));
    long before = core.sharedKeysComputed();
    for (int i = 0; i < 1000; i++) {
      TestPeer p = new TestPeer(SimNet.address(3, 0, i >> 8, i & 0xFF, 1));
      ByteBuf forged = p.seal(new PingResponse(i), self.publicKey());
      core.receive(forged, p.address, net.now);
      forged.release();
    }
    assertThat(core.sharedKeysComputed() - before).isEqualTo(200);
    assertThat(core.stats().dropped(DhtDrop.RATE_LIMITED)).isEqualTo(800);
    assertThat(core.stats().dropped(DhtDrop.UNSOLICITED)).isEqualTo(200);
    assertThat(sent).isEmpty();
  }

  @Test
  void cryptoRequestsAreRoutedOnlyToACloseNodeWithThatKey() {
    KeyPair self = KeyPair.generate();
    DhtCore core = recording(self, PLAIN);
    TestPeer target = fill(core, 1, 1).get(0);
    KeyPair sender = KeyPair.generate();
    ByteBuf toTarget =
        CryptoRequest.seal(
            new CryptoBox(),
            target.key(),
            sender.publicKey(),
            CryptoBox.beforenm(target.key(), sender.secretKey()),
            Nonce.random(),
            CryptoRequest.NAT_PING,
            new byte[9]);
    sent.clear();
    IpPort from = SimNet.address(1, 5, 5, 5, 5);
    core.receive(toTarget, from, net.now);
    List<SimNet.Packet> fwd = sentTo(target.address, DhtPacketKind.CRYPTO);
    assertThat(fwd).hasSize(1);
    assertThat(ByteBufUtil.getBytes(fwd.get(0).data())).isEqualTo(ByteBufUtil.getBytes(toTarget));
    toTarget.release();

    ByteBuf toStranger =
        CryptoRequest.seal(
            new CryptoBox(),
            KeyPair.generate().publicKey(),
            sender.publicKey(),
            CryptoBox.beforenm(target.key(), sender.secretKey()),
            Nonce.random(),
            CryptoRequest.NAT_PING,
            new byte[9]);
    core.receive(toStranger, from, net.now);
    toStranger.release();
    assertThat(core.stats().dropped(DhtDrop.NOT_ROUTABLE)).isEqualTo(1);

    ByteBuf toUs =
        CryptoRequest.seal(
            new CryptoBox(),
            self.publicKey(),
            sender.publicKey(),
            CryptoBox.beforenm(self.publicKey(), sender.secretKey()),
            Nonce.random(),
            CryptoRequest.DHTPK,
            new byte[40]);
    core.receive(toUs, from, net.now);
    toUs.release();
    assertThat(core.stats().dropped(DhtDrop.NOT_HANDLED)).isEqualTo(1);
    assertThat(core.stats().sent(DhtPacketKind.CRYPTO)).isEqualTo(1);
  }

  @Test
  void bootstrapInfoIsAnsweredOnlyToExactly78BytesAndOnlyWithAMotd() {
    KeyPair self = KeyPair.generate();
    DhtCore quiet = recording(self, PLAIN);
    IpPort from = SimNet.address(1, 0, 0, 1, 1);
    ByteBuf req = BootstrapInfo.request();
    quiet.receive(req, from, net.now);
    assertThat(sent).isEmpty();
    assertThat(quiet.stats().dropped(DhtDrop.INFO_OFF)).isEqualTo(1);

    DhtCore core = recording(self, PLAIN.withInfo(DhtConfig.motd("hi")));
    core.receive(req, from, net.now);
    ByteBuf shortReq = Unpooled.buffer().writeByte(0xF0).writeZero(76);
    core.receive(shortReq, from, net.now);
    shortReq.release();
    req.release();
    assertThat(sent).hasSize(1);
    // F0, 1000002018 big-endian (0x3B9AD1E2), "hi", NUL
    assertThat(ByteBufUtil.hexDump(sent.get(0).data())).isEqualTo("f03b9ad1e2686900");
    assertThat(core.stats().dropped(DhtDrop.MALFORMED)).isEqualTo(1);
  }

  @Test
  void ipv6SourcesAreDroppedWhenIpv6IsOffAndLanDiscoveryIsIgnored() throws Exception {
    KeyPair self = KeyPair.generate();
    DhtCore core = recording(self, PLAIN.withInfo(DhtConfig.motd("x")));
    IpPort v6 = new IpPort(java.net.InetAddress.getByName("2001:db8::1"), 5);
    ByteBuf req = BootstrapInfo.request();
    core.receive(req, v6, net.now);
    req.release();
    ByteBuf lan = Unpooled.buffer().writeByte(0x21).writeBytes(new byte[32]);
    core.receive(lan, SimNet.address(10, 0, 0, 1, 1), net.now);
    lan.release();
    assertThat(sent).isEmpty();
    assertThat(core.stats().dropped(DhtDrop.IPV6_OFF)).isEqualTo(1);
    assertThat(core.stats().dropped(DhtDrop.LAN_DISCOVERY_OFF)).isEqualTo(1);
  }

  @Test
  void aPingIsAnsweredWithTheSameIdAndTheSenderIsNotStoredUntilItAnswersUs() {
    KeyPair self = KeyPair.generate();
    DhtCore core = recording(self, PLAIN);
    TestPeer p = new TestPeer(SimNet.address(1, 0, 0, 1, 1));
    ByteBuf ping = p.ping(self.publicKey(), 0x0102030405060708L);
    core.receive(ping, p.address, net.now);
    ping.release();
    PingResponse r =
        (PingResponse) p.open(sentTo(p.address, DhtPacketKind.PING_RESPONSE).get(0).data());
    assertThat(r.pingId()).isEqualTo(0x0102030405060708L);
    assertThat(core.closeList().keys()).isEmpty();
    sent.clear();
    core.tick(net.now + DhtTimers.TIME_TO_PING);
    assertThat(sentTo(p.address, DhtPacketKind.PING_REQUEST)).hasSize(1);
  }

  @Test
  void trackedKeysKeepTheirEightClosestNodes() {
    KeyPair self = KeyPair.generate();
    DhtCore core = recording(self, PLAIN);
    PublicKey friend = KeyPair.generate().publicKey();
    DhtFriend f = core.track(friend);
    List<TestPeer> peers = fill(core, 30, 1);
    List<PublicKey> expected =
        peers.stream()
            .map(TestPeer::key)
            .sorted((x, y) -> Distance.compare(friend, x, y))
            .limit(8)
            .toList();
    assertThat(f.clients())
        .extracting(NodeEntry::key)
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void aRandomKeyOfABucketSharesExactlyThatManyLeadingBitsWithOurs() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(5);
    PublicKey self = KeyPair.generate().publicKey();
    for (int b = 0; b < DhtTimers.BUCKETS; b++) {
      PublicKey k = DhtCore.randomKeyInBucket(self, b, random);
      assertThat(Distance.commonPrefix(self, k)).as("bucket %d", b).isEqualTo(b);
      // the bits after the flipped one are random: two draws differ
      assertThat(DhtCore.randomKeyInBucket(self, b, random)).isNotEqualTo(k);
    }
  }

  /** Searched keys of the nodes requests in {@link #sent} other than our own, by peer asked. */
  private List<java.util.Map.Entry<TestPeer, PublicKey>> otherTargets(
      List<TestPeer> peers, PublicKey self) {
    List<java.util.Map.Entry<TestPeer, PublicKey>> r = new ArrayList<>();
    for (TestPeer p : peers) {
      for (SimNet.Packet q : sentTo(p.address, DhtPacketKind.NODES_REQUEST)) {
        PublicKey target = ((NodesRequest) p.open(q.data())).target();
        if (!target.equals(self)) {
          r.add(java.util.Map.entry(p, target));
        }
      }
    }
    return r;
  }

  @Test
  void theRefreshExperimentAsksAGoodNodeForARandomKeyOfASparseBucketAtItsInterval() {
    // fixed keys and the core's seeded randomness: the outcome is the same in every run
    KeyPair self = KeyPair.fromSecretHex("11".repeat(32));
    DhtCore core = recording(self, PLAIN);
    core.refreshInterval(5_000);
    List<TestPeer> peers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      TestPeer p =
          new TestPeer(
              SimNet.address(1, 0, 0, i + 1, 33445),
              KeyPair.fromSecretHex(String.format("%02x", 0x21 + i).repeat(32)));
      if (admit(core, p)) {
        peers.add(p);
      }
    }
    assertThat(peers).hasSize(3);
    int deepest = 0;
    for (TestPeer p : peers) {
      deepest = Math.max(deepest, core.closeList().bucketOf(p.key()));
    }
    sent.clear();
    long start = net.now;
    for (long t = start; t < start + 60_000; t += DhtTimers.TICK) {
      core.tick(t);
    }
    List<java.util.Map.Entry<TestPeer, PublicKey>> asked = otherTargets(peers, self.publicKey());
    // one per 5 s (the ticks before the window ran one too): 11 or 12 in 60 s
    assertThat(asked).hasSizeBetween(11, 12);
    assertThat(core.stats().refreshesSent()).isGreaterThanOrEqualTo(asked.size());
    java.util.Set<PublicKey> distinct = new java.util.HashSet<>();
    java.util.Set<Integer> buckets = new java.util.HashSet<>();
    java.util.Set<PublicKey> whom = new java.util.HashSet<>();
    for (java.util.Map.Entry<TestPeer, PublicKey> e : asked) {
      PublicKey target = e.getValue();
      distinct.add(target);
      whom.add(e.getKey().key());
      int bucket = core.closeList().bucketOf(target);
      // a bucket from 0 to one past the deepest one holding a node; none of them is full here
      assertThat(bucket).isBetween(0, deepest + 1);
      buckets.add(bucket);
    }
    assertThat(distinct).hasSameSizeAs(asked); // a new random key each time
    assertThat(buckets).hasSizeGreaterThan(1); // of a random sparse bucket
    assertThat(whom).hasSizeGreaterThan(1); // asked of a random good node
  }

  @Test
  void byDefaultOnlyOurOwnKeyIsSearchedAsInCToxcore() {
    KeyPair self = KeyPair.generate();
    DhtCore core = recording(self, PLAIN);
    List<TestPeer> peers = fill(core, 3, 1);
    sent.clear();
    long start = net.now;
    for (long t = start; t < start + 60_000; t += DhtTimers.TICK) {
      core.tick(t);
    }
    assertThat(sentTo(peers.get(0).address, DhtPacketKind.NODES_REQUEST)).isNotEmpty();
    assertThat(otherTargets(peers, self.publicKey())).isEmpty();
    assertThat(core.stats().refreshesSent()).isZero();
  }

  @Test
  void aFullBucketIsNeverRefreshed() {
    KeyPair self = KeyPair.generate();
    DhtCore core = recording(self, PLAIN);
    core.refreshInterval(5_000);
    // 8 good nodes in bucket 0 and nothing deeper: buckets 0 and 1 are candidates, 0 is full
    List<TestPeer> bucket0 = new ArrayList<>();
    int i = 0;
    while (bucket0.size() < DhtTimers.BUCKET_SIZE) {
      TestPeer p = new TestPeer(SimNet.address(1, 2, 0, ++i, 1));
      if (core.closeList().bucketOf(p.key()) == 0) {
        assertThat(admit(core, p)).isTrue();
        bucket0.add(p);
      }
    }
    sent.clear();
    long start = net.now;
    for (long t = start; t < start + 60_000; t += DhtTimers.TICK) {
      core.tick(t);
    }
    List<java.util.Map.Entry<TestPeer, PublicKey>> asked = otherTargets(bucket0, self.publicKey());
    assertThat(asked).isNotEmpty();
    assertThat(asked)
        .allSatisfy(e -> assertThat(core.closeList().bucketOf(e.getValue())).isEqualTo(1));
    assertThatThrownBy(() -> core.refreshInterval(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("refresh interval must be >= 0 ms, got -1");
  }
}
