package org.toxreactive.dht.packet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SecretKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.core.ToxProtocolException;
import org.toxreactive.test.FuzzSeeds;

/**
 * Fuzzes every DHT decoder. {@code packet}: a raw datagram, dispatched on its first byte to {@link
 * DhtEnvelope#parse}, {@link CryptoRequest#parse} or {@link BootstrapInfo#decode}. {@code
 * plaintext}: a packet id then an opened plaintext, to {@link DhtMessage#decode} (and {@link
 * NatPing#decode} for id 0xFE). Contract: a value, or a {@link ToxProtocolException} with a
 * one-line message; never another exception; the buffer is only borrowed; a decoded plaintext
 * re-encodes to exactly its input.
 */
class DhtPacketFuzzTest {
  @FuzzTest
  void packet(byte[] input) {
    ByteBuf in = Unpooled.wrappedBuffer(input);
    try {
      if (input.length == 0) {
        return;
      }
      int id = input[0] & 0xFF;
      try {
        if (id == DhtPacketKind.CRYPTO.id()) {
          CryptoRequest r = CryptoRequest.parse(in);
          assertThat(r.length()).isEqualTo(input.length);
        } else if (id == DhtPacketKind.BOOTSTRAP_INFO.id()) {
          BootstrapInfo i = BootstrapInfo.decode(in);
          ByteBuf again = i.encode();
          assertThat(ByteBufUtil.getBytes(again)).isEqualTo(input);
          again.release();
        } else {
          DhtEnvelope e = DhtEnvelope.parse(in);
          assertThat(e.kind().id()).isEqualTo(id);
          assertThat(DhtEnvelope.BOX_OFFSET + e.box().length).isEqualTo(input.length);
        }
      } catch (ToxProtocolException e) {
        assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
      }
      assertThat(in.readerIndex()).isZero();
    } finally {
      assertThat(in.refCnt()).isEqualTo(1);
      in.release();
    }
  }

  @FuzzTest
  void plaintext(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int id = input[0] & 0xFF;
    byte[] plain = Arrays.copyOfRange(input, 1, input.length);
    try {
      if (id == CryptoRequest.NAT_PING) {
        assertThat(NatPing.decode(plain).encode()).isEqualTo(plain);
        return;
      }
      DhtPacketKind kind = DhtPacketKind.ofId(id);
      if (kind == null) {
        return;
      }
      DhtMessage m = DhtMessage.decode(kind, plain);
      assertThat(m.kind()).isEqualTo(kind);
      assertThat(m.plaintext()).isEqualTo(plain);
    } catch (ToxProtocolException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
    }
  }

  @Test
  void seedsAreCurrent() throws Exception {
    FuzzSeeds.check(DhtPacketFuzzTest.class, "packet", packetSeeds());
    FuzzSeeds.check(DhtPacketFuzzTest.class, "plaintext", plaintextSeeds());
  }

  static final KeyPair A = KeyPair.fromSecretKey(SecretKey.of(filled(32, 1)));
  static final KeyPair B = KeyPair.fromSecretKey(SecretKey.of(filled(32, 2)));
  static final Nonce N = Nonce.of(filled(24, 3));

  static byte[] filled(int n, int v) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) v);
    return b;
  }

  static List<PackedNode> nodes() throws Exception {
    return List.of(
        PackedNode.udp(new IpPort(InetAddress.getByName("127.0.0.1"), 33445), A.publicKey()),
        PackedNode.udp(new IpPort(InetAddress.getByName("::1"), 33446), B.publicKey()));
  }

  static Map<String, byte[]> packetSeeds() throws Exception {
    SharedKey k = CryptoBox.beforenm(B.publicKey(), A.secretKey());
    CryptoBox box = new CryptoBox();
    Map<String, byte[]> s = new LinkedHashMap<>();
    for (DhtMessage m :
        List.<DhtMessage>of(
            new PingRequest(7),
            new PingResponse(7),
            new NodesRequest(B.publicKey(), 7),
            new NodesResponse(nodes(), 7))) {
      ByteBuf b = DhtEnvelope.seal(box, m.kind(), A.publicKey(), k, N, m.plaintext());
      s.put(m.kind().tag(), ByteBufUtil.getBytes(b));
      b.release();
    }
    ByteBuf c =
        CryptoRequest.seal(
            box, B.publicKey(), A.publicKey(), k, N, 254, new NatPing(false, 7).encode());
    s.put("crypto", ByteBufUtil.getBytes(c));
    c.release();
    ByteBuf i =
        new BootstrapInfo(
                1_000_002_018L, "motd\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encode();
    s.put("bootstrap_info", ByteBufUtil.getBytes(i));
    i.release();
    return s;
  }

  static Map<String, byte[]> plaintextSeeds() throws Exception {
    Map<String, byte[]> s = new LinkedHashMap<>();
    for (DhtMessage m :
        List.<DhtMessage>of(
            new PingRequest(7),
            new PingResponse(7),
            new NodesRequest(B.publicKey(), 7),
            new NodesResponse(nodes(), 7))) {
      s.put(m.kind().tag(), prefixed(m.kind().id(), m.plaintext()));
    }
    s.put("nat_ping", prefixed(CryptoRequest.NAT_PING, new NatPing(true, 7).encode()));
    return s;
  }

  private static byte[] prefixed(int id, byte[] rest) {
    byte[] b = new byte[rest.length + 1];
    b[0] = (byte) id;
    System.arraycopy(rest, 0, b, 1, rest.length);
    return b;
  }

  static PublicKey key(KeyPair k) {
    return k.publicKey();
  }
}
