package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Path;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/**
 * What a Reactor user expects of a connection (issue 18): cancelling {@code lossless()} and {@code
 * send}, receive buffering bounded by demand plus the window, completion on dispose, typed connect
 * errors, status while paths die. Virtual time throughout.
 */
class ReactiveSemanticsTest {
  private static final int WINDOW = 256;

  private final SimPair p = new SimPair(18, c -> c.receiveWindow(WINDOW));

  @AfterEach
  void stop() {
    p.close();
  }

  private void advance(Duration d) {
    p.advanceUntil(() -> false, Duration.ofMillis(10), d);
  }

  @Test
  void cancellingLosslessStopsDeliveryAndTheNextSubscriberResumesWhereItStopped() {
    CryptoConnection ca = p.connect();
    CryptoConnection cb = p.accepted.get(0);
    List<Integer> first = new ArrayList<>();
    cb.lossless().take(100).map(SimPair::numberOf).subscribe(first::add);
    AtomicBoolean sent = new AtomicBoolean();
    ca.send(SimPair.bulk(5_000, 200)).subscribe(null, e -> {}, () -> sent.set(true));
    advance(Duration.ofSeconds(5));
    assertThat(first).hasSize(100);
    Session b = ((Connection) cb).session();
    assertThat(b.buffered()).as("waiting for the next subscriber").isBetween(1, WINDOW);
    assertThat(sent).as("the sender is held back, not acknowledged").isFalse();

    List<Integer> rest = new ArrayList<>();
    cb.lossless().map(SimPair::numberOf).subscribe(rest::add);
    p.advanceUntil(sent::get, Duration.ofMillis(10), Duration.ofSeconds(60));
    assertThat(sent).isTrue();
    assertThat(rest).hasSize(4_900);
    for (int i = 0; i < rest.size(); i++) {
      assertThat(rest.get(i)).isEqualTo(100 + i);
    }
  }

  @Test
  void aStalledSubscriberHoldsTheSenderBackWithinTheWindowAndLosesNothing() {
    CryptoConnection ca = p.connect();
    CryptoConnection cb = p.accepted.get(0);
    AtomicInteger numbered = new AtomicInteger();
    AtomicBoolean sent = new AtomicBoolean();
    ca.send(SimPair.bulk(20_000, 1_000).doOnNext(m -> numbered.incrementAndGet()))
        .subscribe(null, e -> {}, () -> sent.set(true));
    List<Integer> got = new ArrayList<>();
    AtomicReference<org.reactivestreams.Subscription> sub = new AtomicReference<>();
    cb.lossless()
        .subscribe(
            new reactor.core.publisher.BaseSubscriber<Message>() {
              @Override
              protected void hookOnSubscribe(org.reactivestreams.Subscription s) {
                sub.set(s); // requests nothing yet
              }

              @Override
              protected void hookOnNext(Message m) {
                got.add(SimPair.numberOf(m));
              }
            });
    advance(Duration.ofSeconds(20));
    Session b = ((Connection) cb).session();
    System.out.printf(
        "stalled subscriber: %d buffered at the receiver, %d numbered by the sender, %d packets"
            + " beyond the window, %d retransmissions%n",
        b.buffered(),
        numbered.get(),
        b.beyondWindow(),
        ((Connection) ca).session().retransmissions());
    assertThat(got).isEmpty();
    assertThat(b.buffered()).isLessThanOrEqualTo(WINDOW);
    assertThat(numbered.get()).as("numbered by the sender").isLessThan(WINDOW + 2_048);
    assertThat(sent).isFalse();

    sub.get().request(Long.MAX_VALUE);
    p.advanceUntil(sent::get, Duration.ofMillis(10), Duration.ofSeconds(120));
    assertThat(sent).isTrue();
    assertThat(got).hasSize(20_000);
    for (int i = 0; i < got.size(); i++) {
      assertThat(got.get(i)).isEqualTo(i);
    }
  }

  @Test
  void cancellingSendCancelsThePublisherAndNumbersNothingMore() {
    CryptoConnection ca = p.connect();
    CryptoConnection cb = p.accepted.get(0);
    List<Integer> got = new ArrayList<>();
    cb.lossless().map(SimPair::numberOf).subscribe(got::add);
    AtomicInteger emitted = new AtomicInteger();
    AtomicBoolean cancelled = new AtomicBoolean();
    Disposable sending =
        ca.send(
                SimPair.bulk(20_000, 200)
                    .doOnNext(m -> emitted.incrementAndGet())
                    .doOnCancel(() -> cancelled.set(true)))
            .subscribe();
    p.advanceUntil(() -> got.size() >= 100, Duration.ofMillis(10), Duration.ofSeconds(10));
    sending.dispose();
    advance(Duration.ofSeconds(5));
    int atCancel = emitted.get();
    advance(Duration.ofSeconds(5));
    assertThat(cancelled).as("the publisher was cancelled").isTrue();
    assertThat(emitted.get()).isEqualTo(atCancel).isLessThan(20_000);
    // what was numbered before the cancel arrives, in order and without holes
    assertThat(got.size()).isLessThanOrEqualTo(atCancel);
    for (int i = 0; i < got.size(); i++) {
      assertThat(got.get(i)).isEqualTo(i);
    }
    // and the connection takes the next send
    AtomicBoolean next = new AtomicBoolean();
    ca.send(SimPair.numbered(3)).subscribe(null, e -> {}, () -> next.set(true));
    p.advanceUntil(next::get, Duration.ofMillis(10), Duration.ofSeconds(5));
    assertThat(next).isTrue();
  }

