package org.toxreactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  @Test
  void aFullBucketGivesItsBurstThenOneTokenPerRefillInterval() {
    TokenBucket b = new TokenBucket(10, 10, 0); // c-toxcore 0.2.22's cookie bucket: 10, +1 / 100 ms
    for (int i = 0; i < 10; i++) {
      assertThat(b.tryTake(0)).as("token %d", i).isTrue();
    }
    assertThat(b.tryTake(0)).isFalse();
    assertThat(b.tryTake(99)).isFalse();
    assertThat(b.tryTake(100)).isTrue();
    assertThat(b.tryTake(100)).isFalse();
  }

  @Test
  void takesSeveralTokensOnlyWhenAllAreThere() {
    TokenBucket b = new TokenBucket(5, 1, 0);
    assertThat(b.tryTake(3, 0)).isTrue();
    assertThat(b.tryTake(3, 0)).isFalse();
    assertThat(b.tryTake(2, 0)).isTrue();
  }

  @Test
  void aLongPauseRefillsToCapacityOnlyAndABackwardClockRefillsNothing() {
    TokenBucket b = new TokenBucket(2, 1000, 0);
    assertThat(b.tryTake(2, 0)).isTrue();
    assertThat(b.tryTake(3, Long.MAX_VALUE / 2)).isFalse(); // capped at 2, no overflow
    assertThat(b.tryTake(2, Long.MAX_VALUE / 2)).isTrue();
    assertThat(b.tryTake(Long.MAX_VALUE / 4)).isFalse();
  }

  @Test
  void rejectsANonPositiveCapacityOrRate() {
    assertThatThrownBy(() -> new TokenBucket(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
