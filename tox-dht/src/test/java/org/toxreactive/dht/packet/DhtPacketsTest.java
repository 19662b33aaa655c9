package org.toxreactive.dht.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.core.ToxProtocolException;

/** Golden layouts, built by hand from docs/protocol.md (DHT section), and the decoders' bounds. */
class DhtPacketsTest {
  private static final HexFormat HEX = HexFormat.of();
  static final PublicKey K1 = PublicKey.fromHex("11".repeat(32));
  static final PublicKey K2 = PublicKey.fromHex("22".repeat(32));
  static final long ID = 0x0102030405060708L;
  static final String ID_HEX = "0807060504030201"; // host order (little-endian) on the wire

  static IpPort ip(String host, int port) throws Exception {
    return new IpPort(InetAddress.getByName(host), port);
  }

  @Test
  void pingPlaintextsAreTypeThenPingId() {
    assertThat(HEX.formatHex(new PingRequest(ID).plaintext())).isEqualTo("00" + ID_HEX);
    assertThat(HEX.formatHex(new PingResponse(ID).plaintext())).isEqualTo("01" + ID_HEX);
    assertThat(DhtMessage.decode(DhtPacketKind.PING_RESPONSE, HEX.parseHex("01" + ID_HEX)))
        .isEqualTo(new PingResponse(ID));
    assertThatThrownBy(
            () -> DhtMessage.decode(DhtPacketKind.PING_REQUEST, HEX.parseHex("01" + ID_HEX)))
        .isInstanceOf(ToxProtocolException.class)
        .hasMessage("ping_request plaintext type 1");
  }

  @Test
  void nodesRequestPlaintextIsTargetThenPingId() {
    assertThat(HEX.formatHex(new NodesRequest(K1, ID).plaintext()))
        .isEqualTo("11".repeat(32) + ID_HEX);
    assertThat(
            DhtMessage.decode(DhtPacketKind.NODES_REQUEST, HEX.parseHex("11".repeat(32) + ID_HEX)))
        .isEqualTo(new NodesRequest(K1, ID));
  }

  @Test
  void nodesResponsePlaintextIsCountNodesPingId() throws Exception {
    NodesResponse r =
        new NodesResponse(
            List.of(
                PackedNode.udp(ip("127.0.0.1", 33445), K1), PackedNode.udp(ip("::1", 33446), K2)),
            ID);
    String golden =
        "02"
            + "02"
            + "7f000001"
            + "82a5"
            + "11".repeat(32)
            + "0a"
            + "00".repeat(15)
            + "01"
            + "82a6"
            + "22".repeat(32)
            + ID_HEX;
    assertThat(HEX.formatHex(r.plaintext())).isEqualTo(golden);
    assertThat(DhtMessage.decode(DhtPacketKind.NODES_RESPONSE, HEX.parseHex(golden))).isEqualTo(r);
  }

  @Test
  void nodesResponseDecoderRejectsWhatCToxcoreRejects() {
    String v4 = "02" + "7f000001" + "82a5" + "11".repeat(32);
    String tcp = "82" + "7f000001" + "82a5" + "11".repeat(32);
    assertThat(reject("01" + tcp + ID_HEX)).contains("TCP node");
    assertThat(reject("05" + v4.repeat(4) + ID_HEX)).contains("count 5");
    assertThat(reject("02" + v4 + ID_HEX)).contains("truncated packed node");
    assertThat(reject("00" + ID_HEX)).contains("plaintext of 9 bytes"); // 0 nodes: dropped
    assertThat(reject("00" + "ab" + ID_HEX)).contains("1 bytes after 0 nodes");
    assertThat(reject("01" + v4 + "ab" + ID_HEX)).contains("1 bytes after 1 nodes");
    assertThat(reject("01" + "03" + "7f000001" + "82a5" + "11".repeat(32) + ID_HEX))
        .contains("family 3");
  }

  private static String reject(String hex) {
    try {
      DhtMessage.decode(DhtPacketKind.NODES_RESPONSE, HEX.parseHex(hex));
    } catch (ToxProtocolException e) {
      assertThat(e.getMessage()).doesNotContain("\n");
      return e.getMessage();
    }
    throw new AssertionError("accepted " + hex);
  }

  @Test
  void envelopeIsIdSenderNonceBox() {
    KeyPair a = KeyPair.generate();
    KeyPair b = KeyPair.generate();
    SharedKey k = CryptoBox.beforenm(b.publicKey(), a.secretKey());
    Nonce n =
        Nonce.of(
            new byte[] {
              1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24
            });
    byte[] plain = new NodesRequest(K1, ID).plaintext();
    ByteBuf p =
        DhtEnvelope.seal(new CryptoBox(), DhtPacketKind.NODES_REQUEST, a.publicKey(), k, n, plain);
    try {
      byte[] all = ByteBufUtil.getBytes(p);
      assertThat(all).hasSize(113);
      assertThat(all[0]).isEqualTo((byte) 0x02);
      assertThat(Arrays.copyOfRange(all, 1, 33)).isEqualTo(a.publicKey().toArray());
      assertThat(Arrays.copyOfRange(all, 33, 57)).isEqualTo(n.toArray());
      assertThat(Arrays.copyOfRange(all, 57, 113)).isEqualTo(new CryptoBox().seal(k, n, plain));
      DhtEnvelope env = DhtEnvelope.parse(p);
      assertThat(p.readerIndex()).isZero();
      byte[] opened = env.open(new CryptoBox(), CryptoBox.beforenm(a.publicKey(), b.secretKey()));
      assertThat(opened).isEqualTo(plain);
    } finally {
      p.release();
    }
  }

