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

  @Test
  void startsSmallAndGrowsByDoublingKeepingWhatIsStored() {
    PacketRing<Integer> r = new PacketRing<>();
    r.moveStart(0xFFFF_FFF0); // growth must keep each number's slot across the u32 wrap
    assertThat(r.capacity()).isEqualTo(PacketRing.INITIAL_CAPACITY);
    for (int i = 0; i < 100; i += 2) {
      assertThat(r.store(0xFFFF_FFF0 + i, i)).isTrue();
    }
    assertThat(r.capacity()).isEqualTo(128);
    for (int i = 0; i < 100; i++) {
      assertThat(r.get(0xFFFF_FFF0 + i)).isEqualTo(i % 2 == 0 ? Integer.valueOf(i) : null);
    }
    assertThat(r.store(0xFFFF_FFF0 + PacketRing.SIZE - 1, -1)).isTrue();
    assertThat(r.capacity()).isEqualTo(PacketRing.SIZE);
    assertThat(r.get(0xFFFF_FFF0 + 98)).isEqualTo(98);
    assertThat(r.get(0xFFFF_FFF0 + 99)).isNull();
  }

  @Test
  void aFarEndGrowsTheRingSoHolesStayHoles() {
    PacketRing<String> r = new PacketRing<>();
    assertThat(r.store(0, "a")).isTrue();
    assertThat(r.setEnd(1000)).isTrue();
    assertThat(r.capacity()).isGreaterThanOrEqualTo(1000);
    // 0 and 512 would share a slot in a ring smaller than the window
    assertThat(r.get(512)).isNull();
    assertThat(r.store(512, "b")).isTrue();
    assertThat(r.get(0)).isEqualTo("a");
    assertThat(r.get(512)).isEqualTo("b");
  }
}
