package org.toxreactive.dht;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.SecretKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.dht.packet.BootstrapInfo;
import org.toxreactive.dht.packet.CryptoRequest;
import org.toxreactive.dht.packet.DhtEnvelope;
import org.toxreactive.dht.packet.DhtMessage;
import org.toxreactive.dht.packet.NatPing;
import org.toxreactive.dht.packet.NodesRequest;
import org.toxreactive.dht.packet.PingRequest;
import org.toxreactive.dht.packet.PingResponse;
import org.toxreactive.test.FuzzSeeds;

/**
 * Fuzzes a DHT node with hostile datagrams: a core with a fixed key (so seeds can be valid,
 * encrypted packets to it) and a full-ish close list receives the input from an unverified source.
 * Contract: no exception escapes; the input is only borrowed; every answer is addressed to the
 * source or to a close-list node and is at most 286 bytes, so no answer to one datagram is more
 * than 3.5 times its size (amplification bound, docs/protocol.md DHT section).
 */
class DhtCoreFuzzTest {
  static final KeyPair NODE = KeyPair.fromSecretKey(SecretKey.of(filled(32, 9)));
  static final KeyPair PEER = KeyPair.fromSecretKey(SecretKey.of(filled(32, 8)));
  static final IpPort SOURCE = SimNet.address(1, 2, 3, 4, 5);

  /** Keys of the nodes in the fuzzed core's close list (computed once: key generation is slow). */
  static final org.toxreactive.core.PublicKey[] KNOWN = new org.toxreactive.core.PublicKey[24];

  static {
    for (int i = 0; i < KNOWN.length; i++) {
      KNOWN[i] = KeyPair.fromSecretKey(SecretKey.of(filled(32, 100 + i))).publicKey();
    }
  }

