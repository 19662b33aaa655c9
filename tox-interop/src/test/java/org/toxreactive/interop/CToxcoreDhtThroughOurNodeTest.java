package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.dht.DhtConfig;
import org.toxreactive.dht.packet.DhtEnvelope;
import org.toxreactive.dht.packet.DhtMessage;
import org.toxreactive.dht.packet.DhtPacketKind;
import org.toxreactive.dht.packet.NodesRequest;
import org.toxreactive.dht.packet.NodesResponse;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;

/**
 * Two c-toxcore 0.2.18 peers (UDP on, LAN discovery off, loopback) whose only bootstrap node is our
 * relay's DHT node learn each other through it. What can be asserted without an onion node: our
 * close list holds both peers' DHT keys, and each peer, asked by us for the nodes closest to the
 * other's DHT key, answers with the other (it stored it, having been told by our node). The peers'
 * self connection status stays NONE: c-toxcore 0.2.18 reports "connected" only once its onion
 * client has announce paths (onion_isconnected), which needs an onion node (issue 12 part 2).
 */
class CToxcoreDhtThroughOurNodeTest {
  private static final Pattern READY = Pattern.compile("READY pk=\\S+ dht=([0-9A-Fa-f]{64})");

  private RunningRelay relay;
  private CToxcorePeer a;
  private CToxcorePeer b;

  @AfterEach
  void stop() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
    if (relay != null) {
      relay.disposeNow(Duration.ofSeconds(5));
    }
  }

  @Test
  void twoPeersBootstrappedOnlyFromOurNodeLearnEachOther() throws Exception {
    relay =
        RelayServer.create()
            .keys(KeyPair.generate())
            .host("127.0.0.1")
            .port(0)
            .udpPort(0)
            .dht(DhtConfig.defaults())
            .bindNow();
    String bootstrap = "127.0.0.1:" + relay.udpPort() + ":" + relay.publicKey().toHex();
    KeyPair ka = KeyPair.generate();
    KeyPair kb = KeyPair.generate();
    int portA = Interop.freePort();
    int portB = Interop.freePort();
    a =
        CToxcorePeer.udp(
            Toxcore.system(),
            "dht-a",
            ka,
            kb.publicKey(),
            portA,
            List.of("--bootstrap", bootstrap));
    b =
        CToxcorePeer.udp(
            Toxcore.system(),
            "dht-b",
            kb,
            ka.publicKey(),
            portB,
            List.of("--bootstrap", bootstrap));
    PublicKey dhtA = dhtKey(a);
    PublicKey dhtB = dhtKey(b);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(relay.dhtCloseList()).contains(dhtA, dhtB));
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              assertThat(closestTo(portA, dhtA, dhtB)).contains(dhtB);
              assertThat(closestTo(portB, dhtB, dhtA)).contains(dhtA);
            });
  }

  /**
   * Two c-toxcore peers with UDP on and no TCP relay, whose only bootstrap node is our relay's UDP
   * port (DHT and onion node; no tox-bootstrapd): they come online over UDP, find each other (the
   * onion on our node and on each other, the DHT through ours), become friends over UDP and chat: 3
   * messages sent and echoed. Our relay sees no TCP client, its onion node answers announces.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("org.toxreactive.interop.Toxcore#versions")
  void twoUdpPeersWhoseOnlyBootstrapNodeIsOursBecomeFriendsAndChatOverUdp(Toxcore toxcore) {
    toxcore.require();
    relay =
        RelayServer.create()
            .keys(KeyPair.generate())
            .host("127.0.0.1")
            .port(0)
            .udpPort(0)
            .bindNow();
    String bootstrap = "127.0.0.1:" + relay.udpPort() + ":" + relay.publicKey().toHex();
    KeyPair ka = KeyPair.generate();
    KeyPair kb = KeyPair.generate();
    a =
        CToxcorePeer.udp(
            toxcore,
            "udp-a",
            ka,
            kb.publicKey(),
            Interop.freePort(),
            List.of("--bootstrap", bootstrap, "--send", "3"));
    b =
        CToxcorePeer.udp(
            toxcore,
            "udp-b",
            kb,
            ka.publicKey(),
            Interop.freePort(),
            List.of("--bootstrap", bootstrap, "--echo"));
    Duration limit = Duration.ofSeconds(90);
    a.await(l -> l.startsWith("SELF_CONNECTION ") && !l.endsWith(" NONE"), limit, "a online");
    b.await(l -> l.startsWith("SELF_CONNECTION ") && !l.endsWith(" NONE"), limit, "b online");
    a.await(l -> l.equals("FRIEND_CONNECTION 0 UDP"), limit, "friend connection over UDP (a)");
    b.await(l -> l.equals("FRIEND_CONNECTION 0 UDP"), limit, "friend connection over UDP (b)");
    a.await(l -> l.equals("RECV 0 msg-2"), Duration.ofSeconds(20), "the third echo");
    assertThat(b.received()).containsExactly("msg-0", "msg-1", "msg-2");
    assertThat(a.lines()).noneMatch(l -> l.startsWith("FRIEND_CONNECTION 0 TCP"));
    assertThat(relay.peakClients()).as("TCP clients of our relay").isZero();
    assertThat(relay.onionOutcomes(org.toxreactive.onion.OnionNode.Outcome.ANSWERED))
        .as("announce requests our node answered")
        .isPositive();
  }

  static PublicKey dhtKey(CToxcorePeer peer) {
    String ready = peer.await(l -> l.startsWith("READY "), Duration.ofSeconds(10), "READY");
    Matcher m = READY.matcher(ready);
    assertThat(m.find()).as(ready).isTrue();
    return PublicKey.fromHex(m.group(1));
  }

  /**
   * Asks the peer at 127.0.0.1:{@code port} (DHT key {@code peer}) for the nodes closest to {@code
   * target}; the keys it answers with (none if it does not answer within a second).
   */
  static List<PublicKey> closestTo(int port, PublicKey peer, PublicKey target) throws Exception {
    KeyPair me = KeyPair.generate();
    SharedKey k = CryptoBox.beforenm(peer, me.secretKey());
    CryptoBox box = new CryptoBox();
    NodesRequest req = new NodesRequest(target, 42);
    ByteBuf packet =
        DhtEnvelope.seal(
            box, DhtPacketKind.NODES_REQUEST, me.publicKey(), k, Nonce.random(), req.plaintext());
    byte[] bytes = ByteBufUtil.getBytes(packet);
    packet.release();
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      s.setSoTimeout(1000);
      s.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.1", port)));
      DatagramPacket answer = new DatagramPacket(new byte[2048], 2048);
      long deadline = System.nanoTime() + 1_000_000_000L;
      while (System.nanoTime() < deadline) {
        try {
          s.receive(answer);
        } catch (SocketTimeoutException e) {
          return List.of();
        }
        byte[] got = Arrays.copyOf(answer.getData(), answer.getLength());
        if (got.length <= 82 || got[0] != DhtPacketKind.NODES_RESPONSE.id()) {
          continue; // a 0-node answer or the peer's own ping of us
        }
        ByteBuf in = Unpooled.wrappedBuffer(got);
        DhtEnvelope env = DhtEnvelope.parse(in);
        byte[] plain = env.open(box, k);
        assertThat(plain).as("the peer's answer authenticates").isNotNull();
        NodesResponse r = (NodesResponse) DhtMessage.decode(env.kind(), plain);
        assertThat(r.pingId()).isEqualTo(42);
        return r.nodes().stream().map(PackedNode::key).toList();
      }
      return List.of();
    }
  }
}
