package org.toxreactive.transport.tcp.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.toxreactive.transport.tcp.packet.PacketTesting.assertMalformed;
import static org.toxreactive.transport.tcp.packet.PacketTesting.assertTruncations;
import static org.toxreactive.transport.tcp.packet.PacketTesting.decodeHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.encodeHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.roundTrip;
import static org.toxreactive.transport.tcp.packet.PacketTesting.withTrailing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PingPongTest {
  @Test
  void encodesIdThenEightBytesBigEndian() {
    assertThat(encodeHex(new Ping(0x0102030405060708L))).isEqualTo("040102030405060708");
    assertThat(encodeHex(new Pong(0x0102030405060708L))).isEqualTo("050102030405060708");
    assertThat(decodeHex("040102030405060708")).isEqualTo(new Ping(0x0102030405060708L));
    assertThat(decodeHex("050102030405060708")).isEqualTo(new Pong(0x0102030405060708L));
  }

  @Test
  void echoesHighBitBytesUnchanged() {
    String hex = "ff00000000000080";
    Ping ping = (Ping) decodeHex("04" + hex);
    assertThat(ping.pingId()).isEqualTo(0xFF00000000000080L);
    assertThat(encodeHex(Pong.answering(ping))).isEqualTo("05" + hex);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE})
  void roundTripsAnyId(long id) {
    assertThat(roundTrip(new Ping(id))).isEqualTo(new Ping(id));
    assertThat(roundTrip(new Pong(id))).isEqualTo(new Pong(id));
  }

  @Test
  void randomPingsAreNonZeroAndVary() {
    long first = Ping.random().pingId();
    boolean varied = false;
    for (int i = 0; i < 1000; i++) {
      long id = Ping.random().pingId();
      assertThat(id).isNotZero();
      varied |= id != first;
    }
    assertThat(varied).isTrue();
  }

  @Test
  void rejectsEveryTruncationAndATrailingByte() {
    assertTruncations(new Ping(7), Ping.LENGTH);
    assertTruncations(new Pong(7), Pong.LENGTH);
    assertMalformed(withTrailing(new Ping(7), 1)).hasMessage("ping: length 10, expected 9");
    assertMalformed(withTrailing(new Pong(7), 1)).hasMessage("pong: length 10, expected 9");
  }

  @Test
  void areControlPacketsWrittenWithPriority() {
    assertThat(new Ping(1).kind().isPriority()).isTrue();
    assertThat(new Pong(1).kind().isPriority()).isTrue();
  }
}
