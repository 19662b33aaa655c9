package org.toxreactive.transport.tcp.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.toxreactive.transport.tcp.packet.PacketTesting.assertMalformed;
import static org.toxreactive.transport.tcp.packet.PacketTesting.assertMalformedHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.decode;
import static org.toxreactive.transport.tcp.packet.PacketTesting.decodeHex;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.toxreactive.core.Bytes;
import org.toxreactive.transport.tcp.RelayProtocol;

class RelayPacketTest {
  @Test
  void rejectsEmptyPacket() {
    assertMalformed(new byte[0]).hasMessage("empty packet");
  }

  @ParameterizedTest
  @ValueSource(ints = {12, 13, 14, 15})
  void rejectsReservedIdsWhateverTheLength(int id) {
    for (int length : new int[] {1, 2, 9, 34, RelayProtocol.MAX_PLAINTEXT}) {
      byte[] packet = new byte[length];
      packet[0] = (byte) id;
      assertMalformed(packet).hasMessage("reserved packet id " + id);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 16, 128, 255})
  void rejectsAnyPacketLongerThanMaxPlaintext(int id) {
    byte[] packet = new byte[RelayProtocol.MAX_PLAINTEXT + 1];
    packet[0] = (byte) id;
    assertMalformed(packet).hasMessage("packet length 2033 exceeds 2032");
  }

  @ParameterizedTest
  @ValueSource(ints = {16, 17, 127, 128, 200, 254, 255})
  void decodesEveryIdFrom16To255AsDataWithThatConnectionId(int id) {
    byte[] packet = {(byte) id, 0x61, 0x62};
    assertThat(decode(packet)).isEqualTo(new Data(id, Bytes.ofHex("6162")));
  }

  @Test
  void decodesTheLargestDataPacketAndRejectsOneByteMore() {
    byte[] max = new byte[RelayProtocol.MAX_PLAINTEXT];
    Arrays.fill(max, (byte) 0xFF);
    Data d = (Data) decode(max);
    assertThat(d.connectionId()).isEqualTo(255);
    assertThat(d.payload().length()).isEqualTo(2031);
    assertMalformed(Arrays.copyOf(max, max.length + 1));
  }

  @Test
  void dispatchesEachControlIdToItsKind() {
    assertThat(decodeHex("0000000000000000000000000000000000000000000000000000000000000000" + "00"))
        .isInstanceOf(RoutingRequest.class);
    assertThat(decodeHex("0210")).isEqualTo(new ConnectNotification(16));
    assertThat(decodeHex("0310")).isEqualTo(new DisconnectNotification(16));
    assertThat(decodeHex("040000000000000001")).isEqualTo(new Ping(1));
    assertThat(decodeHex("050000000000000001")).isEqualTo(new Pong(1));
    assertThat(decodeHex("09ff")).isEqualTo(new OnionResponse(Bytes.ofHex("ff")));
    assertThat(decodeHex("0b")).isEqualTo(new Forwarding(Bytes.EMPTY));
  }

  @Test
  void kindLookupCoversAll256Ids() {
    for (int id = 0; id < 256; id++) {
      RelayPacketKind kind = RelayPacketKind.ofId(id);
      if (id < 12) {
        assertThat(kind.id()).isEqualTo(id);
        assertThat(kind.ordinal()).isEqualTo(id);
      } else if (id < RelayProtocol.NUM_RESERVED_IDS) {
        assertThat(kind).as("reserved id %d", id).isNull();
      } else {
        assertThat(kind).isEqualTo(RelayPacketKind.DATA);
      }
    }
    assertThat(RelayPacketKind.DATA.id()).isEqualTo(-1);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, -128, 256, 1000})
  void kindLookupRejectsValuesOutsideAnUnsignedByte(int id) {
    assertThatThrownBy(() -> RelayPacketKind.ofId(id)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyControlPacketsZeroToFiveArePriority() {
    assertThat(Arrays.stream(RelayPacketKind.values()).filter(RelayPacketKind::isPriority))
        .containsExactly(
            RelayPacketKind.ROUTING_REQUEST,
            RelayPacketKind.ROUTING_RESPONSE,
            RelayPacketKind.CONNECT_NOTIFICATION,
            RelayPacketKind.DISCONNECT_NOTIFICATION,
            RelayPacketKind.PING,
            RelayPacketKind.PONG);
  }

  @Test
  void failedDecodeNamesThePacketAndTheReason() {
    assertMalformedHex("0400000000000000").hasMessage("ping: length 8, expected 9");
    assertMalformedHex("0510").hasMessage("pong: length 2, expected 9");
    assertMalformedHex("021011").hasMessage("connect notification: length 3, expected 2");
  }
}
