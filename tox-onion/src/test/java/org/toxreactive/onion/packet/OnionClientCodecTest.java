package org.toxreactive.onion.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;

/** Golden bytes for the onion client's data codecs (docs/protocol.md 13.10). */
class OnionClientCodecTest {
  static final String KEY = OnionPacketCodecTest.KEY;
  static final String KEY2 = OnionPacketCodecTest.KEY2;
  static final String NONCE = OnionPacketCodecTest.NONCE;

  static byte[] hex(String... parts) {
    return OnionPacketCodecTest.hex(parts);
  }

  static PackedNode node(String ip, int port, boolean tcp, String key) throws Exception {
    return new PackedNode(new IpPort(InetAddress.getByName(ip), port), tcp, PublicKey.fromHex(key));
  }

  @Test
  void dhtPkDataWithARelayAndADhtNode() throws Exception {
    byte[] golden =
        hex(
            "9c",
            "0000000065a1b2c3",
            KEY,
            "82",
            "7f000001",
            "82a5",
            KEY2,
            "02",
            "7f000002",
            "1f90",
            KEY);
    DhtPkData d =
        new DhtPkData(
            0x65a1b2c3L,
            PublicKey.fromHex(KEY),
            List.of(node("127.0.0.1", 33445, true, KEY2), node("127.0.0.2", 8080, false, KEY)));
    assertThat(DhtPkData.decode(golden)).isEqualTo(d);
    assertThat(d.encode()).isEqualTo(golden);
    assertThat(golden.length).isEqualTo(DhtPkData.MIN_LENGTH + 2 * PackedNode.IPV4_SIZE);
  }

  @Test
  void dhtPkDataWithoutNodesIs41Bytes() {
    byte[] golden = hex("9c", "ffffffffffffffff", KEY);
    DhtPkData d = DhtPkData.decode(golden);
    assertThat(d.noReplay()).isEqualTo(-1L); // u64 max: compared unsigned by the client
    assertThat(d.nodes()).isEmpty();
    assertThat(d.encode()).isEqualTo(golden);
  }

  @Test
  void dhtPkDataRejectsWhatC_toxcoreWouldNotPack() {
    assertThatThrownBy(() -> DhtPkData.decode(hex("9c", "00".repeat(8), "11".repeat(31))))
        .isInstanceOf(MalformedOnionPacketException.class)
        .hasMessage("DHT-PK announcement: length 40, expected 41..245");
    assertThatThrownBy(() -> DhtPkData.decode(hex("20", "00".repeat(8), KEY)))
        .hasMessage("DHT-PK announcement: kind 32, expected 156");
    assertThatThrownBy(() -> DhtPkData.decode(hex("9c", "00".repeat(8), KEY, "05", "7f000001")))
        .isInstanceOf(MalformedOnionPacketException.class)
        .hasMessageContaining("DHT-PK announcement: ");
    String v4 = "02" + "7f000001" + "82a5" + KEY;
    assertThatThrownBy(() -> DhtPkData.decode(hex("9c", "00".repeat(8), KEY, v4.repeat(5))))
        .hasMessage("DHT-PK announcement: more than 4 nodes");
    assertThatThrownBy(() -> DhtPkData.decode(hex("9c", "00".repeat(8), KEY, v4, "02")))
        .hasMessageContaining("truncated packed node");
  }

  @Test
  void friendRequestDataKeepsTheNospamBytesInToxIdOrder() {
    byte[] golden = hex("20", "0a0b0c0d", "68656c6c6f");
    FriendRequestData r = new FriendRequestData(0x0A0B0C0D, Bytes.ofUtf8("hello"));
    assertThat(FriendRequestData.decode(golden)).isEqualTo(r);
    assertThat(r.encode()).isEqualTo(golden);
    assertThat(FriendRequestData.decode(hex("20", "ffffffff", "41")).nospam()).isEqualTo(-1);
  }

  @Test
  void friendRequestDataBounds() {
    assertThat(
            FriendRequestData.decode(hex("20", "00000000", "41".repeat(1016))).message().length())
        .isEqualTo(1016);
    assertThatThrownBy(() -> FriendRequestData.decode(hex("20", "00000000")))
        .isInstanceOf(MalformedOnionPacketException.class)
        .hasMessage("friend request: length 5, expected 6..1021");
    assertThatThrownBy(() -> FriendRequestData.decode(hex("20", "00000000", "41".repeat(1017))))
        .hasMessage("friend request: length 1022, expected 6..1021");
    assertThatThrownBy(() -> FriendRequestData.decode(hex("9c", "00000000", "41")))
        .hasMessage("friend request: kind 156, expected 32");
    assertThatThrownBy(() -> new FriendRequestData(1, Bytes.EMPTY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("friend request message length must be 1..1016, got 0");
  }

  @Test
  void onionDataInner() {
    byte[] golden = hex(KEY, "ab".repeat(17));
    OnionDataInner d = new OnionDataInner(PublicKey.fromHex(KEY), Bytes.ofHex("ab".repeat(17)));
    assertThat(OnionDataInner.decode(golden)).isEqualTo(d);
    assertThat(d.encode()).isEqualTo(golden);
    assertThat(OnionDataInner.MAX_LENGTH).isEqualTo(1069);
    assertThat(OnionDataInner.MAX_DATA).isEqualTo(1021);
    assertThatThrownBy(() -> OnionDataInner.decode(hex(KEY, "ab".repeat(16))))
        .isInstanceOf(MalformedOnionPacketException.class)
        .hasMessage("onion data: length 48, expected 49..1069");
    assertThatThrownBy(() -> OnionDataInner.decode(hex(KEY, "ab".repeat(1038))))
        .hasMessage("onion data: length 1070, expected 49..1069");
  }

  @Test
  void dhtPkRoute() {
    byte[] golden = hex(KEY, NONCE, "cd".repeat(57));
    DhtPkRoute r =
        new DhtPkRoute(PublicKey.fromHex(KEY), Nonce.fromHex(NONCE), Bytes.ofHex("cd".repeat(57)));
    assertThat(DhtPkRoute.decode(golden)).isEqualTo(r);
    assertThat(r.encode()).isEqualTo(golden);
    assertThatThrownBy(() -> DhtPkRoute.decode(hex(KEY, NONCE, "cd".repeat(56))))
        .isInstanceOf(MalformedOnionPacketException.class)
        .hasMessage("DHT-PK over the DHT: length 112, expected 113..317");
    assertThatThrownBy(() -> DhtPkRoute.decode(hex(KEY, NONCE, "cd".repeat(262))))
        .hasMessage("DHT-PK over the DHT: length 318, expected 113..317");
  }
}
