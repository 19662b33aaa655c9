package org.toxreactive.apptests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.netcrypto.CryptoConnection;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/** Issue 18, problem 2: cancellation of {@code lossless()} and {@code send()} is honoured. */
class CancellationTest {
  private final SimPeers p = new SimPeers();

  @AfterEach
  void stop() {
    p.close();
  }

  @Test
  void cancellingLosslessAfter100Of5000LosesNothing() {
    CryptoConnection[] c = p.connect();
    AtomicBoolean sent = new AtomicBoolean();
    c[0].send(SimPeers.numbered(5_000, 100)).subscribe(null, e -> {}, () -> sent.set(true));
    StepVerifier.create(c[1].lossless().take(100).map(SimPeers::numberOf).collectList())
        .then(() -> p.advance(Duration.ofSeconds(3)))
        .assertNext(first -> assertThat(first).hasSize(100).startsWith(0).endsWith(99))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    p.advance(Duration.ofSeconds(3));
    assertThat(sent).as("the other 4,900 are not acknowledged and dropped").isFalse();
    List<Integer> rest = new ArrayList<>();
    c[1].lossless().map(SimPeers::numberOf).subscribe(rest::add);
    p.advanceUntil(sent::get, Duration.ofSeconds(60));
    assertThat(sent).isTrue();
    assertThat(rest).hasSize(4_900).startsWith(100).endsWith(4_999);
    for (int i = 0; i < rest.size(); i++) {
      assertThat(rest.get(i)).isEqualTo(100 + i);
    }
  }

  @Test
  void cancellingSendCancelsThePublisherAndSendsNoMore() {
    CryptoConnection[] c = p.connect();
    AtomicInteger received = new AtomicInteger();
    c[1].lossless().subscribe(m -> received.incrementAndGet());
    AtomicInteger emitted = new AtomicInteger();
    AtomicBoolean cancelled = new AtomicBoolean();
    Disposable sending =
        c[0].send(
                SimPeers.numbered(20_000, 100)
                    .doOnNext(m -> emitted.incrementAndGet())
                    .doOnCancel(() -> cancelled.set(true)))
            .subscribe();
    p.advanceUntil(() -> received.get() >= 100, Duration.ofSeconds(10));
    sending.dispose();
    p.advance(Duration.ofSeconds(5));
    assertThat(cancelled).isTrue();
    assertThat(emitted.get()).isLessThan(20_000);
    assertThat(received.get())
        .as("only what was numbered before the cancel")
        .isEqualTo(emitted.get());
  }
}
