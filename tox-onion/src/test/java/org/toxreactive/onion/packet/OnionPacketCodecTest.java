package org.toxreactive.onion.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;

/** Hand-built golden bytes for every codec, decode and re-encode (docs/protocol.md 13). */
class OnionPacketCodecTest {
  static final String NONCE = "00".repeat(23) + "01";
  static final String KEY = "11".repeat(32);
  static final String KEY2 = "22".repeat(32);

  static byte[] hex(String... parts) {
    return Bytes.ofHex(String.join("", parts)).toArray();
  }

  static OnionPacket decode(byte[] b) {
    ByteBuf in = Unpooled.wrappedBuffer(b);
    try {
      OnionPacket p = OnionPacket.decode(in);
      assertThat(in.isReadable()).isFalse();
      return p;
    } finally {
      in.release();
    }
  }

  static byte[] encode(OnionPacket p) {
    ByteBuf out = Unpooled.buffer();
    try {
      p.encode(out);
      assertThat(out.readableBytes()).isEqualTo(p.encodedLength());
      return ByteBufUtil.getBytes(out);
    } finally {
      out.release();
    }
  }

  static void roundTrip(byte[] golden, OnionPacket expected) {
    assertThat(decode(golden)).isEqualTo(expected);
    assertThat(encode(expected)).isEqualTo(golden);
  }

  static void rejects(byte[] b, String message) {
    ByteBuf in = Unpooled.wrappedBuffer(b);
    try {
      assertThatThrownBy(() -> OnionPacket.decode(in))
          .isInstanceOf(MalformedOnionPacketException.class)
          .hasMessageContaining(message);
      assertThat(in.readerIndex()).isZero();
    } finally {
      in.release();
    }
  }

  @Test
  void sendInitial() {
    String box = "ab".repeat(170);
    roundTrip(
        hex("80", NONCE, KEY, box),
        new OnionSendInitial(Nonce.fromHex(NONCE), PublicKey.fromHex(KEY), Bytes.ofHex(box)));
    rejects(
        hex("80", NONCE, KEY, "ab".repeat(169)), "onion request 1: length 226, expected 227..1400");
    rejects(hex("80", NONCE, KEY, "ab".repeat(1344)), "length 1401");
  }

  @Test
  void send1AndSend2CarryTheirReturnBlocks() {
    String r1 = "cc".repeat(59);
    String r2 = "dd".repeat(118);
    roundTrip(
        hex("81", NONCE, KEY, "ab".repeat(103), r1),
        new OnionSend1(
            Nonce.fromHex(NONCE),
            PublicKey.fromHex(KEY),
            Bytes.ofHex("ab".repeat(103)),
            Bytes.ofHex(r1)));
    rejects(
        hex("81", NONCE, KEY, "ab".repeat(102), r1),
        "onion request 2: length 218, expected 219..1400");
    roundTrip(
        hex("82", NONCE, KEY, "ab".repeat(36), r2),
        new OnionSend2(
            Nonce.fromHex(NONCE),
            PublicKey.fromHex(KEY),
            Bytes.ofHex("ab".repeat(36)),
            Bytes.ofHex(r2)));
    rejects(hex("82", NONCE, KEY, "ab".repeat(35), r2), "onion request 3: length 210");
  }

  @Test
  void responsesOfTheThreeLayers() {
    roundTrip(
        hex("8c", "33".repeat(177), "84", "99"),
        new OnionRecv(OnionPacketKind.RECV_3, Bytes.ofHex("33".repeat(177)), Bytes.ofHex("8499")));
    roundTrip(
        hex("8d", "33".repeat(118), "86"),
        new OnionRecv(OnionPacketKind.RECV_2, Bytes.ofHex("33".repeat(118)), Bytes.ofHex("86")));
    roundTrip(
        hex("8e", "33".repeat(59), "88"),
        new OnionRecv(OnionPacketKind.RECV_1, Bytes.ofHex("33".repeat(59)), Bytes.ofHex("88")));
    rejects(hex("8e", "33".repeat(59)), "onion response 1: length 60, expected 61..1400");
  }