  @Test
  void envelopeLengthsAreThoseOfTheId() {
    assertThat(PingRequest.PACKET_SIZE).isEqualTo(82);
    assertThat(NodesRequest.PACKET_SIZE).isEqualTo(113);
    assertThat(parseLength(0x00, 82)).isNull();
    assertThat(parseLength(0x00, 83)).isEqualTo("ping_request of 83 bytes, must be 82");
    assertThat(parseLength(0x01, 81)).isEqualTo("ping_response of 81 bytes, must be 82");
    assertThat(parseLength(0x02, 112)).isEqualTo("nodes_request of 112 bytes, must be 113");
    assertThat(parseLength(0x04, 82)).isEqualTo("nodes_response of 82 bytes, must be 83..286");
    assertThat(parseLength(0x04, 286)).isNull();
    assertThat(parseLength(0x04, 287)).isEqualTo("nodes_response of 287 bytes, must be 83..286");
    assertThat(parseLength(0x20, 200)).isEqualTo("crypto is not an enveloped DHT packet");
    assertThat(parseLength(0x03, 82)).isEqualTo("not a DHT packet id: 3");
  }

  private static String parseLength(int id, int length) {
    ByteBuf b = Unpooled.buffer(length).writeByte(id).writeZero(length - 1);
    try {
      DhtEnvelope.parse(b);
      return null;
    } catch (ToxProtocolException e) {
      return e.getMessage();
    } finally {
      b.release();
    }
  }

  @Test
  void cryptoRequestIsReceiverSenderNonceBoxAndLengthBounded() {
    KeyPair a = KeyPair.generate();
    KeyPair b = KeyPair.generate();
    SharedKey k = CryptoBox.beforenm(b.publicKey(), a.secretKey());
    Nonce n = Nonce.random();
    ByteBuf p =
        CryptoRequest.seal(
            new CryptoBox(),
            b.publicKey(),
            a.publicKey(),
            k,
            n,
            254,
            new NatPing(false, ID).encode());
    try {
      byte[] all = ByteBufUtil.getBytes(p);
      assertThat(all).hasSize(1 + 32 + 32 + 24 + 16 + 1 + 9);
      assertThat(all[0]).isEqualTo((byte) 0x20);
      assertThat(Arrays.copyOfRange(all, 1, 33)).isEqualTo(b.publicKey().toArray());
      assertThat(Arrays.copyOfRange(all, 33, 65)).isEqualTo(a.publicKey().toArray());
      assertThat(Arrays.copyOfRange(all, 65, 89)).isEqualTo(n.toArray());
      CryptoRequest r = CryptoRequest.parse(p);
      byte[] plain = r.open(new CryptoBox(), CryptoBox.beforenm(a.publicKey(), b.secretKey()));
      assertThat(HEX.formatHex(plain)).isEqualTo("fe" + "00" + ID_HEX);
      assertThat(NatPing.decode(Arrays.copyOfRange(plain, 1, plain.length)))
          .isEqualTo(new NatPing(false, ID));
    } finally {
      p.release();
    }
    assertThat(cryptoLength(105)).contains("105 bytes, must be 106..1040");
    assertThat(cryptoLength(106)).isNull();
    assertThat(cryptoLength(1040)).isNull();
    assertThat(cryptoLength(1041)).contains("1041 bytes");
  }

  private static String cryptoLength(int length) {
    ByteBuf b = Unpooled.buffer(length).writeByte(0x20).writeZero(length - 1);
    try {
      CryptoRequest r = CryptoRequest.parse(b);
      assertThat(r.length()).isEqualTo(length);
      if (length > 1024) {
        assertThat(r.open(new CryptoBox(), SharedKey.random())).isNull(); // routed, never opened
      }
      return null;
    } catch (ToxProtocolException e) {
      return e.getMessage();
    } finally {
      b.release();
    }
  }

  @Test
  void natPingIsTypeThenId() {
    assertThat(HEX.formatHex(new NatPing(true, ID).encode())).isEqualTo("01" + ID_HEX);
    assertThatThrownBy(() -> NatPing.decode(HEX.parseHex("02" + ID_HEX)))
        .hasMessage("NAT ping type 2, must be 0 or 1");
    assertThatThrownBy(() -> NatPing.decode(new byte[8]))
        .hasMessage("NAT ping of 8 bytes, must be 9");
  }

  @Test
  void bootstrapInfoIsIdVersionBigEndianMotd() {
    BootstrapInfo i =
        new BootstrapInfo(
            1_000_002_018L, "abc\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    ByteBuf b = i.encode();
    try {
      assertThat(ByteBufUtil.hexDump(b)).isEqualTo("f0" + "3b9ad1e2" + "61626300");
      assertThat(BootstrapInfo.decode(b)).isEqualTo(i);
      assertThat(BootstrapInfo.decode(b).motdText()).isEqualTo("abc");
    } finally {
      b.release();
    }
    assertThat(BootstrapInfo.daemonVersion(0, 2, 18)).isEqualTo(1_000_002_018L);
    assertThatThrownBy(() -> new BootstrapInfo(1, new byte[257]))
        .hasMessageContaining("at most 256");
    ByteBuf tooLong = Unpooled.buffer().writeByte(0xF0).writeZero(261);
    assertThatThrownBy(() -> BootstrapInfo.decode(tooLong))
        .hasMessage("bootstrap info of 262 bytes, must be 5..261");
    tooLong.release();
    ByteBuf req = BootstrapInfo.request();
    assertThat(BootstrapInfo.isRequest(req)).isTrue();
    req.release();
  }
}