  @Test
  void disposingTheNodeCompletesItsConnectionsAndThePeers() {
    CryptoConnection ca = p.connect();
    CryptoConnection cb = p.accepted.get(0);
    AtomicBoolean aCompleted = new AtomicBoolean();
    ca.lossless().subscribe(null, e -> {}, () -> aCompleted.set(true));
    StepVerifier.create(cb.lossless())
        .then(p.b::dispose)
        .then(() -> advance(Duration.ofMillis(200)))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(p.b.onDispose()).expectComplete().verify(Duration.ofSeconds(5));
    assertThat(cb.isDisposed()).isTrue();
    assertThat(aCompleted).as("the peer's kill completes the other side").isTrue();
    StepVerifier.create(p.b.incoming()).expectComplete().verify(Duration.ofSeconds(5));
  }

  @Test
  void connectFailsAtOnceWhereNothingCouldSucceed() {
    PublicKey bReal = p.bReal.publicKey();
    PublicKey bDht = p.bDht.publicKey();
    StepVerifier.create(p.a.connect(bReal, bDht, List.of()))
        .expectErrorSatisfies(e -> assertReason(e, ConnectFailedException.Reason.NO_PATH))
        .verify(Duration.ofSeconds(5));
    Path relayPath = Path.relay(KeyPair.generate().publicKey(), bDht);
    StepVerifier.create(p.a.connect(bReal, bDht, List.of(relayPath)))
        .expectErrorSatisfies(
            e -> {
              assertReason(e, ConnectFailedException.Reason.NO_PATH);
              assertThat(e).hasMessageContaining("serves the path");
            })
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(
            p.a.connect(p.aReal.publicKey(), p.aDht.publicKey(), List.of(SimTransport.pathOf("a"))))
        .expectErrorSatisfies(e -> assertReason(e, ConnectFailedException.Reason.INVALID_ARGUMENT))
        .verify(Duration.ofSeconds(5));
    assertThatThrownBy(() -> p.a.connect(null, bDht, List.of()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("peerReal is null");
    assertThatThrownBy(() -> NetCrypto.create(null, KeyPair.generate()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("realKeys is null");
  }

  @Test
  void connectFailuresSayWhy() {
    // a wrong DHT key: nobody answers the cookie request
    StepVerifier.create(
            p.a.connect(
                p.bReal.publicKey(),
                KeyPair.generate().publicKey(),
                List.of(SimTransport.pathOf("b"))))
        .then(() -> advance(Duration.ofSeconds(10)))
        .expectErrorSatisfies(e -> assertReason(e, ConnectFailedException.Reason.UNREACHABLE))
        .verify(Duration.ofSeconds(5));
    // a wrong real key: the peer answers the cookie request, never the handshake
    StepVerifier.create(
            p.a.connect(
                KeyPair.generate().publicKey(),
                p.bDht.publicKey(),
                List.of(SimTransport.pathOf("b"))))
        .then(() -> advance(Duration.ofSeconds(10)))
        .expectErrorSatisfies(e -> assertReason(e, ConnectFailedException.Reason.REFUSED))
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void aDeadPathIsReportedUnreachableBeforeTheIdleTimeoutEndsTheConnection() {
    CryptoConnection ca = p.connect();
    List<LinkStatus> seen = new ArrayList<>();
    ca.status().subscribe(seen::add);
    assertThat(seen).extracting(LinkStatus::kind).containsExactly(LinkStatus.Kind.DIRECT);
    long cutAt = p.nowMillis();
    p.net.partition("a", "b");
    long tookMillis =
        p.advanceUntil(
            () -> seen.get(seen.size() - 1).kind() == LinkStatus.Kind.UNREACHABLE,
            Duration.ofMillis(10),
            Duration.ofSeconds(10));
    assertThat(tookMillis).as("UNREACHABLE after the path died").isLessThan(4_000);
    assertThat(seen.get(seen.size() - 1).path()).isNull();
    p.advanceUntil(ca::isDisposed, Duration.ofMillis(100), Duration.ofSeconds(40));
    assertThat(seen)
        .extracting(LinkStatus::kind)
        .containsExactly(
            LinkStatus.Kind.DIRECT, LinkStatus.Kind.UNREACHABLE, LinkStatus.Kind.OFFLINE);
    assertThat(p.nowMillis() - cutAt).isGreaterThanOrEqualTo(32_000);
  }

  @Test
  void aTransportDisposedUnderALiveNodeTakesItsPathDownAtOnce() {
    CryptoConnection ca = p.connect();
    List<LinkStatus> seen = new ArrayList<>();
    ca.status().subscribe(seen::add);
    p.aWire.dispose();
    long tookMillis =
        p.advanceUntil(
            () -> seen.get(seen.size() - 1).kind() == LinkStatus.Kind.UNREACHABLE,
            Duration.ofMillis(10),
            Duration.ofSeconds(10));
    assertThat(tookMillis).as("seen within a tick or two").isLessThanOrEqualTo(50);
    StepVerifier.create(p.a.connect(p.bReal.publicKey(), p.bDht.publicKey(), List.of()))
        .expectError(ConnectFailedException.class)
        .verify(Duration.ofSeconds(5));
  }

  private static void assertReason(Throwable e, ConnectFailedException.Reason reason) {
    assertThat(e).isInstanceOf(ConnectFailedException.class);
    assertThat(((ConnectFailedException) e).reason()).as(e.getMessage()).isEqualTo(reason);
  }
}
