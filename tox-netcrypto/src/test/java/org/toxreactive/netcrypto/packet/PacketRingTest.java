package org.toxreactive.netcrypto.packet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacketRingTest {
  @Test
  void storesAndPopsAcrossTheU32Wrap() {
    PacketRing<Integer> r = new PacketRing<>();
    r.moveStart(0xFFFF_FF00);
    for (int i = 0; i < 512; i++) {
      assertThat(r.store(0xFFFF_FF00 + i, i)).isTrue();
    }
    assertThat(r.end()).isEqualTo(0x100);
    assertThat(r.get(0xFFFF_FFFF)).isEqualTo(255);
    assertThat(r.get(0)).isEqualTo(256);
    r.moveStart(5);
    assertThat(r.get(0xFFFF_FFFF)).isNull();
    assertThat(r.get(5)).isEqualTo(261);
  }

  @Test
  void refusesDuplicatesNumbersBelowStartAndTooFarAhead() {
    PacketRing<String> r = new PacketRing<>();
    r.moveStart(100);
    assertThat(r.store(100, "a")).isTrue();
    assertThat(r.store(100, "b")).isFalse();
    assertThat(r.store(99, "c")).isFalse();
    assertThat(r.store(100 + PacketRing.SIZE, "d")).isFalse();
    assertThat(r.store(100 + PacketRing.SIZE - 1, "e")).isTrue();
    assertThat(r.span()).isEqualTo(PacketRing.SIZE);
  }

  @Test
  void endOnlyMovesForwardAndAtMostOneRingAhead() {
    PacketRing<String> r = new PacketRing<>();
    assertThat(r.setEnd(10)).isTrue();
    assertThat(r.end()).isEqualTo(10);
    r.setEnd(5);
    assertThat(r.end()).isEqualTo(10);
    assertThat(r.setEnd(PacketRing.SIZE + 1)).isFalse();
    assertThat(r.end()).isEqualTo(10);
  }
}
