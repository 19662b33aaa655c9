package org.toxreactive.transport.tcp.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.toxreactive.transport.tcp.packet.PacketTesting.KEY;
import static org.toxreactive.transport.tcp.packet.PacketTesting.KEY_HEX;
import static org.toxreactive.transport.tcp.packet.PacketTesting.assertMalformedHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.assertTruncations;
import static org.toxreactive.transport.tcp.packet.PacketTesting.counting;
import static org.toxreactive.transport.tcp.packet.PacketTesting.decodeHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.encodeHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.roundTrip;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.toxreactive.core.Bytes;
import org.toxreactive.transport.tcp.RelayProtocol;

class OobTest {
  private static final String KEY_GOLDEN =
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

  @Test
  void encodesIdThenKeyThenData() {
    OobSend send = new OobSend(KEY, Bytes.ofHex("abcd"));
    OobRecv recv = new OobRecv(KEY, Bytes.ofHex("abcd"));
    assertThat(encodeHex(send)).isEqualTo("06" + KEY_GOLDEN + "abcd");
    assertThat(encodeHex(recv)).isEqualTo("07" + KEY_GOLDEN + "abcd");
    assertThat(decodeHex("06" + KEY_GOLDEN + "abcd")).isEqualTo(send);
    assertThat(decodeHex("07" + KEY_GOLDEN + "abcd")).isEqualTo(recv);
    assertThat(send.encodedLength()).isEqualTo(35);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 1023, 1024})
  void roundTripsEveryAllowedDataLength(int length) {
    Bytes data = counting(length);
    assertThat(roundTrip(new OobSend(KEY, data))).isEqualTo(new OobSend(KEY, data));
    assertThat(roundTrip(new OobRecv(KEY, data))).isEqualTo(new OobRecv(KEY, data));
  }

  @Test
  void acceptsShorterDataDownToOneByteAndNoLess() {
    assertTruncations(new OobSend(KEY, counting(5)), OobSend.MIN_LENGTH);
    assertTruncations(new OobRecv(KEY, counting(5)), OobRecv.MIN_LENGTH);
  }

  @ParameterizedTest
  @ValueSource(strings = {"06", "07"})
  void acceptsThirtyFourBytesButNotThirtyThree(String id) {
    assertThat(decodeHex(id + KEY_HEX + "00").encodedLength()).isEqualTo(34);
    assertMalformedHex(id + KEY_HEX).hasMessageEndingWith("length 33, expected 34..1057");
  }

  @ParameterizedTest
  @ValueSource(strings = {"06", "07"})
  void accepts1057BytesButNot1058(String id) {
    assertThat(decodeHex(id + KEY_HEX + "ee".repeat(1024)).encodedLength()).isEqualTo(1057);
    assertMalformedHex(id + KEY_HEX + "ee".repeat(1025))
        .hasMessageEndingWith("length 1058, expected 34..1057");
  }

  @Test
  void namesTheDirectionInMessages() {
    assertMalformedHex("06" + KEY_HEX).hasMessageStartingWith("oob send:");
    assertMalformedHex("07" + KEY_HEX).hasMessageStartingWith("oob recv:");
  }

  @Test
  void constructorRejectsEmptyAndOversizedData() {
    Bytes tooLong = counting(RelayProtocol.MAX_OOB_DATA + 1);
    assertThatThrownBy(() -> new OobSend(KEY, Bytes.EMPTY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OobSend(KEY, tooLong))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OobRecv(KEY, Bytes.EMPTY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OobRecv(KEY, tooLong))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void isNotPriority() {
    assertThat(RelayPacketKind.OOB_SEND.isPriority()).isFalse();
    assertThat(RelayPacketKind.OOB_RECV.isPriority()).isFalse();
  }
}
