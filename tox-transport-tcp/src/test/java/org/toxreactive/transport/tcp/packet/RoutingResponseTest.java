package org.toxreactive.transport.tcp.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.toxreactive.transport.tcp.packet.PacketTesting.KEY;
import static org.toxreactive.transport.tcp.packet.PacketTesting.KEY_HEX;
import static org.toxreactive.transport.tcp.packet.PacketTesting.assertMalformed;
import static org.toxreactive.transport.tcp.packet.PacketTesting.assertTruncations;
import static org.toxreactive.transport.tcp.packet.PacketTesting.decodeHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.encodeHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.roundTrip;
import static org.toxreactive.transport.tcp.packet.PacketTesting.withTrailing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoutingResponseTest {
  @Test
  void encodesIdThenConnectionIdThenEchoedKey() {
    RoutingResponse r = new RoutingResponse(16, KEY);
    String golden =
        "01" + "10" + "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    assertThat(r.encodedLength()).isEqualTo(34);
    assertThat(encodeHex(r)).isEqualTo(golden);
    assertThat(decodeHex(golden)).isEqualTo(r);
  }

  @Test
  void readsConnectionIdAsUnsigned() {
    RoutingResponse r = (RoutingResponse) decodeHex("01" + "ff" + KEY_HEX);
    assertThat(r.connectionId()).isEqualTo(255);
    assertThat(r.accepted()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 15, 16, 128, 255})
  void roundTripsEveryKindOfConnectionId(int id) {
    RoutingResponse r = new RoutingResponse(id, KEY);
    assertThat(roundTrip(r)).isEqualTo(r);
    assertThat(r.accepted()).isEqualTo(id >= 16);
  }

  @Test
  void refusalHasConnectionIdZero() {
    RoutingResponse refused = RoutingResponse.refused(KEY);
    assertThat(encodeHex(refused)).isEqualTo("0100" + KEY_HEX);
    assertThat(refused.accepted()).isFalse();
  }

  @Test
  void rejectsEveryTruncationAndATrailingByte() {
    RoutingResponse r = new RoutingResponse(200, KEY);
    assertTruncations(r, RoutingResponse.LENGTH);
    assertMalformed(withTrailing(r, 1)).hasMessage("routing response: length 35, expected 34");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 256})
  void rejectsConnectionIdsOutsideAByte(int id) {
    assertThatThrownBy(() -> new RoutingResponse(id, KEY))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
