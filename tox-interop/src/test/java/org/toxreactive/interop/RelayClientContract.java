package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayClient;
import org.toxreactive.transport.tcp.RelayConnection;
import org.toxreactive.transport.tcp.RelayEvent;
import org.toxreactive.transport.tcp.RelayRejectedException;
import reactor.test.StepVerifier;

/**
 * The relay-client contract: the same checks run against tox-bootstrapd of each c-toxcore version
 * ({@link BootstrapdRelayClientTest}) and against our relay server ({@link
 * OurRelayClientContractTest}), so both sides of our protocol code are checked against c-toxcore.
 * Each check takes the relay under test; {@link #closeLinks()} after each test.
 */
final class RelayClientContract {
  private final List<RelayConnection> open = new CopyOnWriteArrayList<>();

  void closeLinks() {
    open.forEach(RelayConnection::dispose);
  }

  private RelayConnection connect(RelayAddress relay, KeyPair keys) {
    RelayConnection c = RelayClient.create(relay, keys).connectNow();
    open.add(c);
    return c;
  }

  void handshakesAndAnswersItsPing(RelayAddress relay) {
    RelayConnection c = connect(relay, KeyPair.generate());
    long before = System.nanoTime();
    Duration rtt = c.ping().block(Duration.ofSeconds(5));
    Duration call = Duration.ofNanos(System.nanoTime() - before);
    // the pong arrived inside the call, so the round trip cannot exceed the call's duration
    // (plus 1 ms: Schedulers.parallel().now(), the connection's clock, counts milliseconds)
    assertThat(rtt).isBetween(Duration.ZERO, call.plusMillis(1));
  }

  void routesTwoClientsToEachOtherAndRelaysDataBothWaysAndOob(RelayAddress relay) {
    KeyPair a = KeyPair.generate();
    KeyPair b = KeyPair.generate();
    RelayConnection ca = connect(relay, a);
    RelayConnection cb = connect(relay, b);

    StepVerifier.create(ca.events().filter(e -> !(e instanceof RelayEvent.RouteAssigned)))
        .then(() -> assertThat(ca.route(b.publicKey()).block(Duration.ofSeconds(5))).isEqualTo(16))
        .then(() -> assertThat(cb.route(a.publicKey()).block(Duration.ofSeconds(5))).isEqualTo(16))
        .expectNext(new RelayEvent.PeerOnline(16, b.publicKey()))
        .then(() -> cb.send(16, Bytes.ofUtf8("from b")).block(Duration.ofSeconds(5)))
        .expectNext(new RelayEvent.DataReceived(16, b.publicKey(), Bytes.ofUtf8("from b")))
        .then(() -> cb.sendOob(a.publicKey(), Bytes.ofHex("18ff00")).block(Duration.ofSeconds(5)))
        .expectNext(new RelayEvent.OobReceived(b.publicKey(), Bytes.ofHex("18ff00")))
        .then(() -> cb.disconnect(16).block(Duration.ofSeconds(5)))
        .expectNext(new RelayEvent.PeerOffline(16, b.publicKey()))
        .then(() -> assertThat(cb.route(a.publicKey()).block(Duration.ofSeconds(5))).isEqualTo(16))
        .expectNext(new RelayEvent.PeerOnline(16, b.publicKey()))
        .then(() -> ca.send(16, Bytes.ofUtf8("from a")).block(Duration.ofSeconds(5)))
        .thenCancel()
        .verify(Duration.ofSeconds(15));

    // b's events were buffered since its link opened
    StepVerifier.create(cb.events().ofType(RelayEvent.DataReceived.class))
        .expectNext(new RelayEvent.DataReceived(16, a.publicKey(), Bytes.ofUtf8("from a")))
        .thenCancel()
        .verify(Duration.ofSeconds(5));
  }

  void routingToOurOwnKeyIsRefused(RelayAddress relay) {
    KeyPair a = KeyPair.generate();
    RelayConnection ca = connect(relay, a);
    StepVerifier.create(ca.route(a.publicKey()))
        .expectError(RelayRejectedException.class)
        .verify(Duration.ofSeconds(5));
  }
}
