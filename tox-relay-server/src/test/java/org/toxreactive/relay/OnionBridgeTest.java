package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PackedNode;
import org.toxreactive.onion.OnionPath;
import org.toxreactive.onion.packet.AnnouncePlain;
import org.toxreactive.onion.packet.AnnounceReply;
import org.toxreactive.onion.packet.AnnounceResponse;
import org.toxreactive.onion.packet.OnionPacket;
import org.toxreactive.transport.tcp.packet.ForwardRequest;
import org.toxreactive.transport.tcp.packet.Forwarding;
import org.toxreactive.transport.tcp.packet.OnionRequest;
import org.toxreactive.transport.tcp.packet.OnionResponse;
import org.toxreactive.transport.tcp.packet.Ping;
import org.toxreactive.transport.tcp.packet.Pong;

/**
 * Onion (TCP 8/9 <-> UDP 0x81/0x8E) and forwarding (TCP 10/11 <-> UDP 0x91/0x92) through a running
 * relay, with a UDP socket playing the next node; and the relay as a whole onion path (its onion
 * node, docs/protocol.md 13) for a UDP peer and a TCP client.
 */
class OnionBridgeTest {
  private RunningRelay relay;
  private DatagramSocket node;

  @BeforeEach
  void start() throws Exception {
    relay = RelayServer.create().host("127.0.0.1").port(0).udpPort(0).bindNow();
    node = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    node.setSoTimeout(5_000);
  }

  @AfterEach
  void stop() {
    node.close();
    relay.disposeNow(Duration.ofSeconds(5));
  }

  private byte[] onionPlain(int restLength) {
    ByteBuf b = Unpooled.buffer();
    try {
      new IpPort(InetAddress.getLoopbackAddress(), node.getLocalPort()).writeFixed19(b);
      for (int i = 0; i < restLength; i++) {
        b.writeByte(i);
      }
      byte[] out = new byte[b.readableBytes()];
      b.readBytes(out);
      return out;
    } finally {
      b.release();
    }
  }

  private DatagramPacket receive() throws Exception {
    DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
    node.receive(p);
    return p;
  }

  private void reply(byte[] data) throws Exception {
    node.send(
        new DatagramPacket(data, data.length, new InetSocketAddress("127.0.0.1", relay.udpPort())));
  }

