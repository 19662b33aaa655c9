package org.toxreactive.transport.tcp.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.toxreactive.transport.tcp.packet.PacketTesting.KEY;
import static org.toxreactive.transport.tcp.packet.PacketTesting.assertMalformed;
import static org.toxreactive.transport.tcp.packet.PacketTesting.assertTruncations;
import static org.toxreactive.transport.tcp.packet.PacketTesting.decodeHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.encodeHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.roundTrip;
import static org.toxreactive.transport.tcp.packet.PacketTesting.withTrailing;

import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;

class RoutingRequestTest {
  private static final String GOLDEN =
      "00" + "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

  @Test
  void encodesIdThenPeerKey() {
    RoutingRequest r = new RoutingRequest(KEY);
    assertThat(r.encodedLength()).isEqualTo(33);
    assertThat(encodeHex(r)).isEqualTo(GOLDEN);
    assertThat(decodeHex(GOLDEN)).isEqualTo(r);
  }

  @Test
  void roundTripsARandomKey() {
    RoutingRequest r = new RoutingRequest(KeyPair.generate().publicKey());
    assertThat(roundTrip(r)).isEqualTo(r);
    assertThat(r.kind().isPriority()).isTrue();
  }

  @Test
  void rejectsEveryTruncationAndATrailingByte() {
    RoutingRequest r = new RoutingRequest(KEY);
    assertTruncations(r, RoutingRequest.LENGTH);
    assertMalformed(withTrailing(r, 1)).hasMessage("routing request: length 34, expected 33");
  }

  @Test
  void requiresAKey() {
    assertThatThrownBy(() -> new RoutingRequest(null)).isInstanceOf(NullPointerException.class);
  }
}
