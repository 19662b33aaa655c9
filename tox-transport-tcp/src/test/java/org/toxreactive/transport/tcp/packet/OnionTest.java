package org.toxreactive.transport.tcp.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.toxreactive.transport.tcp.packet.PacketTesting.assertMalformedHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.assertTruncations;
import static org.toxreactive.transport.tcp.packet.PacketTesting.counting;
import static org.toxreactive.transport.tcp.packet.PacketTesting.decodeHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.encodeHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.roundTrip;

import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.Nonce;

class OnionTest {
  private static final String NONCE_HEX = "000102030405060708090a0b0c0d0e0f1011121314151617";
  private static final Nonce NONCE = Nonce.fromHex(NONCE_HEX);

  @Test
  void encodesOnionRequestAsIdThenNonceThenPayload() {
    OnionRequest r = new OnionRequest(NONCE, Bytes.ofHex("ab".repeat(135)));
    String golden = "08" + NONCE_HEX + "ab".repeat(135);
    assertThat(r.encodedLength()).isEqualTo(160);
    assertThat(encodeHex(r)).isEqualTo(golden);
    assertThat(decodeHex(golden)).isEqualTo(r);
  }

  @Test
  void minimumOnionRequestIsOneMoreThanCToxcoreKillBound() {
    assertThat(OnionRequest.MIN_LENGTH).isEqualTo(160);
    assertMalformedHex("08" + NONCE_HEX + "ab".repeat(134))
        .hasMessage("onion request: length 159, expected 160..2032");
    assertThat(decodeHex("08" + NONCE_HEX + "ab".repeat(135)).encodedLength()).isEqualTo(160);
  }

  @Test
  void acceptsTheLargestOnionRequest() {
    OnionRequest max = new OnionRequest(NONCE, counting(OnionRequest.MAX_PAYLOAD));
    assertThat(max.encodedLength()).isEqualTo(2032);
    assertThat(roundTrip(max)).isEqualTo(max);
  }

  @Test
  void rejectsOnionRequestTruncationsBelow160() {
    assertTruncations(new OnionRequest(NONCE, counting(200)), OnionRequest.MIN_LENGTH);
  }

  @Test
  void onionRequestConstructorRejectsPayloadsTheWireCannotCarry() {
    assertThatThrownBy(() -> new OnionRequest(NONCE, counting(OnionRequest.MIN_PAYLOAD - 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OnionRequest(NONCE, counting(OnionRequest.MAX_PAYLOAD + 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void encodesOnionResponseAsIdThenInnerPacket() {
    OnionResponse r = new OnionResponse(Bytes.ofHex("86abcd"));
    assertThat(encodeHex(r)).isEqualTo("0986abcd");
    assertThat(decodeHex("0986abcd")).isEqualTo(r);
  }

  @Test
  void onionResponseNeedsAtLeastOneInnerByte() {
    assertTruncations(new OnionResponse(Bytes.ofHex("86abcd")), OnionResponse.MIN_LENGTH);
    assertMalformedHex("09").hasMessage("onion response: length 1, expected 2..2032");
    assertThatThrownBy(() -> new OnionResponse(Bytes.EMPTY))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acceptsTheLargestOnionResponseAndNoLarger() {
    OnionResponse max = new OnionResponse(counting(OnionResponse.MAX_INNER));
    assertThat(max.encodedLength()).isEqualTo(2032);
    assertThat(roundTrip(max)).isEqualTo(max);
    assertThatThrownBy(() -> new OnionResponse(counting(OnionResponse.MAX_INNER + 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