  @Test
  void announceRequestsOldExactAndNewWithExtra() {
    String box = "ee".repeat(120);
    roundTrip(
        hex("83", NONCE, KEY, box),
        new AnnounceRequest(
            OnionPacketKind.ANNOUNCE_REQUEST_OLD,
            Nonce.fromHex(NONCE),
            PublicKey.fromHex(KEY),
            Bytes.ofHex(box)));
    rejects(hex("83", NONCE, KEY, box, "00"), "old announce request: length 178, expected 177");
    String boxExtra = "ee".repeat(120 + 136);
    roundTrip(
        hex("87", NONCE, KEY, boxExtra),
        new AnnounceRequest(
            OnionPacketKind.ANNOUNCE_REQUEST,
            Nonce.fromHex(NONCE),
            PublicKey.fromHex(KEY),
            Bytes.ofHex(boxExtra)));
    rejects(
        hex("87", NONCE, KEY, boxExtra, "00"), "announce request: length 314, expected 177..313");
  }

  @Test
  void announcePlaintext() {
    byte[] golden = hex("55".repeat(32), KEY, KEY2, "0102030405060708", "aabb");
    AnnouncePlain p = AnnouncePlain.decode(golden);
    assertThat(p.pingId()).isEqualTo(Bytes.ofHex("55".repeat(32)));
    assertThat(p.searchedKey()).isEqualTo(PublicKey.fromHex(KEY));
    assertThat(p.dataKey()).isEqualTo(PublicKey.fromHex(KEY2));
    assertThat(p.sendback()).isEqualTo(Bytes.ofHex("0102030405060708"));
    assertThat(p.extra()).isEqualTo(Bytes.ofHex("aabb"));
    assertThat(p.encode()).isEqualTo(golden);
    assertThatThrownBy(() -> AnnouncePlain.decode(new byte[103]))
        .isInstanceOf(MalformedOnionPacketException.class)
        .hasMessage("announce plaintext: length 103, expected 104..240");
  }

  @Test
  void announceResponseAndReplyBothForms() throws Exception {
    String box = "ee".repeat(49);
    roundTrip(
        hex("84", "0102030405060708", NONCE, box),
        new AnnounceResponse(
            OnionPacketKind.ANNOUNCE_RESPONSE_OLD,
            Bytes.ofHex("0102030405060708"),
            Nonce.fromHex(NONCE),
            Bytes.ofHex(box)));
    rejects(hex("88", "0102030405060708", NONCE, "ee".repeat(48)), "length 81, expected 82..1222");

    PackedNode v4 =
        PackedNode.udp(
            new IpPort(InetAddress.getByName("127.0.0.1"), 33445), PublicKey.fromHex(KEY));
    PackedNode v6 =
        PackedNode.udp(new IpPort(InetAddress.getByName("::1"), 1), PublicKey.fromHex(KEY2));
    String v4hex = "02" + "7f000001" + "82a5" + KEY;
    String v6hex = "0a" + "00".repeat(15) + "01" + "0001" + KEY2;
    AnnounceReply r =
        new AnnounceReply(2, Bytes.ofHex("55".repeat(32)), List.of(v4, v6), Bytes.EMPTY);
    byte[] old = hex("02", "55".repeat(32), v4hex, v6hex);
    assertThat(r.encode(false)).isEqualTo(old);
    assertThat(AnnounceReply.decode(old, false)).isEqualTo(r);
    AnnounceReply withExtra =
        new AnnounceReply(1, Bytes.ofHex("55".repeat(32)), List.of(v4), Bytes.ofHex("beef"));
    byte[] counted = hex("01", "55".repeat(32), "01", v4hex, "beef");
    assertThat(withExtra.encode(true)).isEqualTo(counted);
    assertThat(AnnounceReply.decode(counted, true)).isEqualTo(withExtra);
    assertThatThrownBy(() -> AnnounceReply.decode(hex("01", "55".repeat(32), "05"), true))
        .isInstanceOf(MalformedOnionPacketException.class)
        .hasMessage("announce reply: 5 nodes, at most 4");
    assertThatThrownBy(
            () ->
                AnnounceReply.decode(hex("01", "55".repeat(32), "82" + v4hex.substring(2)), false))
        .isInstanceOf(MalformedOnionPacketException.class)
        .hasMessageContaining("TCP node");
  }

