package org.toxreactive.onion;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.SecretKey;
import org.toxreactive.onion.packet.AnnouncePlain;
import org.toxreactive.onion.packet.MalformedOnionPacketException;
import org.toxreactive.onion.packet.OnionSizes;
import org.toxreactive.test.FuzzInput;
import org.toxreactive.test.FuzzSeeds;

/**
 * Fuzzes {@link OnionNode#onUdp} with a sequence of datagrams: each step is an op byte (low bit:
 * which of two sources; bits 1..7: seconds to move the clock), a u16 length and that many bytes.
 * The node's key is fixed so seeds can carry valid layers. Contract: every datagram ends in one
 * {@link OnionNode.Outcome}, never an exception; at most one datagram goes out per input, never
 * larger than 2048 bytes, and an announce.c search (0x93, from an unverified source) is answered
 * with at most 3.2 times its size; the announce store and the announce.c store (256 entries) never
 * exceed their capacity. Also fuzzes the group-announce parser ({@code groupAnnounce}).
 */
class OnionNodeFuzzTest {
  static final KeyPair NODE = KeyPair.fromSecretKey(SecretKey.of(fill(32, 7)));
  static final KeyPair LAYER2 = KeyPair.fromSecretKey(SecretKey.of(fill(32, 8)));
  static final KeyPair LAYER3 = KeyPair.fromSecretKey(SecretKey.of(fill(32, 9)));
  static final KeyPair CLIENT = KeyPair.fromSecretKey(SecretKey.of(fill(32, 10)));
  static final IpPort[] SOURCES = {OnionNet.ip(1000), OnionNet.ip(1001)};

  static byte[] fill(int n, int v) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) v);
    return b;
  }

  @FuzzTest
  void datagrams(byte[] data) {
    FuzzInput in = new FuzzInput(data);
    int[] sent = new int[1];
    int[] largest = new int[1];
    long[] now = {1_000_000};
    OnionNode node =
        new OnionNode(
            NODE,
            ClosestNodes.of(List.of(PackedNode.udp(OnionNet.ip(9), NODE.publicKey()))),
            new OnionNode.Out() {
              @Override
              public void udp(byte[] datagram, IpPort to) {
                assertThat(datagram.length).isBetween(1, 2048);
                largest[0] = Math.max(largest[0], datagram.length);
                sent[0]++;
              }

              @Override
              public void tcpOnionResponse(long clientId, byte[] response) {
                sent[0]++;
              }

              @Override
              public void tcpForwarding(long clientId, byte[] d) {
                sent[0]++;
              }
            },
            new OnionNode.Limits(4, 300_000, 7_200_000, 16, 1000, 100, 4, 4),
            now[0]);
    for (int steps = 0; in.remaining() > 0 && steps < 64; steps++) {
      int op = in.u8();
      now[0] += 1000L * (op >> 1);
      byte[] p = in.upTo(in.u16());
      int before = sent[0];
      largest[0] = 0;
      OnionNode.Outcome o = node.onUdp(p, SOURCES[op & 1], now[0]);
      assertThat(o).isNotNull();
      assertThat(sent[0] - before).as("outputs per input").isLessThanOrEqualTo(1);
      if (p.length > 0 && (p[0] & 0xFF) == 0x93) {
        assertThat((double) largest[0]).as("search answer").isLessThanOrEqualTo(3.2 * p.length);
      }
      assertThat(node.announced(now[0])).isLessThanOrEqualTo(4);
      assertThat(node.dhtAnnouncements(now[0])).isLessThanOrEqualTo(256);
    }
  }

  @FuzzTest
  void groupAnnounce(byte[] data) {
    try {
      GroupAnnounceStore.Announce a = GroupAnnounceStore.parse(data, 0, data.length);
      assertThat(a.chatId().length()).isEqualTo(32);
      assertThat(a.packed().length()).isBetween(34 + 7, 34 + 19 + 51);
    } catch (MalformedOnionPacketException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
    }
  }

  @Test
  void seedsAreCurrent() {
    FuzzSeeds.check(OnionNodeFuzzTest.class, "datagrams", seeds());
    FuzzSeeds.check(OnionNodeFuzzTest.class, "groupAnnounce", groupSeeds());
  }

  static byte[] step(int op, byte[] p) {
    return new FuzzInput.Writer().u8(op).u16(p.length).bytes(p).toByteArray();
  }

  static Map<String, byte[]> seeds() {
    PackedNode self = PackedNode.udp(OnionNet.ip(9), NODE.publicKey());
    OnionPath path = OnionPath.create(CLIENT, LAYER2, LAYER3, self, self, self);
    Nonce nonce = Nonce.of(fill(24, 1));
    AnnouncePlain plain =
        new AnnouncePlain(
            Bytes.of(new byte[32]),
            CLIENT.publicKey(),
            CLIENT.publicKey(),
            Bytes.of(fill(8, 2)),
            Bytes.EMPTY);
    byte[] announce = OnionPath.announceRequest(nonce, CLIENT, NODE.publicKey(), plain, false);
    byte[] announceAtD = java.util.Arrays.copyOf(announce, announce.length + OnionSizes.RETURN_3);
    Map<String, byte[]> s = new LinkedHashMap<>();
    s.put("onion-announce", step(0, path.wrap(nonce, OnionNet.ip(9), announce)));
    s.put("announce-at-destination", step(1, announceAtD));
    byte[] fwd = new byte[35];
    fwd[0] = (byte) 0x90;
    NODE.publicKey().copyTo(fwd, 1);
    s.put("forward-request", step(2, fwd));
    // announce.c: a search for the client's key, direct and as a forwarded request, then a store
    byte[] search = dhtRequest(0x93, CLIENT.publicKey().toArray());
    s.put("data-search", step(0, search));
    byte[] forwarded = new byte[2 + 40 + search.length];
    forwarded[0] = (byte) 0x91;
    forwarded[1] = 40;
    System.arraycopy(search, 0, forwarded, 42, search.length);
    s.put("forwarded-search", step(1, forwarded));
    byte[] store = new byte[32 + 24 + 16 + 32 + 4 + 1 + 16];
    CLIENT.publicKey().copyTo(store, 0);
    s.put(
        "search-then-store",
        concat(step(0, search), step(0, dhtRequest(0x97, store)), step(2, search)));
    return s;
  }

  /** An announce.c request from CLIENT to NODE with a fixed nonce, echo 0. */
  static byte[] dhtRequest(int type, byte[] plain) {
    org.toxreactive.core.SharedKey k =
        org.toxreactive.core.CryptoBox.beforenm(NODE.publicKey(), CLIENT.secretKey());
    byte[] sealed =
        new org.toxreactive.core.CryptoBox()
            .seal(k, Nonce.of(fill(24, 3)), java.util.Arrays.copyOf(plain, plain.length + 8));
    return concat(new byte[] {(byte) type}, CLIENT.publicKey().toArray(), fill(24, 3), sealed);
  }

  static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }

  static Map<String, byte[]> groupSeeds() {
    byte[] a = new byte[32 + 32 + 2 + 7];
    a[64] = 1;
    byte[] ip = {2, 127, 0, 0, 1, 0x01, 0x02};
    System.arraycopy(ip, 0, a, 66, 7);
    Map<String, byte[]> s = new LinkedHashMap<>();
    s.put("ipv4", a);
    return s;
  }
}
