package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * {@link CryptoConnection#acknowledged(long)} on the simulated network and virtual time: it
 * completes when the peer's ack arrives (not when the message was queued, nor when it reached the
 * peer while the ack is lost), and errors with {@link NotAcknowledgedException} when the connection
 * ends first.
 */
class AcknowledgedTest {
  private SimPair pair;

  @AfterEach
  void stop() {
    if (pair != null) {
      pair.close();
    }
  }

  /** Lets the engine's worker run what was handed to it (virtual time). */
  private void tick() {
    pair.clock.advanceTimeBy(Duration.ofMillis(10));
  }

  /** What a Mono did so far: "pending", "done" or the error. */
  private static AtomicReference<Object> watch(reactor.core.publisher.Mono<Void> m) {
    AtomicReference<Object> state = new AtomicReference<>("pending");
    m.subscribe(null, state::set, () -> state.set("done"));
    return state;
  }

  @Test
  void completesWhenThePeersAckArrivesNotWhenTheMessagesArrive() {
    pair = new SimPair(21);
    CryptoConnection ca = pair.connect();
    CryptoConnection cb = pair.accepted.get(0);
    List<Message> atB = new CopyOnWriteArrayList<>();
    cb.lossless().subscribe(atB::add);
    pair.net.link("b", "a").loss(1.0); // b receives everything, a hears none of b's acks

    AtomicReference<Object> two = watch(ca.acknowledged(2));
    AtomicReference<Object> three = watch(ca.acknowledged(3));
    AtomicReference<Object> four = watch(ca.acknowledged(4));
    ca.send(SimPair.numbered(3)).subscribe(null, e -> {});
    pair.clock.advanceTimeBy(Duration.ofSeconds(3));
    assertThat(atB).as("the peer has the messages").hasSize(3);
    assertThat(two.get()).as("no ack heard yet").isEqualTo("pending");
    assertThat(three.get()).isEqualTo("pending");

    pair.net.link("b", "a").loss(0.0);
    pair.advanceUntil(
        () -> "done".equals(three.get()), Duration.ofMillis(10), Duration.ofSeconds(5));
    assertThat(two.get()).isEqualTo("done");
    assertThat(three.get()).isEqualTo("done");
    assertThat(four.get()).as("a fourth message was never sent").isEqualTo("pending");
    // what is acknowledged already completes at once; 0 always does
    StepVerifier.create(ca.acknowledged(3))
        .then(this::tick)
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(ca.acknowledged(0))
        .then(this::tick)
        .expectComplete()
        .verify(Duration.ofSeconds(5));

    // counting goes on over the next send
    ca.send(SimPair.numbered(1)).subscribe(null, e -> {});
    pair.advanceUntil(
        () -> "done".equals(four.get()), Duration.ofMillis(10), Duration.ofSeconds(5));
    assertThat(four.get()).isEqualTo("done");
    assertThat(atB).hasSize(4);
  }

  @Test
  void errorsWhenTheConnectionIsDisposedBeforeTheAck() {
    pair = new SimPair(22);
    CryptoConnection ca = pair.connect();
    pair.net.link("b", "a").loss(1.0);
    AtomicReference<Object> one = watch(ca.acknowledged(1));
    ca.send(SimPair.numbered(1)).subscribe(null, e -> {});
    pair.clock.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(one.get()).isEqualTo("pending");

    ca.dispose();
    pair.clock.advanceTimeBy(Duration.ofMillis(100));
    assertThat(one.get())
        .isInstanceOfSatisfying(
            NotAcknowledgedException.class,
            e -> {
              assertThat(e.awaited()).isEqualTo(1);
              assertThat(e.acknowledged()).isZero();
              assertThat(e.failure()).isNull();
              assertThat(e.getMessage())
                  .isEqualTo(
                      "connection ended before the peer acknowledged lossless message 1 (it"
                          + " acknowledged 0): connection closed");
            });
    // on an ended connection: at once
    StepVerifier.create(ca.acknowledged(1))
        .then(this::tick)
        .expectError(NotAcknowledgedException.class)
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void errorsWithTheTimeoutWhenThePeerGoesSilentBeforeTheAck() {
    pair = new SimPair(23, Duration.ofSeconds(5));
    CryptoConnection ca = pair.connect();
    pair.accepted.get(0).lossless().subscribe(); // our peer acks what its subscriber took
    AtomicReference<Object> first = watch(ca.acknowledged(1));
    ca.send(SimPair.numbered(1)).subscribe(null, e -> {});
    pair.advanceUntil(
        () -> "done".equals(first.get()), Duration.ofMillis(10), Duration.ofSeconds(5));
    assertThat(first.get()).isEqualTo("done");

    pair.net.partition("a", "b");
    AtomicReference<Object> second = watch(ca.acknowledged(2));
    ca.send(SimPair.numbered(1)).subscribe(null, e -> {});
    pair.advanceUntil(ca::isDisposed, Duration.ofMillis(100), Duration.ofSeconds(20));
    assertThat(ca.isDisposed()).as("a timed out").isTrue();
    assertThat(second.get())
        .isInstanceOfSatisfying(
            NotAcknowledgedException.class,
            e -> {
              assertThat(e.awaited()).isEqualTo(2);
              assertThat(e.acknowledged()).isEqualTo(1);
              assertThat(e.failure()).isInstanceOf(NetCryptoException.class);
              assertThat(e.getMessage()).contains("message 2 (it acknowledged 1)");
            });
  }

  @Test
  void aNegativeCountIsRefused() {
    pair = new SimPair(24);
    CryptoConnection ca = pair.connect();
    StepVerifier.create(ca.acknowledged(-1))
        .expectErrorMessage("count must be >= 0, got -1")
        .verify(Duration.ofSeconds(5));
  }
}