  @Test
  void dataRequestAndResponse() {
    String box = "ee".repeat(17);
    roundTrip(
        hex("85", KEY, NONCE, KEY2, box),
        new OnionDataRequest(
            PublicKey.fromHex(KEY),
            Nonce.fromHex(NONCE),
            PublicKey.fromHex(KEY2),
            Bytes.ofHex(box)));
    rejects(
        hex("85", KEY, NONCE, KEY2, "ee".repeat(16)),
        "onion data request: length 105, expected 106..1223");
    roundTrip(
        hex("86", NONCE, KEY2, box),
        new OnionDataResponse(Nonce.fromHex(NONCE), PublicKey.fromHex(KEY2), Bytes.ofHex(box)));
    rejects(
        hex("86", NONCE, KEY2, "ee".repeat(16)),
        "onion data response: length 73, expected 74..1222");
  }

  @Test
  void forwardingPackets() {
    roundTrip(hex("90", KEY), new ForwardRequest(PublicKey.fromHex(KEY), Bytes.EMPTY));
    roundTrip(
        hex("90", KEY, "0102"), new ForwardRequest(PublicKey.fromHex(KEY), Bytes.ofHex("0102")));
    rejects(hex("90", "11".repeat(31)), "forward request: length 32, expected 33..1825");
    roundTrip(hex("91", "00", "aa"), new Forwarding(Bytes.EMPTY, Bytes.ofHex("aa")));
    roundTrip(
        hex("91", "02", "0102", "aa"), new Forwarding(Bytes.ofHex("0102"), Bytes.ofHex("aa")));
    rejects(hex("91", "03", "0102"), "forwarding: sendback length 3 does not fit a 4-byte packet");
    String sb = "77".repeat(40);
    roundTrip(hex("92", "28", sb, "aa"), new ForwardReply(Bytes.ofHex(sb), Bytes.ofHex("aa")));
    rejects(
        hex("92", "20", "77".repeat(32), "aa"),
        "forward reply: sendback length 32, expected 33..254");
    rejects(hex("92", "ff", "77".repeat(255)), "sendback length 255");
  }

  @Test
  void dhtAnnounceEnvelope() {
    String box = "ee".repeat(24);
    for (int id = 0x93; id <= 0x98; id++) {
      OnionPacketKind kind = OnionPacketKind.ofId(id);
      roundTrip(
          hex(Integer.toHexString(id), KEY, NONCE, box),
          new DhtAnnouncePacket(
              kind, PublicKey.fromHex(KEY), Nonce.fromHex(NONCE), Bytes.ofHex(box)));
    }
    rejects(
        hex("97", KEY, NONCE, "ee".repeat(23)),
        "store announce request: length 80, expected 81..2048");
  }

  @Test
  void onionLayer() throws Exception {
    IpPort v4 = new IpPort(InetAddress.getByName("127.0.0.1"), 33445);
    byte[] golden = hex("02", "7f000001", "00".repeat(12), "82a5", "abcd");
    OnionLayer l = OnionLayer.decode(golden, 0, golden.length);
    assertThat(l).isEqualTo(new OnionLayer(v4, Bytes.ofHex("abcd")));
    assertThat(l.encode()).isEqualTo(golden);
    golden[0] = 11;
    assertThatThrownBy(() -> OnionLayer.decode(golden, 0, golden.length))
        .isInstanceOf(MalformedOnionPacketException.class)
        .hasMessage("onion layer: unsupported IP_Port family 11");
  }

  @Test
  void unknownAndEmpty() {
    rejects(new byte[0], "empty onion packet");
    rejects(hex("89"), "not an onion packet: id 0x89");
    rejects(hex("02"), "not an onion packet: id 0x2");
  }

  @Test
  void sizeConstantsAreC_toxcores() {
    assertThat(OnionSizes.RETURN_1).isEqualTo(59);
    assertThat(OnionSizes.RETURN_2).isEqualTo(118);
    assertThat(OnionSizes.RETURN_3).isEqualTo(177);
    assertThat(OnionSizes.SEND_1).isEqualTo(225);
    assertThat(OnionSizes.MAX_DATA_SIZE).isEqualTo(1174);
    assertThat(OnionSizes.RESPONSE_MAX_DATA_SIZE).isEqualTo(1222);
    assertThat(AnnounceRequest.MIN_LENGTH).isEqualTo(177);
    assertThat(AnnounceResponse.MIN_LENGTH).isEqualTo(82);
  }
}