  static byte[] filled(int n, int v) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) v);
    return b;
  }

  @FuzzTest
  void receive(byte[] input) {
    List<SimNet.Packet> out = new ArrayList<>();
    DhtCore core =
        new DhtCore(
            NODE,
            DhtConfig.defaults().withInfo(DhtConfig.motd("fuzz")),
            (p, to) -> out.add(new SimNet.Packet(p, null, to)),
            new SplittableRandom(1),
            1_000_000);
    for (int i = 0; i < KNOWN.length; i++) { // a populated close list: answers carry 4 nodes
      core.closeList().update(KNOWN[i], SimNet.address(2, 0, i, 1, 33445), 1_000_000);
    }
    ByteBuf in = Unpooled.wrappedBuffer(input);
    try {
      core.receive(in, SOURCE, 1_000_000);
      core.tick(1_003_000);
      assertThat(in.refCnt()).isEqualTo(1);
      assertThat(in.readerIndex()).isZero();
      for (SimNet.Packet p : out) {
        assertThat(p.data().readableBytes()).isLessThanOrEqualTo(286);
        if (p.to().equals(SOURCE)) {
          assertThat(p.data().readableBytes())
              .isLessThanOrEqualTo(Math.max(1, input.length) * 7 / 2);
        }
      }
    } finally {
      in.release();
      for (SimNet.Packet p : out) {
        p.data().release();
      }
    }
  }

  /**
   * The same input to a DHT client: {@link #PEER} is tracked and its list is full of nodes that
   * reported its address, so NAT pings from it are answered and routed and other requests for us
   * reach the listener. Contract as for {@link #receive}, and: a request handed to the listener
   * comes from the source, names the sender the packet names and carries at most 918 bytes; every
   * packet sent goes to a known node (the source only for a direct answer).
   */
  @FuzzTest
  void receiveAsClient(byte[] input) {
    List<SimNet.Packet> out = new ArrayList<>();
    List<byte[]> requests = new ArrayList<>();
    DhtCore core = client(out, requests);
    ByteBuf in = Unpooled.wrappedBuffer(input);
    try {
      core.receive(in, SOURCE, 1_000_000);
      core.tick(1_004_000);
      assertThat(in.refCnt()).isEqualTo(1);
      assertThat(in.readerIndex()).isZero();
      for (SimNet.Packet p : out) {
        assertThat(p.data().readableBytes()).isLessThanOrEqualTo(CryptoRequest.MAX_ROUTED);
      }
    } finally {
      in.release();
      for (SimNet.Packet p : out) {
        p.data().release();
      }
    }
  }

  /** A client core tracking {@link #PEER}, whose 8 nodes all reported an address for it. */
  private static DhtCore client(List<SimNet.Packet> out, List<byte[]> requests) {
    DhtCore core =
        new DhtCore(
            NODE,
            DhtConfig.defaults(),
            (p, to) -> out.add(new SimNet.Packet(p, null, to)),
            new SplittableRandom(1),
            1_000_000);
    core.listener(
        new DhtCore.Listener() {
          @Override
          public void friendAddress(org.toxreactive.core.PublicKey friend, IpPort address) {}

          @Override
          public void request(
              org.toxreactive.core.PublicKey sender, int requestId, byte[] data, IpPort source) {
            assertThat(source).isEqualTo(SOURCE);
            assertThat(sender).isEqualTo(PEER.publicKey());
            assertThat(data.length).isLessThanOrEqualTo(DhtCore.MAX_REQUEST_DATA);
            requests.add(data);
          }
        });
    DhtFriend f = core.track(PEER.publicKey(), 1_000_000);
    for (int i = 0; i < 8; i++) {
      IpPort at = SimNet.address(2, 0, i, 1, 33445);
      f.update(KNOWN[i], at, 1_000_000);
      NodeEntry e = f.find(KNOWN[i]);
      e.ipv4.returnedAddress = SimNet.address(3, 3, 3, 3, 1000 + i);
      e.ipv4.returnedTimestamp = 1_000_000;
    }
    return core;
  }

  @Test
  void theClientSeedsReachTheirHandlers() {
    Map<String, byte[]> seeds = clientSeeds();
    List<SimNet.Packet> out = new ArrayList<>();
    List<byte[]> requests = new ArrayList<>();
    DhtCore core = client(out, requests);
    ByteBuf ping = Unpooled.wrappedBuffer(seeds.get("nat-ping-request"));
    core.receive(ping, SOURCE, 1_000_000);
    assertThat(out).hasSize(1); // the response, through one of PEER's nodes
    assertThat(out.get(0).to().address().getAddress()[0]).isEqualTo((byte) 2);
    ByteBuf pk = Unpooled.wrappedBuffer(seeds.get("dhtpk"));
    core.receive(pk, SOURCE, 1_000_000);
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0)).isEqualTo(filled(120, 5));
    ByteBuf response = Unpooled.wrappedBuffer(seeds.get("nat-ping-response"));
    core.receive(response, SOURCE, 1_000_000);
    assertThat(core.stats().dropped(DhtDrop.UNSOLICITED)).isEqualTo(1); // not our ping id
    for (SimNet.Packet p : out) {
      p.data().release();
    }
    ping.release();
    pk.release();
    response.release();
  }

  @Test
  void seedsAreCurrent() {
    FuzzSeeds.check(DhtCoreFuzzTest.class, "receive", seeds());
    FuzzSeeds.check(DhtCoreFuzzTest.class, "receiveAsClient", clientSeeds());
  }

  static Map<String, byte[]> clientSeeds() {
    SharedKey k = CryptoBox.beforenm(NODE.publicKey(), PEER.secretKey());
    CryptoBox box = new CryptoBox();
    Nonce n = Nonce.of(filled(24, 4));
    Map<String, byte[]> s = new LinkedHashMap<>();
    Object[][] requests = {
      {"nat-ping-request", CryptoRequest.NAT_PING, new NatPing(false, 7).encode()},
      {"nat-ping-response", CryptoRequest.NAT_PING, new NatPing(true, 7).encode()},
      {"dhtpk", CryptoRequest.DHTPK, filled(120, 5)},
      {"other-request", 32, filled(10, 6)},
    };
    for (Object[] r : requests) {
      ByteBuf c =
          CryptoRequest.seal(
              box, NODE.publicKey(), PEER.publicKey(), k, n, (Integer) r[1], (byte[]) r[2]);
      s.put((String) r[0], ByteBufUtil.getBytes(c));
      c.release();
    }
    return s;
  }

  static Map<String, byte[]> seeds() {
    SharedKey k = CryptoBox.beforenm(NODE.publicKey(), PEER.secretKey());
    CryptoBox box = new CryptoBox();
    Nonce n = Nonce.of(filled(24, 3));
    Map<String, byte[]> s = new LinkedHashMap<>();
    for (DhtMessage m :
        List.<DhtMessage>of(
            new PingRequest(7), new PingResponse(7), new NodesRequest(PEER.publicKey(), 7))) {
      ByteBuf b = DhtEnvelope.seal(box, m.kind(), PEER.publicKey(), k, n, m.plaintext());
      s.put(m.kind().tag(), ByteBufUtil.getBytes(b));
      b.release();
    }
    ByteBuf c =
        CryptoRequest.seal(
            box, NODE.publicKey(), PEER.publicKey(), k, n, 254, new NatPing(false, 7).encode());
    s.put("crypto-to-us", ByteBufUtil.getBytes(c));
    c.release();
    ByteBuf r = BootstrapInfo.request();
    s.put("bootstrap-info", ByteBufUtil.getBytes(r));
    r.release();
    s.put("lan-discovery", filled(33, 0x21));
    return s;
  }
}
