package org.toxreactive.netcrypto.packet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** docs/protocol.md 4.12: every data id's kind. */
class DataKindTest {
  @Test
  void everyDataIdHasTheKindOfDocsProtocol412() {
    for (int id = 0; id < 256; id++) {
      DataKind expected;
      if (id == 1) {
        expected = DataKind.REQUEST;
      } else if (id == 2) {
        expected = DataKind.KILL;
      } else if (id >= 16 && id <= 191) {
        expected = DataKind.LOSSLESS;
      } else if (id >= 192 && id <= 254) {
        expected = DataKind.LOSSY;
      } else {
        expected = DataKind.RESERVED;
      }
      assertThat(DataKind.ofId(id)).as("id %d", id).isEqualTo(expected);
    }
  }

  @Test
  void theKillIsItsIdAlone() {
    assertThat(DataKind.kill()).containsExactly(2);
    assertThat(DataKind.ofId(DataKind.kill()[0])).isEqualTo(DataKind.KILL);
  }

  @Test
  void anOpenedPacketNamesTheKindOfItsFirstDataByte() {
    assertThat(new DataPacket(0, 0, new byte[] {(byte) 160, 1}).kind())
        .isEqualTo(DataKind.LOSSLESS);
    assertThat(new DataPacket(0, 0, new byte[] {(byte) 200}).kind()).isEqualTo(DataKind.LOSSY);
    assertThat(new DataPacket(0, 0, new byte[] {(byte) 255}).kind()).isEqualTo(DataKind.RESERVED);
  }
}
