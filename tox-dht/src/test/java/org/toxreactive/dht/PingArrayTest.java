package org.toxreactive.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PingArrayTest {
  @Test
  void anIdIsValidOnceWithinItsTimeout() {
    PingArray<String> a = new PingArray<>(8, 5_000, new SplittableRandom(1));
    long id = a.add("x", 1000);
    assertThat(id).isNotZero();
    assertThat(a.take(id + 8, 1000)).isNull(); // same slot, other id
    assertThat(a.take(id, 1000 + 4_999)).isEqualTo("x");
    assertThat(a.take(id, 1000 + 4_999)).isNull();
    long late = a.add("y", 10_000);
    assertThat(a.take(late, 15_000)).isNull();
    assertThat(a.take(0, 10_000)).isNull();
  }

  @Test
  void aFullRingOverwritesTheOldestAndIdsStayDistinct() {
    PingArray<Integer> a = new PingArray<>(4, 5_000, new SplittableRandom(2));
    Set<Long> ids = new HashSet<>();
    long[] kept = new long[6];
    for (int i = 0; i < 6; i++) {
      kept[i] = a.add(i, 0);
      ids.add(kept[i]);
    }
    assertThat(ids).hasSize(6);
    assertThat(a.take(kept[0], 1)).isNull(); // overwritten
    assertThat(a.take(kept[1], 1)).isNull();
    assertThat(a.take(kept[5], 1)).isEqualTo(5);
    assertThat(a.take(kept[2], 1)).isEqualTo(2);
  }
}
