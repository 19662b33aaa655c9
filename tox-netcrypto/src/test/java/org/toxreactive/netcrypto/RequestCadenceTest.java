package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * How many packet requests a session sends per data packet (simulated network, virtual time): a
 * request goes out when there is something to request or to acknowledge that no data packet of ours
 * carried, and otherwise once a second, as c-toxcore's.
 */
class RequestCadenceTest {
  private final SimPair p = new SimPair(41);

  @AfterEach
  void stop() {
    p.close();
  }

  private static Session session(CryptoConnection c) {
    return ((Connection) c).session();
  }

  /**
   * A ping-pong of 300 messages: a sends one, b echoes it, a sends the next when the echo is back.
   * Each message acknowledges the one it answers, so neither side needs a request except its
   * keepalive once a second. (Before, a side sent one every 20 ms while any of its own data was
   * unacknowledged: about one per message here.)
   */
  @Test
  void aPingPongNeedsNoRequestsButTheKeepalive() {
    p.net.defaults().delay(5, 10);
    CryptoConnection ca = p.connect();
    CryptoConnection cb = p.accepted.get(0);
    Sinks.Many<Message> echoes = Sinks.many().unicast().onBackpressureBuffer();
    cb.lossless().subscribe(echoes::tryEmitNext);
    cb.send(echoes.asFlux()).subscribe();
    int n = 300;
    Sinks.Many<Message> pings = Sinks.many().unicast().onBackpressureBuffer();
    List<Integer> back = new ArrayList<>();
    ca.lossless()
        .subscribe(
            m -> {
              back.add(SimPair.numberOf(m));
              if (back.size() < n) {
                pings.tryEmitNext(SimPair.numberedMessage(back.size(), 21));
              }
            });
    ca.send(pings.asFlux()).subscribe();
    Counts before = Counts.of(ca, cb);
    long start = p.nowMillis();
    pings.tryEmitNext(SimPair.numberedMessage(0, 21));
    p.advanceUntil(() -> back.size() == n, Duration.ofMillis(10), Duration.ofSeconds(40));
    p.clock.advanceTimeBy(Duration.ofMillis(100));
    assertThat(back).hasSize(n);
    for (int i = 0; i < n; i++) {
      assertThat(back.get(i)).isEqualTo(i);
    }
    Counts c = Counts.of(ca, cb).minus(before);
    long seconds = (p.nowMillis() - start) / 1000 + 1;
    System.out.printf("ping-pong for %d ms: %s%n", p.nowMillis() - start, c);
    assertThat(c.aData).isEqualTo(n);
    assertThat(c.bData).isEqualTo(n);
    // one a second each, and the ack of the last echo
    assertThat(c.aRequests).as("a's requests").isLessThanOrEqualTo(seconds + 2);
    assertThat(c.bRequests).as("b's requests").isLessThanOrEqualTo(seconds + 2);
  }

  /**
   * a sends a message every 100 ms for 20 s, b only receives: b acknowledges each one within 20 ms
   * (at most one request per message, and none for the keepalive while it acks), a has nothing to
   * acknowledge or request and sends its keepalive once a second. (Before, a sent one every 20 ms
   * while its message was unacknowledged.)
   */
  @Test
  void aSparseOneWayStreamGetsOneAckPerMessageAndTheSenderOnlyItsKeepalive() {
    p.net.defaults().delay(5, 10);
    CryptoConnection ca = p.connect();
    CryptoConnection cb = p.accepted.get(0);
    List<Integer> got = new ArrayList<>();
    cb.lossless().subscribe(m -> got.add(SimPair.numberOf(m)));
    int n = 200;
    Counts before = Counts.of(ca, cb);
    long start = p.nowMillis();
    ca.send(
            Flux.interval(Duration.ofMillis(100), p.clock)
                .take(n)
                .map(i -> SimPair.numberedMessage(i.intValue(), 21)))
        .subscribe();
    p.advanceUntil(() -> got.size() == n, Duration.ofMillis(10), Duration.ofSeconds(40));
    p.clock.advanceTimeBy(Duration.ofMillis(100));
    assertThat(got).hasSize(n);
    Counts c = Counts.of(ca, cb).minus(before);
    long seconds = (p.nowMillis() - start) / 1000 + 1;
    System.out.printf("one way, 10 a second, for %d ms: %s%n", p.nowMillis() - start, c);
    assertThat(c.aData).isEqualTo(n);
    assertThat(c.aRequests).as("the sender's requests").isLessThanOrEqualTo(seconds + 2);
    assertThat(c.bRequests).as("the receiver's requests").isBetween((long) n / 2, n + 2L);
  }

  /** Data packets and requests each side sent. */
  private record Counts(long aRequests, long aData, long bRequests, long bData) {
    static Counts of(CryptoConnection a, CryptoConnection b) {
      return new Counts(
          session(a).requestsSent(),
          session(a).dataPacketsSent(),
          session(b).requestsSent(),
          session(b).dataPacketsSent());
    }

    Counts minus(Counts o) {
      return new Counts(
          aRequests - o.aRequests, aData - o.aData, bRequests - o.bRequests, bData - o.bData);
    }
  }

  /**
   * 20,000 packets one way as fast as the window allows: the receiver acknowledges at least every
   * 16 packets, so about one request per 16 data packets; the sender, which has nothing to
   * acknowledge or request, sends one a second.
   */
  @Test
  void aBulkTransferNeedsAboutOneRequestPerSixteenDataPackets() {
    p.net.defaults().delay(5, 5);
    CryptoConnection ca = p.connect();
    CryptoConnection cb = p.accepted.get(0);
    int n = 20_000;
    List<Integer> got = new ArrayList<>();
    cb.lossless().subscribe(m -> got.add(SimPair.numberOf(m)));
    long requestsA = session(ca).requestsSent();
    long requestsB = session(cb).requestsSent();
    long receivedB = session(cb).dataPacketsReceived();
    long start = p.nowMillis();
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    ca.send(SimPair.bulk(n, 1000)).subscribe(null, failed::set, () -> done.set(true));
    p.advanceUntil(
        () -> done.get() || failed.get() != null, Duration.ofMillis(10), Duration.ofSeconds(60));
    assertThat(failed.get()).isNull();
    assertThat(done).isTrue();
    assertThat(got).hasSize(n);
    long seconds = Math.max(1, (p.nowMillis() - start + 999) / 1000);
    long aRequests = session(ca).requestsSent() - requestsA;
    long bRequests = session(cb).requestsSent() - requestsB;
    long bReceived = session(cb).dataPacketsReceived() - receivedB;
    System.out.printf(
        "bulk: %d packets in %d ms; receiver %d requests, sender %d requests%n",
        bReceived, p.nowMillis() - start, bRequests, aRequests);
    assertThat(bReceived).isGreaterThanOrEqualTo(n);
    assertThat(bRequests).as("the receiver's requests").isLessThanOrEqualTo(bReceived / 12);
    assertThat(aRequests).as("the sender's requests").isLessThanOrEqualTo(seconds + 2);
  }
}
