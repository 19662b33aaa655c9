package org.toxreactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NetCryptoPacketKindTest {
  @Test
  void theFourKindsHaveTheIdsOfDocsProtocol41() {
    assertThat(NetCryptoPacketKind.COOKIE_REQUEST.id()).isEqualTo(0x18);
    assertThat(NetCryptoPacketKind.COOKIE_RESPONSE.id()).isEqualTo(0x19);
    assertThat(NetCryptoPacketKind.HANDSHAKE.id()).isEqualTo(0x1A);
    assertThat(NetCryptoPacketKind.DATA.id()).isEqualTo(0x1B);
    assertThat(NetCryptoPacketKind.DATA.idByte()).isEqualTo((byte) 0x1B);
  }

  @Test
  void everyByteMapsToItsKindOrToNothing() {
    Set<NetCryptoPacketKind> seen = EnumSet.noneOf(NetCryptoPacketKind.class);
    for (int b = 0; b < 256; b++) {
      NetCryptoPacketKind k = NetCryptoPacketKind.ofId(b);
      if (b >= 0x18 && b <= 0x1B) {
        assertThat(k).as("byte %d", b).isNotNull();
        assertThat(k.id()).isEqualTo(b);
        seen.add(k);
      } else {
        assertThat(k).as("byte %d", b).isNull();
      }
    }
    assertThat(seen).containsExactlyInAnyOrder(NetCryptoPacketKind.values());
  }

  @Test
  void ofReadsTheFirstByteAndRefusesEmptyPackets() {
    assertThat(NetCryptoPacketKind.of(Bytes.of((byte) 0x1A, (byte) 0)))
        .isEqualTo(NetCryptoPacketKind.HANDSHAKE);
    assertThat(NetCryptoPacketKind.of(Bytes.of((byte) 0x20))).isNull();
    assertThat(NetCryptoPacketKind.of(Bytes.EMPTY)).isNull();
  }

  @Test
  void aSignExtendedByteIsAnError() {
    assertThatThrownBy(() -> NetCryptoPacketKind.ofId(-27))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("packet id must be 0..255, got -27");
  }

  @Test
  void theLimitsAreThoseOfDocsProtocol413() {
    assertThat(NetCryptoPacketKind.MAX_PACKET_SIZE).isEqualTo(1400);
    assertThat(NetCryptoPacketKind.MAX_DATA_SIZE).isEqualTo(1373);
  }
}
