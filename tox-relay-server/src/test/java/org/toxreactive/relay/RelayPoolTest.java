package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.toxreactive.core.NetCryptoPacketKind.COOKIE_REQUEST;
import static org.toxreactive.core.NetCryptoPacketKind.COOKIE_RESPONSE;
import static org.toxreactive.core.NetCryptoPacketKind.DATA;
import static org.toxreactive.core.NetCryptoPacketKind.HANDSHAKE;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.Path;
import org.toxreactive.core.transport.PathEvent;
import org.toxreactive.transport.tcp.PeerRoute;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayLinkDownException;
import org.toxreactive.transport.tcp.RelayPool;
import org.toxreactive.transport.tcp.RelayStatus;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;

/** RelayPool against real relays on loopback: several relays, two or three peers. */
class RelayPoolTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Retry FAST_FOREVER = Retry.fixedDelay(Long.MAX_VALUE, Duration.ofMillis(50));

  private final List<Relay> relays = new ArrayList<>();
  private final List<Peer> peers = new ArrayList<>();

  /** A relay with a fixed identity, so that it can come back on the same port. */
  private static final class Relay {
    final KeyPair keys = KeyPair.generate();
    RunningRelay running;
    int port;

    Relay start() {
      running = RelayServer.create().keys(keys).host("127.0.0.1").port(port).udpPort(-1).bindNow();
      port = running.port();
      return this;
    }

    void stop() {
      running.disposeNow(Duration.ofSeconds(5));
    }

    PublicKey key() {
      return keys.publicKey();
    }

    RelayAddress address() {
      return RelayAddress.of("127.0.0.1", port, keys.publicKey());
    }
  }

  /** A pool with its own DHT key, recording everything it receives and every path event. */
  private final class Peer {
    final KeyPair keys = KeyPair.generate();
    final RelayPool pool;
    final BlockingQueue<Datagram> inbox = new LinkedBlockingQueue<>();
    final List<PathEvent> events = new CopyOnWriteArrayList<>();
    final Disposable receiving;

    Peer(List<Relay> on, int active, Retry reconnect) {
      pool =
          RelayPool.create(keys)
              .relays(on.stream().map(Relay::address).toList())
              .active(active)
              .reconnect(reconnect)
              .connectInBackground();
      pool.pathEvents().subscribe(events::add);
      receiving = pool.receive().subscribe(inbox::add);
      peers.add(this);
    }

    PublicKey dht() {
      return keys.publicKey();
    }

    int route(Peer other) {
      return pool.route(other.dht());
    }

    void send(Relay via, Peer to, Bytes data) {
      StepVerifier.create(pool.send(Path.relay(via.key(), to.dht()), data))
          .expectComplete()
          .verify(WAIT);
    }

    Datagram next() throws InterruptedException {
      Datagram d = inbox.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(d).as("a datagram within %s", WAIT).isNotNull();
      return d;
    }

    /**
     * Takes the first recorded path event matching {@code wanted}, waiting (bounded) for it; other
     * events stay recorded, so that events of different relays may come in any order.
     */
    PathEvent event(Predicate<PathEvent> wanted) {
      PathEvent[] found = new PathEvent[1];
      await()
          .atMost(WAIT)
          .until(
              () -> {
                for (PathEvent e : events) {
                  if (wanted.test(e) && events.remove(e)) {
                    found[0] = e;
                    return true;
                  }
                }
                return false;
              });
      return found[0];
    }

    void awaitConnected() {
      await()
          .atMost(WAIT)
          .until(
              () ->
                  pool.relays().stream()
                      .filter(r -> r.role() == RelayStatus.Role.ACTIVE)
                      .allMatch(RelayStatus::connected));
    }

    void awaitOnline(Peer other, Relay... on) {
      List<PublicKey> keys = List.of(on).stream().map(Relay::key).toList();
      await()
          .atMost(WAIT)
          .untilAsserted(() -> assertThat(pool.onlineRelays(other.dht())).containsAll(keys));
    }

    RelayStatus status(Relay relay) {
      return pool.relays().stream()
          .filter(r -> r.address().publicKey().equals(relay.key()))
          .findFirst()
          .orElseThrow();
    }
  }

  @BeforeEach
  void startRelays() {
    for (int i = 0; i < 3; i++) {
      relays.add(new Relay().start());
    }
  }

  @AfterEach
  void stopAll() {
    peers.forEach(p -> p.pool.dispose());
    relays.forEach(Relay::stop);
  }

  private Relay r(int i) {
    return relays.get(i);
  }

  private static Bytes bytes(int first, int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    b[0] = (byte) first;
    return Bytes.of(b);
  }

  private static Predicate<PathEvent> up(Relay relay, Peer peer) {
    return e -> e.equals(PathEvent.up(Path.relay(relay.key(), peer.dht())));
  }

  private static Predicate<PathEvent> down(Relay relay, Peer peer, String reasonPrefix) {
    return e ->
        !e.usable()
            && e.path().equals(Path.relay(relay.key(), peer.dht()))
            && e.reason().startsWith(reasonPrefix);
  }

  private static Datagram from(Relay relay, Peer peer, Bytes data) {
    return new Datagram(Path.relay(relay.key(), peer.dht()), data);
  }

  @Test
  void exchangesRoutedDataBothWaysOnEveryRelayOnceBothSidesRouted() throws InterruptedException {
    Peer a = new Peer(relays, 3, FAST_FOREVER);
    Peer b = new Peer(relays, 3, FAST_FOREVER);
    assertThat(a.route(b)).isEqualTo(3);
    assertThat(b.route(a)).isEqualTo(3);
    for (Relay relay : relays) {
      a.event(up(relay, b));
      b.event(up(relay, a));
    }
    assertThat(a.pool.routes(b.dht()))
        .extracting(PeerRoute::state)
        .containsOnly(PeerRoute.State.ONLINE);

    // Larger than any OOB packet: only routed data carries these.
    Bytes big = bytes(DATA.id(), 1500);
    Bytes biggest = bytes(DATA.id(), RelayPool.MAX_PACKET_SIZE);
    a.send(r(0), b, big);
    assertThat(b.next()).isEqualTo(from(r(0), a, big));
    b.send(r(1), a, biggest);
    assertThat(a.next()).isEqualTo(from(r(1), b, biggest));
    a.send(r(2), b, Bytes.ofHex("1b01"));
    assertThat(b.next()).isEqualTo(from(r(2), a, Bytes.ofHex("1b01")));
    // offer (no Mono, net_crypto's per-packet path): routed data arrives in order
    for (int i = 0; i < 20; i++) {
      assertThat(a.pool.offer(Path.relay(r(1).key(), b.dht()), Bytes.of(DATA.idByte(), (byte) i)))
          .isTrue();
    }
    for (int i = 0; i < 20; i++) {
      assertThat(b.next()).isEqualTo(from(r(1), a, Bytes.of(DATA.idByte(), (byte) i)));
    }
    assertThat(a.pool.unroutedData()).isZero();
    assertThat(a.pool.droppedInbound()).isZero();
  }

  @Test
  void aRelayAddedToARunningPoolConnectsCarriesTheRoutedPeerAndARelayThatDiesIsReplaced()
      throws InterruptedException {
    Peer a = new Peer(List.of(r(0)), 2, FAST_FOREVER);
    Peer b = new Peer(List.of(r(1)), 2, FAST_FOREVER);
    a.awaitConnected();
    b.awaitConnected();
    assertThat(a.route(b)).isOne(); // wanted on r0, where b never comes
    assertThat(b.route(a)).isOne();

    assertThat(a.pool.addRelay(r(1).address())).isTrue();
    assertThat(a.pool.addRelay(r(1).address())).as("idempotent").isFalse();
    a.event(up(r(1), b)); // the routed peer is wanted on the new relay at once
    b.event(up(r(1), a));
    Bytes big = bytes(DATA.id(), 1500); // routed data only: larger than any OOB packet
    a.send(r(1), b, big);
    assertThat(b.next()).isEqualTo(from(r(1), a, big));
    assertThat(a.pool.relays())
        .extracting(s -> s.address().publicKey())
        .containsExactly(r(0).key(), r(1).key());

    // both places taken; r0 dies: a third relay takes its place
    r(0).stop();
    await().atMost(WAIT).until(() -> !a.status(r(0)).connected());
    await().atMost(WAIT).until(() -> !a.status(r(0)).note().isEmpty());
    assertThat(a.pool.addRelay(r(2).address())).isTrue();
    await().atMost(WAIT).until(() -> a.status(r(2)).connected());
    assertThat(a.status(r(2)).role()).isEqualTo(RelayStatus.Role.ACTIVE);
    assertThat(a.status(r(0)).role()).isEqualTo(RelayStatus.Role.SPARE);
    assertThat(a.pool.routes(b.dht()))
        .extracting(PeerRoute::relay)
        .containsExactlyInAnyOrder(r(1).key(), r(2).key());
  }

  @Test
  void theFirstPacketToAnUnroutedPeerGoesOutOfBandAndAReplyRoutesBothSides()
      throws InterruptedException {
    List<Relay> two = List.of(r(0), r(1));
    Peer a = new Peer(two, 2, FAST_FOREVER);
    Peer b = new Peer(two, 2, FAST_FOREVER);
    a.awaitConnected();
    b.awaitConnected();
    // OOB to a client the relay has not confirmed yet is dropped: wait until it counts both.
    await().atMost(WAIT).until(() -> r(0).running.clients() == 2);

    Bytes cookieRequest = bytes(COOKIE_REQUEST.id(), 145);
    a.send(r(0), b, cookieRequest);
    assertThat(b.next()).isEqualTo(from(r(0), a, cookieRequest));
    // The send asked the relay for a route to b; b has not routed to a, so it is registered only.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(a.pool.routes(b.dht()))
                    .containsExactly(new PeerRoute(r(0).key(), PeerRoute.State.REGISTERED)));
    StepVerifier.create(a.pool.send(Path.relay(r(0).key(), b.dht()), bytes(DATA.id(), 1025)))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("out-of-band limit of 1024"))
        .verify(WAIT);

    // A cookie response answers a possible stranger: it goes OOB and costs no route.
    Bytes cookieResponse = bytes(COOKIE_RESPONSE.id(), 161);
    b.send(r(0), a, cookieResponse);
    assertThat(a.next()).isEqualTo(from(r(0), b, cookieResponse));
    assertThat(b.pool.routes(a.dht())).isEmpty();

    // A handshake back on the path the packet came by routes b to a: both sides are online.
    Bytes handshake = bytes(HANDSHAKE.id(), 385);
    b.send(r(0), a, handshake);
    assertThat(a.next()).isEqualTo(from(r(0), b, handshake));
    a.event(up(r(0), b));
    b.event(up(r(0), a));
    Bytes data = bytes(DATA.id(), 1400);
    a.send(r(0), b, data);
    assertThat(b.next()).isEqualTo(from(r(0), a, data));
    assertThat(a.pool.onlineRelays(b.dht())).containsExactly(r(0).key());
  }

  @Test
  void aRelayThatGoesAwayTakesItsPathsDownAndComesBackRerouted() throws InterruptedException {
    List<Relay> two = List.of(r(0), r(1));
    Peer a = new Peer(two, 2, FAST_FOREVER);
    Peer b = new Peer(two, 2, FAST_FOREVER);
    a.route(b);
    b.route(a);
    a.awaitOnline(b, r(0), r(1));
    b.awaitOnline(a, r(0), r(1));
    a.events.clear();

    r(0).stop();
    a.event(down(r(0), b, "relay link closed: "));
    StepVerifier.create(a.pool.send(Path.relay(r(0).key(), b.dht()), Bytes.ofHex("1b02")))
        .expectError(RelayLinkDownException.class)
        .verify(WAIT);
    Bytes data = bytes(DATA.id(), 1200);
    a.send(r(1), b, data);
    assertThat(b.next()).isEqualTo(from(r(1), a, data));

    r(0).start(); // same key, same port
    a.event(up(r(0), b));
    b.awaitOnline(a, r(0));
    a.send(r(0), b, data);
    assertThat(b.next()).isEqualTo(from(r(0), a, data));
    assertThat(a.status(r(0)).connects()).isEqualTo(2);
  }

  @Test
  void aSpareTakesOverWhenTheReconnectPolicyGivesUp() throws InterruptedException {
    List<Relay> oneAndSpare = List.of(r(0), r(2));
    Peer a = new Peer(oneAndSpare, 1, Retry.fixedDelay(3, Duration.ofMillis(50)));
    Peer b = new Peer(oneAndSpare, 2, FAST_FOREVER);
    assertThat(a.route(b)).isEqualTo(1);
    b.route(a);
    a.awaitOnline(b, r(0));
    assertThat(a.status(r(2)).role()).isEqualTo(RelayStatus.Role.SPARE);

    r(0).stop();
    a.event(down(r(0), b, "relay link closed: "));
    a.event(up(r(2), b)); // the spare was connected and b routed there
    assertThat(a.status(r(2))).extracting(RelayStatus::role).isEqualTo(RelayStatus.Role.ACTIVE);
    assertThat(a.status(r(0)).role()).isEqualTo(RelayStatus.Role.SPARE);
    assertThat(a.status(r(0)).note()).startsWith("relay unreachable: ");
    Bytes data = bytes(DATA.id(), 1300);
    a.send(r(2), b, data);
    assertThat(b.next()).isEqualTo(from(r(2), a, data));
  }

  @Test
  void aVerdictAboutOnePeerSparesTheRelayAndTwoPeersOrTheLinkItselfDropIt()
      throws InterruptedException {
    Peer a = new Peer(relays, 2, FAST_FOREVER); // r0, r1 active; r2 spare
    Peer b = new Peer(relays, 3, FAST_FOREVER);
    Peer c = new Peer(relays, 3, FAST_FOREVER);
    a.route(b);
    a.route(c);
    b.route(a);
    c.route(a);
    a.awaitOnline(b, r(0), r(1));
    a.awaitOnline(c, r(0), r(1));
    a.events.clear();

    a.pool.pathFailed(Path.relay(r(0).key(), b.dht()), "bad MAC");
    a.event(down(r(0), b, "path given up: bad MAC"));
    assertThat(a.status(r(0)).role()).isEqualTo(RelayStatus.Role.ACTIVE);
    assertThat(a.pool.routes(b.dht()))
        .containsExactly(new PeerRoute(r(1).key(), PeerRoute.State.ONLINE));
    assertThat(a.pool.onlineRelays(c.dht())).containsExactly(r(0).key(), r(1).key());
    StepVerifier.create(a.pool.send(Path.relay(r(0).key(), b.dht()), Bytes.ofHex("1b03")))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("given up: bad MAC"))
        .verify(WAIT);
    Bytes data = bytes(DATA.id(), 1100);
    a.send(r(0), c, data);
    assertThat(c.next()).isEqualTo(from(r(0), a, data));
    // Repeating the verdict about the same peer is not more evidence.
    a.pool.pathFailed(Path.relay(r(0).key(), b.dht()), "bad MAC again");
    assertThat(a.status(r(0)).role()).isEqualTo(RelayStatus.Role.ACTIVE);

    a.pool.pathFailed(Path.relay(r(0).key(), c.dht()), "bad MAC");
    a.event(down(r(0), c, "relay dropped: "));
    assertThat(a.status(r(0)).role()).isEqualTo(RelayStatus.Role.DROPPED);
    assertThat(a.status(r(2)).role()).isEqualTo(RelayStatus.Role.ACTIVE);
    assertThat(a.pool.serves(Path.relay(r(0).key(), c.dht()))).isFalse();
    // Both peers, the first blamed one too, are routed on the spare.
    a.awaitOnline(b, r(1), r(2));
    a.awaitOnline(c, r(1), r(2));

    a.pool.pathFailed(Path.relay(r(1).key(), r(1).key()), "the link itself misbehaves");
    a.event(down(r(1), b, "relay dropped: the link itself misbehaves"));
    assertThat(a.pool.relays())
        .extracting(RelayStatus::role)
        .containsExactly(
            RelayStatus.Role.ACTIVE, RelayStatus.Role.DROPPED, RelayStatus.Role.DROPPED);
    a.send(r(2), b, data);
    assertThat(b.next()).isEqualTo(from(r(2), a, data));
  }

  @Test
  void sleepGivesUpARoutesAndWakeRestoresIt() throws InterruptedException {
    List<Relay> two = List.of(r(0), r(1));
    Peer a = new Peer(two, 2, FAST_FOREVER);
    Peer b = new Peer(two, 2, FAST_FOREVER);
    a.route(b);
    b.route(a);
    a.awaitOnline(b, r(0), r(1));

    a.pool.sleep(b.dht());
    a.event(down(r(0), b, "peer asleep"));
    b.event(down(r(0), a, "peer went offline"));
    assertThat(a.pool.routes(b.dht()))
        .extracting(PeerRoute::state)
        .containsOnly(PeerRoute.State.SLEEPING);
    a.pool.wake(b.dht());
    a.awaitOnline(b, r(0), r(1));
  }

  @Test
  void netCryptosStandbyHintSleepsAndWakesThePeer() throws InterruptedException {
    List<Relay> two = List.of(r(0), r(1));
    Peer a = new Peer(two, 2, FAST_FOREVER);
    Peer b = new Peer(two, 2, FAST_FOREVER);
    a.route(b);
    b.route(a);
    a.awaitOnline(b, r(0), r(1));

    a.pool.standby(Path.relay(r(0).key(), b.dht()), true);
    assertThat(a.pool.routes(b.dht()))
        .extracting(PeerRoute::state)
        .containsOnly(PeerRoute.State.SLEEPING);
    a.pool.standby(Path.relay(KeyPair.generate().publicKey(), b.dht()), false); // not ours
    assertThat(a.pool.routes(b.dht()))
        .extracting(PeerRoute::state)
        .containsOnly(PeerRoute.State.SLEEPING);
    a.pool.standby(Path.relay(r(0).key(), b.dht()), false);
    a.awaitOnline(b, r(0), r(1));
  }

  @Test
  void badSendsFailWithTheDocumentedErrors() throws InterruptedException {
    Peer a = new Peer(List.of(r(0), r(1)), 1, FAST_FOREVER); // r1 is a spare
    a.awaitConnected();
    PublicKey someone = KeyPair.generate().publicKey();
    RelayPool pool = a.pool;
    assertThat(pool.maxPacketSize()).isEqualTo(2031);

    Path udp = Path.udp(new InetSocketAddress("127.0.0.1", 33445));
    assertThat(pool.serves(udp)).isFalse();
    expectError(pool.send(udp, Bytes.ofHex("1b")), IllegalArgumentException.class, "cannot send");
    Path unknown = Path.relay(KeyPair.generate().publicKey(), someone);
    assertThat(pool.serves(unknown)).isFalse();
    expectError(pool.send(unknown, Bytes.ofHex("1b")), IllegalArgumentException.class, "not an");
    Path viaR0 = Path.relay(r(0).key(), someone);
    expectError(pool.send(viaR0, bytes(DATA.id(), 2032)), IllegalArgumentException.class, "2031");
    expectError(pool.send(viaR0, Bytes.EMPTY), IllegalArgumentException.class, "got 0");
    expectError(
        pool.send(viaR0, bytes(DATA.id(), 1025)), IllegalStateException.class, "not online");
    Path viaSpare = Path.relay(r(1).key(), someone);
    assertThat(pool.serves(viaSpare)).isTrue();
    expectError(pool.send(viaSpare, Bytes.ofHex("1b")), RelayLinkDownException.class, "spare");
    // offer refuses at once what send fails at once
    assertThat(pool.offer(udp, Bytes.ofHex("1b"))).isFalse();
    assertThat(pool.offer(unknown, Bytes.ofHex("1b"))).isFalse();
    assertThat(pool.offer(viaR0, bytes(DATA.id(), 2032))).isFalse();
    assertThat(pool.offer(viaR0, Bytes.EMPTY)).isFalse();
    assertThat(pool.offer(viaSpare, Bytes.ofHex("1b"))).isFalse();
    StepVerifier.create(pool.receive()).expectError(IllegalStateException.class).verify(WAIT);

    pool.dispose();
    expectError(pool.send(viaR0, Bytes.ofHex("1b")), RelayLinkDownException.class, "disposed");
    assertThat(pool.offer(viaR0, Bytes.ofHex("1b"))).isFalse();
    StepVerifier.create(pool.pathEvents()).expectComplete().verify(WAIT);
    await().atMost(WAIT).until(a.receiving::isDisposed);
  }

  private static void expectError(Mono<Void> send, Class<? extends Throwable> type, String text) {
    StepVerifier.create(send)
        .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(type).hasMessageContaining(text))
        .verify(WAIT);
  }
}
