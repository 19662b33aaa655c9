package org.toxreactive.netcrypto.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link PacketRing} under random sequences of store, remove, moveStart and setEnd, from any start
 * (the u32 wrap included), checked after every step against the rules of docs/protocol.md 4.9 kept
 * in a plain map: what was stored in the window is found, nothing outside it is, the window never
 * exceeds 32768 numbers, and the slot array is a power of two that holds the window.
 */
class PacketRingPropertyTest {
  enum Kind {
    STORE,
    REMOVE,
    MOVE_START,
    SET_END
  }

  /** {@code offset} is relative to the ring's start at the time of the step. */
  record Op(Kind kind, int offset) {}

  @Provide
  Arbitrary<Integer> starts() {
    return Arbitraries.oneOf(
        Arbitraries.integers(),
        Arbitraries.integers().between(-40, 40), // around 0 and the wrap
        Arbitraries.integers().between(Integer.MAX_VALUE - 40, Integer.MAX_VALUE));
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Integer> offsets =
        Arbitraries.oneOf(
            Arbitraries.integers().between(-3, 70), // dense: holes, taken slots, growth
            Arbitraries.integers().between(PacketRing.SIZE - 3, PacketRing.SIZE + 3), // the limit
            Arbitraries.integers()); // anywhere, also far "below" start
    return Combinators.combine(Arbitraries.of(Kind.class), offsets)
        .as(Op::new)
        .list()
        .ofMaxSize(120);
  }

  @Property(tries = 400)
  void behavesLikeAWindowOverAMap(@ForAll("starts") int initialStart, @ForAll("ops") List<Op> ops) {
    PacketRing<Integer> ring = new PacketRing<>();
    ring.moveStart(initialStart);
    int start = initialStart;
    int end = initialStart;
    Map<Integer, Integer> stored = new HashMap<>();
    int value = 0;
    for (Op op : ops) {
      int num = start + op.offset();
      boolean inWindow = Integer.compareUnsigned(num - start, end - start) < 0;
      switch (op.kind()) {
        case STORE -> {
          value++;
          boolean fits = Integer.compareUnsigned(num - start, PacketRing.SIZE) < 0;
          boolean accepted = fits && !(inWindow && stored.containsKey(num));
          assertThat(ring.store(num, value)).as("store %d (%s)", num, op).isEqualTo(accepted);
          if (accepted) {
            stored.put(num, value);
            if (!inWindow) {
              end = num + 1;
            }
          }
        }
        case REMOVE -> {
          Integer expected = inWindow ? stored.remove(num) : null;
          assertThat(ring.remove(num)).as("remove %d", num).isEqualTo(expected);
        }
        case MOVE_START -> {
          if (Integer.compareUnsigned(op.offset(), PacketRing.SIZE) > 0) {
            continue; // start only ever moves forward, and by at most the window
          }
          int newStart = num;
          if (Integer.compareUnsigned(newStart - start, end - start) > 0) {
            end = newStart;
          }
          int s = start;
          stored.keySet().removeIf(k -> Integer.compareUnsigned(k - s, newStart - s) < 0);
          ring.moveStart(newStart);
          start = newStart;
        }
        case SET_END -> {
          boolean ok = Integer.compareUnsigned(num - start, PacketRing.SIZE) <= 0;
          assertThat(ring.setEnd(num)).as("setEnd %d", num).isEqualTo(ok);
          if (ok && Integer.compareUnsigned(num - start, end - start) > 0) {
            end = num;
          }
        }
      }
      assertInvariants(ring, start, end, stored);
    }
  }

  private static void assertInvariants(
      PacketRing<Integer> ring, int start, int end, Map<Integer, Integer> stored) {
    assertThat(ring.start()).isEqualTo(start);
    assertThat(ring.end()).isEqualTo(end);
    int span = end - start;
    assertThat(ring.span()).isEqualTo(span).isBetween(0, PacketRing.SIZE);
    int capacity = ring.capacity();
    assertThat(Integer.bitCount(capacity)).as("capacity %d is a power of two", capacity).isOne();
    assertThat(capacity).isBetween(Math.max(PacketRing.INITIAL_CAPACITY, span), PacketRing.SIZE);
    for (Map.Entry<Integer, Integer> e : stored.entrySet()) {
      assertThat(ring.get(e.getKey())).as("get(%d), stored", e.getKey()).isEqualTo(e.getValue());
    }
    // holes: every position near either edge of the window (the rest is covered by the map)
    for (int i = 0; i < span; i = i == 80 && span > 160 ? span - 80 : i + 1) {
      assertThat(ring.get(start + i)).as("get(start + %d)", i).isEqualTo(stored.get(start + i));
    }
    for (int outside : new int[] {end, end + 1, start - 1, start - 2, end + PacketRing.SIZE}) {
      if (Integer.compareUnsigned(outside - start, span) >= 0) {
        assertThat(ring.get(outside)).as("get(%d) outside [%d, %d)", outside, start, end).isNull();
      }
    }
  }
}
