package org.toxreactive.apptests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import org.toxreactive.netcrypto.CryptoConnection;
import org.toxreactive.netcrypto.Message;
import reactor.core.publisher.BaseSubscriber;

/**
 * Issue 18, problem 8: receive buffering is bounded by the subscriber's demand plus the configured
 * window; the sender is held back and nothing is lost.
 */
class MemoryTest {
  private static final int WINDOW = 512;
  private final SimPeers p = new SimPeers(c -> c.receiveWindow(WINDOW));

  @AfterEach
  void stop() {
    p.close();
  }

  @Test
  void aStalledSubscriberHoldsTheSenderBackAndLosesNothing() {
    CryptoConnection[] c = p.connect();
    AtomicInteger numbered = new AtomicInteger();
    AtomicBoolean sent = new AtomicBoolean();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    c[0].send(SimPeers.numbered(20_000, 1_000).doOnNext(m -> numbered.incrementAndGet()))
        .subscribe(null, failed::set, () -> sent.set(true));
    List<Integer> got = new ArrayList<>();
    AtomicReference<Subscription> demand = new AtomicReference<>();
    c[1].lossless()
        .map(SimPeers::numberOf)
        .subscribe(
            new BaseSubscriber<Integer>() {
              @Override
              protected void hookOnSubscribe(Subscription s) {
                demand.set(s); // a subscriber that requests nothing for now
              }

              @Override
              protected void hookOnNext(Integer i) {
                got.add(i);
              }
            });
    p.advance(Duration.ofSeconds(10));
    assertThat(got).isEmpty();
    // the sender could number the window plus its own congestion window, no more (before: 32,778
    // messages waited at the receiver)
    assertThat(numbered.get()).isLessThan(WINDOW + 2_048);
    assertThat(sent).isFalse();

    demand.get().request(Long.MAX_VALUE);
    p.advanceUntil(sent::get, Duration.ofSeconds(120));
    assertThat(failed.get()).isNull();
    assertThat(got).as("received").hasSize(20_000);
    assertThat(sent).isTrue();
    for (int i = 0; i < got.size(); i++) {
      assertThat(got.get(i)).isEqualTo(i);
    }
  }

  @Test
  void theWindowIsValidated() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                org.toxreactive.netcrypto.NetCrypto.create(p.aReal, p.aDht)
                    .receiveWindow(1_000_000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("receive window");
    assertThat(Message.MAX_SIZE).isEqualTo(1373);
  }
}
