package org.toxreactive.netcrypto.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** docs/protocol.md 4.10's worked-example table, both directions, plus random round trips. */
class PacketRequestTest {
  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of(100, 106, new int[] {100, 103, 104}, "01010301"),
        Arguments.of(3, 1030, new int[] {3, 6, 1024}, "010103000000fd"),
        Arguments.of(0, 301, new int[] {300}, "01002e"),
        Arguments.of(10, 265, new int[] {264}, "01ff"),
        Arguments.of(10, 266, new int[] {265}, "010001"));
  }

  private static PacketRing<byte[]> ring(int start, int end, int[] missing) {
    PacketRing<byte[]> r = new PacketRing<>();
    r.moveStart(start);
    Set<Integer> miss = new TreeSet<>();
    for (int m : missing) {
      miss.add(m);
    }
    for (int i = start; i != end; i++) {
      if (!miss.contains(i)) {
        r.store(i, new byte[] {16});
      }
    }
    r.setEnd(end);
    return r;
  }

  @ParameterizedTest
  @MethodSource("table")
  void encodesAndDecodesTheWorkedExamples(int start, int end, int[] missing, String hex) {
    assertThat(HexFormat.of().formatHex(PacketRequest.encode(ring(start, end, missing))))
        .isEqualTo(hex);
    PacketRequest.Requested r = PacketRequest.decode(HexFormat.of().parseHex(hex), start, end);
    assertThat(r.requestedNumbers()).containsExactly(missing);
    assertThat(r.lastRequested()).isEqualTo(missing[missing.length - 1]);
  }

  @Test
  void aZeroByteStandsForARunOf255PresentPackets() {
    // positions 10..264 present: the counter reaches 255 and the 0 byte is consumed for them
    assertThat(PacketRequest.decode(HexFormat.of().parseHex("010001"), 10, 300).requestedNumbers())
        .containsExactly(265);
    // a request may end with a zero byte: it asks for nothing more
    assertThat(PacketRequest.decode(HexFormat.of().parseHex("0100"), 10, 300).requestedNumbers())
        .isEmpty();
  }

  @Test
  void theFrontierAsksForThePositionJustPastTheNewestPacket() {
    PacketRing<byte[]> r = ring(100, 106, new int[] {100, 103, 104});
    byte[] plain = PacketRequest.encode(r, false);
    byte[] withFrontier = PacketRequest.encode(r, true);
    assertThat(HexFormat.of().formatHex(plain)).isEqualTo("01010301");
    assertThat(HexFormat.of().formatHex(withFrontier)).isEqualTo("0101030102");
    // the sender, which sent up to 110, learns that 105 arrived and that 106 has not
    PacketRequest.Requested q = PacketRequest.decode(withFrontier, 100, 110);
    assertThat(q.requestedNumbers()).containsExactly(100, 103, 104, 106);
    // no holes, no frontier: a request that asks for nothing
    PacketRing<byte[]> full = ring(100, 106, new int[] {});
    full.moveStart(106);
    assertThat(PacketRequest.encode(full, true)).containsExactly(1);
  }

  @Test
  void roundTripsRandomHolePatternsAcrossTheU32Wrap() {
    Random rnd = new Random(4);
    for (int round = 0; round < 300; round++) {
      int start = round % 2 == 0 ? rnd.nextInt() : -200 + rnd.nextInt(50);
      int span = 1 + rnd.nextInt(3000);
      TreeSet<Integer> miss =
          new TreeSet<>((x, y) -> Integer.compareUnsigned(x - start, y - start));
      for (int i = 0; i < span; i++) {
        if (rnd.nextInt(10) == 0) {
          miss.add(start + i);
        }
      }
      miss.add(start + span - 1);
      int[] missing = miss.stream().mapToInt(Integer::intValue).toArray();
      byte[] req = PacketRequest.encode(ring(start, start + span, missing));
      PacketRequest.Requested r = PacketRequest.decode(req, start, start + span);
      assertThat(r.requestedNumbers()).containsExactly(missing);
    }
  }

  @Test
  void theAllocationFreeOverloadsAgreeWithTheArrayOnes() {
    Random rnd = new Random(9);
    byte[] buf = new byte[PacketRequest.MAX_DATA];
    int[] into = new int[PacketRequest.MAX_DATA];
    for (int round = 0; round < 100; round++) {
      int start = rnd.nextInt();
      int span = 1 + rnd.nextInt(4000);
      TreeSet<Integer> miss = new TreeSet<>();
      for (int i = 0; i < span - 1; i++) {
        if (rnd.nextInt(50) == 0) {
          miss.add(start + i);
        }
      }
      PacketRing<byte[]> r = ring(start, start + span, miss.stream().mapToInt(x -> x).toArray());
      boolean frontier = round % 2 == 0;
      byte[] req = PacketRequest.encode(r, frontier);
      int len = PacketRequest.encode(r, frontier, buf);
      assertThat(java.util.Arrays.copyOf(buf, len)).isEqualTo(req);
      PacketRequest.Requested q = PacketRequest.decode(req, start, start + span + 1);
      int count = PacketRequest.decode(req, start, start + span + 1, into);
      assertThat(java.util.Arrays.copyOf(into, count)).isEqualTo(q.requestedNumbers());
    }
    // a short buffer stops the request where it is full, like the 1373-byte limit
    PacketRing<byte[]> r = ring(100, 106, new int[] {100, 103, 104});
    assertThat(PacketRequest.encode(r, false, buf)).isEqualTo(4);
    assertThat(PacketRequest.encode(r, false, new byte[3])).isEqualTo(3);
  }
}
