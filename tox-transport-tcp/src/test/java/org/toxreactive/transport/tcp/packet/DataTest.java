package org.toxreactive.transport.tcp.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.toxreactive.transport.tcp.packet.PacketTesting.assertMalformedHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.assertTruncations;
import static org.toxreactive.transport.tcp.packet.PacketTesting.counting;
import static org.toxreactive.transport.tcp.packet.PacketTesting.decodeHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.encodeHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.roundTrip;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.toxreactive.core.Bytes;
import org.toxreactive.transport.tcp.RelayProtocol;

class DataTest {
  @Test
  void encodesConnectionIdAsTheFirstByteThenPayload() {
    Data d = new Data(16, Bytes.ofUtf8("hello"));
    assertThat(encodeHex(d)).isEqualTo("10" + "68656c6c6f");
    assertThat(decodeHex("1068656c6c6f")).isEqualTo(d);
    assertThat(encodeHex(new Data(255, Bytes.EMPTY))).isEqualTo("ff");
    assertThat(decodeHex("c8")).isEqualTo(new Data(200, Bytes.EMPTY));
  }

  @Test
  void everyPrefixFromTheIdByteOnIsValid() {
    assertTruncations(new Data(200, counting(10)), 1);
  }

  @Test
  void accepts2032BytesButNot2033() {
    Data max = new Data(16, counting(Data.MAX_PAYLOAD));
    assertThat(max.encodedLength()).isEqualTo(RelayProtocol.MAX_PLAINTEXT);
    assertThat(roundTrip(max)).isEqualTo(max);
    assertMalformedHex("10" + "00".repeat(Data.MAX_PAYLOAD + 1))
        .hasMessage("packet length 2033 exceeds 2032");
    assertThatThrownBy(() -> new Data(16, counting(Data.MAX_PAYLOAD + 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 0, 11, 15, 256})
  void constructorRejectsConnectionIdsOutside16To255(int id) {
    assertThatThrownBy(() -> new Data(id, Bytes.EMPTY))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsAndRewritesTheConnectionIdInPlace() {
    ByteBuf buf = Unpooled.buffer();
    try {
      buf.writeByte(0x77).writeBytes(encodeBytes(new Data(200, Bytes.ofHex("abcd"))));
      buf.skipBytes(1);
      assertThat(Data.connectionIdOf(buf)).isEqualTo(200);
      Data.setConnectionId(buf, 17);
      assertThat(ByteBufUtil.hexDump(buf)).isEqualTo("11abcd");
      assertThat(buf.readerIndex()).isEqualTo(1);
      assertThatThrownBy(() -> Data.setConnectionId(buf, 15))
          .isInstanceOf(IllegalArgumentException.class);
    } finally {
      buf.release();
    }
  }

  @Test
  void isNotPriority() {
    assertThat(new Data(16, Bytes.EMPTY).kind().isPriority()).isFalse();
  }

  private static byte[] encodeBytes(RelayPacket p) {
    return PacketTesting.encode(p);
  }
}
