package org.toxreactive.transport.tcp.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.toxreactive.transport.tcp.packet.PacketTesting.assertMalformed;
import static org.toxreactive.transport.tcp.packet.PacketTesting.assertTruncations;
import static org.toxreactive.transport.tcp.packet.PacketTesting.decodeHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.encodeHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.roundTrip;
import static org.toxreactive.transport.tcp.packet.PacketTesting.withTrailing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NotificationTest {
  @Test
  void encodesConnectAndDisconnectAsIdThenConnectionId() {
    assertThat(encodeHex(new ConnectNotification(16))).isEqualTo("0210");
    assertThat(encodeHex(new DisconnectNotification(0xAB))).isEqualTo("03ab");
    assertThat(decodeHex("0210")).isEqualTo(new ConnectNotification(16));
    assertThat(decodeHex("03ab")).isEqualTo(new DisconnectNotification(0xAB));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 15, 16, 127, 128, 255})
  void decodesEveryByteValueUnsigned(int id) {
    assertThat(roundTrip(new ConnectNotification(id))).isEqualTo(new ConnectNotification(id));
    assertThat(roundTrip(new DisconnectNotification(id))).isEqualTo(new DisconnectNotification(id));
  }

  @Test
  void rejectsEveryTruncationAndATrailingByte() {
    assertTruncations(new ConnectNotification(16), ConnectNotification.LENGTH);
    assertTruncations(new DisconnectNotification(16), DisconnectNotification.LENGTH);
    assertMalformed(withTrailing(new ConnectNotification(16), 1))
        .hasMessage("connect notification: length 3, expected 2");
    assertMalformed(withTrailing(new DisconnectNotification(16), 1))
        .hasMessage("disconnect notification: length 3, expected 2");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 256})
  void rejectsConnectionIdsOutsideAByte(int id) {
    assertThatThrownBy(() -> new ConnectNotification(id))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DisconnectNotification(id))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
