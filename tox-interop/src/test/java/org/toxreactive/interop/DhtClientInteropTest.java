package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
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
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.dht.DhtClient;
import org.toxreactive.dht.DhtConfig;
import org.toxreactive.dht.FriendAddress;
import org.toxreactive.dht.packet.DhtEnvelope;
import org.toxreactive.dht.packet.DhtMessage;
import org.toxreactive.dht.packet.DhtPacketKind;
import org.toxreactive.dht.packet.NodesRequest;
import org.toxreactive.dht.packet.NodesResponse;
import org.toxreactive.transport.udp.UdpTransport;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * Our {@link DhtClient} (on a {@link UdpTransport} of its own, loopback) against c-toxcore 0.2.18:
 * it bootstraps from tox-bootstrapd and from a libtoxcore peer with UDP on, finds that peer's
 * address by its DHT key (printed by the peer: {@code tox_self_get_dht_id}), and the peer's DHT
 * stores our node (it answers a nodes request for our key with us); the same search over IPv6 only
 * ({@code ::1}). docs/protocol.md section 12.10.
 */
class DhtClientInteropTest {
  private static final Pattern READY = Pattern.compile("READY pk=\\S+ dht=([0-9A-Fa-f]{64})");

  private ToxBootstrapd daemon;
  private CToxcorePeer peer;
  private CToxcorePeer node;
  private UdpTransport udp;
  private DhtClient client;
  private final Scheduler scheduler = Schedulers.newSingle("dht-client-interop");

  @AfterEach
  void stop() {
    if (client != null) {
      client.dispose();
    }
    if (udp != null) {
      udp.dispose();
    }
    scheduler.dispose();
    if (peer != null) {
      peer.close();
    }
    if (node != null) {
      node.close();
    }
    if (daemon != null) {
      daemon.close();
    }
  }

  private static IpPort loopback(int port) {
    return new IpPort(InetAddress.getLoopbackAddress(), port);
  }

  private DhtClient startClient() {
    return startClient("127.0.0.1", DhtConfig.defaults());
  }

  private DhtClient startClient(String host, DhtConfig config) {
    udp = UdpTransport.create().host(host).port(0).bindNow();
    client =
        DhtClient.start(
            KeyPair.generate(),
            config,
            udp.receive()
                .filter(d -> !d.data().isEmpty() && DhtPacketKind.isDht(d.data().getUnsigned(0))),
            udp,
            scheduler);
    return client;
  }

  private static PublicKey dhtKey(CToxcorePeer peer) {
    String ready = peer.await(l -> l.startsWith("READY "), Duration.ofSeconds(10), "READY");
    Matcher m = READY.matcher(ready);
    assertThat(m.find()).as(ready).isTrue();
    return PublicKey.fromHex(m.group(1));
  }

