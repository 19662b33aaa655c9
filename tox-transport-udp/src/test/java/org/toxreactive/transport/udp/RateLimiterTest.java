package org.toxreactive.transport.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

class RateLimiterTest {
  private static final Duration REFILL = Duration.ofMillis(100);

  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private final RateLimiter<String> limiter = new RateLimiter<>(10, REFILL, 1000, clock);

  @AfterEach
  void disposeClock() {
    clock.dispose();
  }

  @Test
  void allowsABurstOfTenThenRefusesTheEleventh() {
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.tryAcquire("a")).as("request %d", i).isTrue();
    }
    assertThat(limiter.tryAcquire("a")).isFalse();
    assertThat(limiter.tryAcquire("a")).isFalse();
  }

  @Test
  void keysHaveSeparateBuckets() {
    drain("a");
    assertThat(limiter.tryAcquire("a")).isFalse();
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.tryAcquire("b")).isTrue();
    }
    assertThat(limiter.tryAcquire("b")).isFalse();
  }

  @Test
  void refillsOneTokenPer100Millis() {
    drain("a");
    clock.advanceTimeBy(Duration.ofMillis(99));
    assertThat(limiter.tryAcquire("a")).isFalse();
    clock.advanceTimeBy(Duration.ofMillis(1));
    assertThat(limiter.tryAcquire("a")).isTrue();
    assertThat(limiter.tryAcquire("a")).isFalse();
    clock.advanceTimeBy(Duration.ofMillis(350));
    assertThat(limiter.available("a")).isEqualTo(3);
  }

  @Test
  void refillKeepsTheRemainderOfAPeriod() {
    drain("a");
    clock.advanceTimeBy(Duration.ofMillis(150));
    assertThat(limiter.tryAcquire("a")).isTrue();
    // The second token is due 200 ms after the bucket emptied, not 100 ms after the last take.
    clock.advanceTimeBy(Duration.ofMillis(50));
    assertThat(limiter.tryAcquire("a")).isTrue();
    assertThat(limiter.tryAcquire("a")).isFalse();
  }

  @Test
  void neverHoldsMoreThanCapacity() {
    limiter.tryAcquire("a");
    clock.advanceTimeBy(Duration.ofHours(1));
    assertThat(limiter.available("a")).isEqualTo(10);
    drain("a");
    assertThat(limiter.tryAcquire("a")).isFalse();
  }

  @Test
  void refillPeriodStartsWhenAFullBucketIsFirstUsed() {
    limiter.tryAcquire("a");
    clock.advanceTimeBy(Duration.ofMillis(100)); // full again at 100 ms
    clock.advanceTimeBy(Duration.ofMillis(50));
    drain("a"); // emptied at 150 ms
    clock.advanceTimeBy(Duration.ofMillis(60));
    // 110 ms after the bucket was last full, but only 60 ms after its first token was taken.
    assertThat(limiter.tryAcquire("a")).isFalse();
    clock.advanceTimeBy(Duration.ofMillis(40));
    assertThat(limiter.tryAcquire("a")).isTrue();
  }

  @Test
  void fullTableForgetsIdleBucketsOrRefusesNewKeys() {
    RateLimiter<Integer> small = new RateLimiter<>(10, REFILL, 2, clock);
    assertThat(small.tryAcquire(1)).isTrue();
    assertThat(small.tryAcquire(2)).isTrue();
    // Neither bucket is full again yet: a third source finds no room.
    assertThat(small.tryAcquire(3)).isFalse();
    clock.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(small.tryAcquire(3)).isTrue();
    assertThat(small.size()).isEqualTo(1);
  }

  @Test
  void purgesAtMostOncePerRefillOfAWholeBucket() {
    RateLimiter<Integer> small = new RateLimiter<>(10, REFILL, 1, clock);
    assertThat(small.tryAcquire(1)).isTrue();
    assertThat(small.tryAcquire(2)).isFalse(); // purged (nothing), remembers the time
    clock.advanceTimeBy(Duration.ofMillis(999));
    assertThat(small.tryAcquire(2)).isFalse(); // no scan before a second has passed
    clock.advanceTimeBy(Duration.ofMillis(1));
    assertThat(small.tryAcquire(2)).isTrue();
  }

  @Test
  void clockGoingBackwardsRefillsNothing() {
    ManualClock wall = new ManualClock();
    wall.millis = 10_000;
    RateLimiter<String> l = new RateLimiter<>(2, REFILL, 10, wall);
    assertThat(l.tryAcquire("a")).isTrue();
    assertThat(l.tryAcquire("a")).isTrue();
    wall.millis = 5_000;
    assertThat(l.tryAcquire("a")).isFalse();
    wall.millis = 5_100;
    assertThat(l.tryAcquire("a")).isTrue();
  }

  @Test
  void rejectsNonsenseParameters() {
    assertThatThrownBy(() -> new RateLimiter<>(0, REFILL, 1, clock))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimiter<>(1, Duration.ZERO, 1, clock))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RateLimiter<>(1, REFILL, 0, clock))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private void drain(String key) {
    while (limiter.tryAcquire(key)) {
      // take every token
    }
  }

  /** A wall clock that a test sets, backwards too (virtual time only moves forwards). */
  private static final class ManualClock implements Scheduler {
    long millis;

    @Override
    public long now(TimeUnit unit) {
      return unit.convert(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public Disposable schedule(Runnable task) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Worker createWorker() {
      throw new UnsupportedOperationException();
    }
  }
}