  private static byte[] concat(byte[]... parts) {
    int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  @Test
  void onionRequestGoesOutAs0x81AndTheResponseComesBackAsId9() throws Exception {
    try (RawRelayClient c = new RawRelayClient(relay.port()).handshake(relay.publicKey())) {
      Nonce nonce = Nonce.random();
      byte[] plain = onionPlain(200);
      c.send(new OnionRequest(nonce, Bytes.of(plain)));

      DatagramPacket p = receive();
      byte[] got = Arrays.copyOf(p.getData(), p.getLength());
      assertThat(got.length).isEqualTo(1 + 24 + 200 + 59);
      assertThat(got[0]).isEqualTo((byte) 0x81);
      assertThat(Arrays.copyOfRange(got, 1, 25)).isEqualTo(nonce.toArray());
      assertThat(Arrays.copyOfRange(got, 25, 225)).isEqualTo(Arrays.copyOfRange(plain, 19, 219));
      byte[] return1 = Arrays.copyOfRange(got, 225, 284);

      // node 2 answers to the address the 0x81 came from
      assertThat(p.getPort()).isEqualTo(relay.udpPort());
      reply(concat(new byte[] {(byte) 0x8E}, return1, new byte[] {(byte) 0x84, 1, 2, 3}));
      assertThat(c.await(OnionResponse.class))
          .isEqualTo(new OnionResponse(Bytes.ofHex("84010203")));

      // inner ids other than 0x84/0x86/0x88 are not delivered
      reply(concat(new byte[] {(byte) 0x8E}, return1, new byte[] {(byte) 0x83, 1}));
      reply(concat(new byte[] {(byte) 0x8E}, return1, new byte[] {(byte) 0x86, 9}));
      assertThat(c.await(OnionResponse.class)).isEqualTo(new OnionResponse(Bytes.ofHex("8609")));

      // a forged return block is dropped
      return1[40] ^= 1;
      reply(concat(new byte[] {(byte) 0x8E}, return1, new byte[] {(byte) 0x84, 7}));
      c.send(new Ping(3));
      assertThat(c.await(Pong.class)).isEqualTo(new Pong(3));
    }
  }

  @Test
  void aResponseForAClientThatLeftReachesNobody() throws Exception {
    byte[] return1;
    try (RawRelayClient c = new RawRelayClient(relay.port()).handshake(relay.publicKey())) {
      c.send(new OnionRequest(Nonce.random(), Bytes.of(onionPlain(150))));
      DatagramPacket p = receive();
      return1 = Arrays.copyOfRange(p.getData(), p.getLength() - 59, p.getLength());
    }
    try (RawRelayClient other = new RawRelayClient(relay.port()).handshake(relay.publicKey())) {
      other.send(new Ping(1));
      other.await(Pong.class);
      reply(concat(new byte[] {(byte) 0x8E}, return1, new byte[] {(byte) 0x84, 1}));
      other.send(new Ping(2));
      assertThat(other.read()).isEqualTo(new Pong(2)); // nothing else arrived before it
    }
  }

  @Test
  void tooShortOnionPlaintextIsDroppedNotForwarded() throws Exception {
    try (RawRelayClient c = new RawRelayClient(relay.port()).handshake(relay.publicKey())) {
      // 153 plaintext bytes: a 178-byte TCP packet, valid for the codec but below onion size
      c.send(new OnionRequest(Nonce.random(), Bytes.of(onionPlain(153 - 19))));
      c.send(new Ping(4));
      assertThat(c.await(Pong.class)).isEqualTo(new Pong(4));
      node.setSoTimeout(300);
      boolean received;
      try {
        receive();
        received = true;
      } catch (SocketTimeoutException e) {
        received = false;
      }
      assertThat(received).isFalse();
      assertThat(relay.metrics().counter("tox.relay.discarded", "reason", "onion_size").count())
          .isEqualTo(1);
    }
  }

  @Test
  void forwardRequestGoesOutAs0x91AndAValidReplyComesBackAsId11() throws Exception {
    try (RawRelayClient c = new RawRelayClient(relay.port()).handshake(relay.publicKey())) {
      c.send(
          new ForwardRequest(
              new IpPort(InetAddress.getLoopbackAddress(), node.getLocalPort()),
              Bytes.ofHex("a1a2")));
      DatagramPacket p = receive();
      byte[] got = Arrays.copyOf(p.getData(), p.getLength());
      assertThat(got[0]).isEqualTo((byte) 0x91);
      assertThat(got[1]).isEqualTo((byte) 45);
      assertThat(got.length).isEqualTo(2 + 45 + 2);
      assertThat(Arrays.copyOfRange(got, 47, 49)).isEqualTo(new byte[] {(byte) 0xa1, (byte) 0xa2});
      byte[] sendback = Arrays.copyOfRange(got, 2, 47);

      reply(concat(new byte[] {(byte) 0x92, 45}, sendback, new byte[] {7, 8, 9}));
      assertThat(c.await(Forwarding.class)).isEqualTo(new Forwarding(Bytes.ofHex("070809")));

      sendback[44] ^= 1; // another client id: the HMAC no longer matches
      reply(concat(new byte[] {(byte) 0x92, 45}, sendback, new byte[] {1}));
      c.send(new Ping(6));
      assertThat(c.read()).isEqualTo(new Pong(6));
    }
  }

  private IpPort relayUdp() throws Exception {
    return new IpPort(InetAddress.getByName("127.0.0.1"), relay.udpPort());
  }

  private static AnnouncePlain firstAnnounce(KeyPair who) {
    return new AnnouncePlain(
        Bytes.of(new byte[32]),
        who.publicKey(),
        who.publicKey(),
        Bytes.ofHex("0102030405060708"),
        Bytes.EMPTY);
  }

  @Test
  void aUdpPeersThreeHopAnnounceThroughTheRelayAloneIsAnswered() throws Exception {
    // node 1, 2, 3 and the announce node are all this relay: the hops to itself skip the socket
    PackedNode self = PackedNode.udp(relayUdp(), relay.publicKey());
    KeyPair alice = KeyPair.generate();
    OnionPath path = OnionPath.create(KeyPair.generate(), self, self, self);
    byte[] inner = OnionPath.announceRequest(alice, relay.publicKey(), firstAnnounce(alice), false);
    byte[] onion = path.wrap(relayUdp(), inner);
    reply(onion);
    DatagramPacket p = receive();
    byte[] got = Arrays.copyOf(p.getData(), p.getLength());
    assertThat(got[0]).isEqualTo((byte) 0x84);
    AnnounceResponse r = (AnnounceResponse) OnionPacket.decode(Unpooled.wrappedBuffer(got));
    AnnounceReply reply = OnionPath.openAnnounceResponse(alice, relay.publicKey(), r);
    assertThat(reply.isStored()).isEqualTo(AnnounceReply.NOT_STORED);
    assertThat(reply.nodes()).isEmpty(); // the relay runs no DHT yet
    assertThat(
            relay
                .metrics()
                .find("tox.relay.onion.node")
                .tag("outcome", "answered")
                .functionCounter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void aTcpClientsOnionAnnounceWithTheRelayAsEveryHopComesBackAsId9() throws Exception {
    PackedNode self = PackedNode.udp(relayUdp(), relay.publicKey());
    KeyPair alice = KeyPair.generate();
    OnionPath path = OnionPath.create(KeyPair.generate(), self, self, self);
    byte[] inner = OnionPath.announceRequest(alice, relay.publicKey(), firstAnnounce(alice), true);
    Nonce nonce = Nonce.random();
    try (RawRelayClient c = new RawRelayClient(relay.port()).handshake(relay.publicKey())) {
      c.send(new OnionRequest(nonce, Bytes.of(path.wrapForRelay(nonce, relayUdp(), inner))));
      OnionResponse resp = c.await(OnionResponse.class);
      assertThat(resp.inner().get(0)).isEqualTo((byte) 0x88);
      AnnounceResponse r =
          (AnnounceResponse) OnionPacket.decode(Unpooled.wrappedBuffer(resp.inner().toArray()));
      assertThat(OnionPath.openAnnounceResponse(alice, relay.publicKey(), r).isStored())
          .isEqualTo(AnnounceReply.NOT_STORED);
    }
  }
}