  @Test
  void bootstrapsFromToxBootstrapdWhichThenGivesUsOut() throws Exception {
    Interop.requireTool("tox-bootstrapd");
    daemon = ToxBootstrapd.start(Toxcore.system());
    DhtClient c = startClient();
    c.bootstrap(loopback(daemon.udpPort()), daemon.publicKey());
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(c.connected()).isTrue();
              assertThat(c.closest(daemon.publicKey(), 1))
                  .extracting(PackedNode::key)
                  .containsExactly(daemon.publicKey());
            });
    // tox-bootstrapd stored us: asked for the nodes closest to our key, it names us
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(closestTo(daemon.udpPort(), daemon.publicKey(), c.publicKey()))
                    .contains(c.publicKey()));
  }

  @Test
  void findsACToxcorePeersAddressByItsDhtKeyAndThePeerStoresUs() throws Exception {
    Interop.requireTool("tox-bootstrapd");
    daemon = ToxBootstrapd.start(Toxcore.system());
    int peerPort = Interop.freePort();
    peer =
        CToxcorePeer.udp(
            Toxcore.system(),
            "dht-client-peer",
            KeyPair.generate(),
            KeyPair.generate().publicKey(),
            peerPort,
            List.of("--bootstrap", "127.0.0.1:" + daemon.udpPort() + ":" + daemon.publicKeyHex()));
    PublicKey peerDht = dhtKey(peer);
    DhtClient c = startClient();
    c.bootstrap(loopback(daemon.udpPort()), daemon.publicKey()); // only the daemon
    c.track(peerDht);
    StepVerifier.create(c.friendAddresses().filter(a -> a.dhtKey().equals(peerDht)).take(1))
        .expectNext(new FriendAddress(peerDht, loopback(peerPort)))
        .expectComplete()
        .verify(Duration.ofSeconds(40));
    assertThat(c.friendAddress(peerDht)).contains(loopback(peerPort));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> assertThat(closestTo(peerPort, peerDht, c.publicKey())).contains(c.publicKey()));
  }

  /**
   * Over IPv6 only: our client's socket is on {@code ::1} (no IPv4 at all) and its one bootstrap
   * node is a c-toxcore node (libtoxcore, IPv6 on: a dual-stack socket) on {@code [::1]}; a second
   * c-toxcore peer joined through that node on {@code [::1]} too. The node's nodes responses name
   * the peer by an IPv6 packed node (family 10), and our client finds the peer's address by its DHT
   * key: {@code [::1]:port}, the peer's own socket.
   */
  @Test
  void bootstrapsFromACToxcoreNodeOnIpv6LoopbackAndFindsAPeersIpv6Address() throws Exception {
    Toxcore toxcore = Toxcore.system();
    toxcore.require();
    InetAddress v6 = InetAddress.getByName("::1");
    int nodePort = Interop.freePort();
    node =
        CToxcorePeer.udp(
            toxcore,
            "dht-client-v6-node",
            KeyPair.generate(),
            KeyPair.generate().publicKey(),
            nodePort,
            List.of("--ipv6", "on"));
    PublicKey nodeDht = dhtKey(node);
    int peerPort = Interop.freePort();
    peer =
        CToxcorePeer.udp(
            toxcore,
            "dht-client-v6-peer",
            KeyPair.generate(),
            KeyPair.generate().publicKey(),
            peerPort,
            List.of("--ipv6", "on", "--bootstrap", "[::1]:" + nodePort + ":" + nodeDht.toHex()));
    PublicKey peerDht = dhtKey(peer);
    DhtClient c = startClient("::1", DhtConfig.defaults().withIpv6(true));
    c.bootstrap(new IpPort(v6, nodePort), nodeDht);
    c.track(peerDht);
    StepVerifier.create(c.friendAddresses().filter(a -> a.dhtKey().equals(peerDht)).take(1))
        .expectNext(new FriendAddress(peerDht, new IpPort(v6, peerPort)))
        .expectComplete()
        .verify(Duration.ofSeconds(40));
    assertThat(c.connected()).isTrue();
    assertThat(c.closest(nodeDht, 1))
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.key()).isEqualTo(nodeDht);
              assertThat(n.ipPort()).isEqualTo(new IpPort(v6, nodePort));
            });
  }

  @Test
  void bootstrapsFromACToxcorePeerDirectly() throws Exception {
    int peerPort = Interop.freePort();
    peer =
        CToxcorePeer.udp(
            Toxcore.system(),
            "dht-client-bootstrap-peer",
            KeyPair.generate(),
            KeyPair.generate().publicKey(),
            peerPort,
            List.of());
    PublicKey peerDht = dhtKey(peer);
    DhtClient c = startClient();
    c.bootstrap(loopback(peerPort), peerDht);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(c.connected()).isTrue();
              assertThat(c.closest(peerDht, 1))
                  .extracting(PackedNode::key)
                  .containsExactly(peerDht);
            });
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> assertThat(closestTo(peerPort, peerDht, c.publicKey())).contains(c.publicKey()));
  }

  /**
   * Asks the node at 127.0.0.1:{@code port} (DHT key {@code node}) from a throw-away key for the
   * nodes closest to {@code target}; the keys it answers with (none within a second: empty).
   */
  private static List<PublicKey> closestTo(int port, PublicKey node, PublicKey target)
      throws Exception {
    KeyPair me = KeyPair.generate();
    SharedKey k = CryptoBox.beforenm(node, me.secretKey());
    CryptoBox box = new CryptoBox();
    ByteBuf packet =
        DhtEnvelope.seal(
            box,
            DhtPacketKind.NODES_REQUEST,
            me.publicKey(),
            k,
            Nonce.random(),
            new NodesRequest(target, 42).plaintext());
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
          continue; // a 0-node answer, or the node's own ping of us
        }
        ByteBuf in = Unpooled.wrappedBuffer(got);
        DhtEnvelope env = DhtEnvelope.parse(in);
        byte[] plain = env.open(box, k);
        assertThat(plain).as("the answer authenticates").isNotNull();
        NodesResponse r = (NodesResponse) DhtMessage.decode(env.kind(), plain);
        assertThat(r.pingId()).isEqualTo(42);
        return r.nodes().stream().map(PackedNode::key).toList();
      }
      return List.of();
    }
  }
}
