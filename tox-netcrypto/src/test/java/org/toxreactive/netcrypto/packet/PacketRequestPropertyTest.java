package org.toxreactive.netcrypto.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Packet request encoding (docs/protocol.md 4.10) over random hole patterns: alternating runs of
 * received packets and holes (runs past 255 exercise the zero byte), from any start across the u32
 * wrap. Decoding what we encode yields exactly the holes in order (or, when the request is full,
 * the first of them), with the frontier after them when asked; and any bytes at all decode without
 * throwing into ascending numbers inside the window.
 */
class PacketRequestPropertyTest {
  @Provide
  Arbitrary<Integer> starts() {
    return Arbitraries.oneOf(
        Arbitraries.integers(),
        Arbitraries.integers().between(-700, 40),
        Arbitraries.integers().between(Integer.MAX_VALUE - 700, Integer.MAX_VALUE));
  }

  @Provide
  Arbitrary<List<Integer>> runs() {
    return Arbitraries.oneOf(
            Arbitraries.integers().between(1, 4),
            Arbitraries.integers().between(250, 260),
            Arbitraries.integers().between(1, 600))
        .list()
        .ofMaxSize(40);
  }

  @Property(tries = 500)
  void decodingTheRequestYieldsTheHolesInOrder(
      @ForAll("starts") int start,
      @ForAll("runs") List<Integer> runs,
      @ForAll boolean firstRunIsHoles,
      @ForAll boolean frontier) {
    PacketRing<byte[]> ring = new PacketRing<>();
    ring.moveStart(start);
    List<Integer> holes = new ArrayList<>();
    int pos = start;
    boolean holesNow = firstRunIsHoles;
    for (int run : runs) {
      for (int i = 0; i < run; i++, pos++) {
        if (holesNow) {
          holes.add(pos);
        } else {
          assertThat(ring.store(pos, new byte[] {16})).isTrue();
        }
      }
      holesNow = !holesNow;
    }
    assertThat(ring.setEnd(pos)).isTrue();
    int end = pos;

    byte[] request = PacketRequest.encode(ring, frontier);
    assertThat(request.length).isBetween(1, PacketRequest.MAX_DATA);
    assertThat(request[0]).isEqualTo(PacketRequest.ID);

    List<Integer> expected = new ArrayList<>(holes);
    if (frontier && end != start) {
      expected.add(end);
    }
    // the sender may have sent past our end: decode against a window that reaches the frontier
    PacketRequest.Requested r = PacketRequest.decode(request, start, end + 1);
    assertThat(r).isNotNull();
    List<Integer> got = new ArrayList<>();
    for (int n : r.requestedNumbers()) {
      got.add(n);
    }
    if (request.length < PacketRequest.MAX_DATA) {
      assertThat(got).as("every hole, then the frontier if asked").isEqualTo(expected);
    } else {
      assertThat(expected).as("a full request asks for the first holes").startsWith(asArray(got));
    }
    if (!got.isEmpty()) {
      assertThat(r.lastRequested()).isEqualTo(got.get(got.size() - 1));
    }
  }

  @Property(tries = 500)
  void anyBytesDecodeToAscendingNumbersInsideTheWindow(
      @ForAll @Size(max = 1400) byte[] data,
      @ForAll("starts") int start,
      @ForAll @IntRange(min = 0, max = PacketRing.SIZE) int span) {
    int end = start + span;
    assertThatCode(() -> PacketRequest.decode(data, start, end)).doesNotThrowAnyException();
    PacketRequest.Requested r = PacketRequest.decode(data, start, end);
    if (r == null) {
      return; // a non-zero byte where a 255-run needs a zero: refused as a whole
    }
    int previous = -1;
    for (int n : r.requestedNumbers()) {
      int offset = n - start;
      assertThat(Integer.compareUnsigned(offset, span)).as("%d inside the window", n).isNegative();
      assertThat(offset).as("ascending").isGreaterThan(previous);
      previous = offset;
    }
    assertThat(r.requestedNumbers().length).isLessThanOrEqualTo(Math.max(0, data.length - 1));
  }

  private static Integer[] asArray(List<Integer> l) {
    return l.toArray(new Integer[0]);
  }
}
