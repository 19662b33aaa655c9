package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.SharedKey;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.packet.CookieRequest;
import org.toxreactive.netcrypto.packet.CookieResponse;
import org.toxreactive.test.sim.SimNetwork;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * An attacker on the simulated network, on virtual time: floods of cookie requests from forged
 * sources, floods of strangers' handshakes against a node that accepts anyone, and replays of a
 * real session's packets from another address. Node b accepts anyone; a is an honest peer with an
 * established connection that must keep working.
 */
class NetCryptoAbuseTest {
  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private final SimNetwork net = SimNetwork.create(23, clock);
  private final KeyPair aReal = KeyPair.generate();
  private final KeyPair aDht = KeyPair.generate();
  private final KeyPair bReal = KeyPair.generate();
  private final KeyPair bDht = KeyPair.generate();
  private final SimTransport aWire = new SimTransport(net.node("a"));
  private final SimTransport bWire = new SimTransport(net.node("b"));
  private final List<CryptoConnection> accepted = new ArrayList<>();
  private final CryptoBox box = new CryptoBox();
  private NetCryptoNode a;
  private NetCryptoNode b;

  /** Starts a (accepts nobody) and b (accepts anyone, with {@code limits} applied). */
  private void start(UnaryOperator<NetCrypto> limits) {
    a = NetCrypto.create(aReal, aDht).transport(aWire).scheduler(clock).bindNow();
    b =
        limits
            .apply(
                NetCrypto.create(bReal, bDht)
                    .transport(bWire)
                    .scheduler(clock)
                    .acceptor(peer -> true))
            .bindNow();
    b.incoming().subscribe(accepted::add);
  }

  @AfterEach
  void stop() {
    if (a != null) {
      a.dispose();
    }
    if (b != null) {
      b.dispose();
    }
    clock.advanceTimeBy(Duration.ofSeconds(1));
    clock.dispose();
  }

  private long now() {
    return clock.now(TimeUnit.MILLISECONDS);
  }

  private CryptoConnection connect() {
    AtomicReference<CryptoConnection> out = new AtomicReference<>();
    a.connect(bReal.publicKey(), bDht.publicKey(), List.of(SimTransport.pathOf("b")))
        .subscribe(out::set);
    for (int i = 0; i < 100 && (out.get() == null || accepted.isEmpty()); i++) {
      clock.advanceTimeBy(Duration.ofMillis(10));
    }
    assertThat(out.get()).as("a connected").isNotNull();
    assertThat(accepted).as("b accepted").hasSize(1);
    return out.get();
  }

  /** b echoes every lossless message of {@code cb} back to its sender. */
  private static void echo(CryptoConnection cb) {
    Sinks.Many<Message> back = Sinks.many().unicast().onBackpressureBuffer();
    cb.send(back.asFlux()).subscribe(null, e -> {});
    cb.lossless().subscribe(m -> back.tryEmitNext(m));
  }

  @Test
  void aCookieRequestFloodFromForgedSourcesLeavesTheEstablishedConnectionItsEchoes() {
    net.defaults().delay(2, 2);
    start(c -> c);
    CryptoConnection ca = connect();
    echo(accepted.get(0));
    Map<Integer, Long> echoedAt = new ConcurrentHashMap<>();
    ca.lossless().subscribe(m -> echoedAt.put(SimPair.numberOf(m), now()));
    Sinks.Many<Message> pings = Sinks.many().unicast().onBackpressureBuffer();
    ca.send(pings.asFlux()).subscribe(null, e -> {});

    // 2,000 forged sources, 50,000 cookie requests a second (bursts of 5,000 every 100 ms), each
    // with a fresh random "DHT key": opening one costs an X25519 unless something stops it first
    int sources = 2_000;
    List<SimTransport> forged = new ArrayList<>();
    for (int i = 0; i < sources; i++) {
      forged.add(new SimTransport(net.node("127.9." + (i / 250) + "." + (i % 250))));
    }
    SplittableRandom random = new SplittableRandom(5);
    NetCryptoStats before = b.stats();
    long floodStart = now();
    long floodMillis = 3_000;
    List<Long> sentAt = new ArrayList<>();
    int next = 0;
    int bursts = 0;
    while (now() - floodStart < floodMillis) {
      if ((now() - floodStart) % 100 == 0) {
        bursts++;
        for (int i = 0; i < 5_000; i++) {
          byte[] request = new byte[CookieRequest.LENGTH];
          random.nextBytes(request);
          request[0] = 0x18;
          forged.get(next++ % sources).inject("b", request);
        }
      }
      if ((now() - floodStart) % 50 == 0) { // one ping every 50 ms
        pings.tryEmitNext(numbered(sentAt.size()));
        sentAt.add(now());
      }
      clock.advanceTimeBy(Duration.ofMillis(10));
    }
    int duringFlood = sentAt.size();
    long echoedWithinASecond =
        java.util.stream.IntStream.range(0, duringFlood)
            .filter(i -> echoedAt.containsKey(i) && echoedAt.get(i) - sentAt.get(i) <= 1_000)
            .count();
    NetCryptoStats flood = b.stats();
    System.out.printf(
        "cookie flood: %d of %d echoes within 1 s; %s%n", echoedWithinASecond, duringFlood, flood);
    assertThat(echoedWithinASecond).isGreaterThanOrEqualTo((long) (0.8 * duringFlood));
    // the flood was cut down before any X25519: by the full lane, the sources' buckets, the budget
    // each burst arrives at once: the control lane (512) takes what it holds, the rest is dropped
    assertThat(flood.receiveDropped() - before.receiveDropped())
        .isGreaterThanOrEqualTo(bursts * (5_000L - 512));
    assertThat(flood.cookieRequestsRateLimited() - before.cookieRequestsRateLimited()).isPositive();
    long budget = Limits.DEFAULTS.keyBurst() + 500 * (floodMillis / 1000 + 1);
    assertThat(flood.keysComputed() - before.keysComputed()).isLessThanOrEqualTo(budget);
    assertThat(b.engine().sessions()).isEqualTo(1);

    // after the flood: a ping is echoed at once
    long after = now();
    pings.tryEmitNext(numbered(duringFlood));
    for (int i = 0; i < 100 && !echoedAt.containsKey(duringFlood); i++) {
      clock.advanceTimeBy(Duration.ofMillis(10));
    }
    assertThat(echoedAt).containsKey(duringFlood);
    assertThat(echoedAt.get(duringFlood) - after).isLessThan(1_000);
    assertThat(echoedAt).hasSize(duringFlood + 1);
  }

  private static Message numbered(int i) {
    return Message.of(
        160,
        Bytes.of(new byte[] {(byte) (i >>> 24), (byte) (i >>> 16), (byte) (i >>> 8), (byte) i}));
  }

  /**
   * A stranger that does its half of a handshake by hand from sim node {@code node} and never
   * confirms it: b's session for it stays pending until its 8 handshake resends run out.
   */
  private KeyPair handshakeAsStranger(String node) {
    KeyPair real = KeyPair.generate();
    KeyPair dht = KeyPair.generate();
    SimTransport m = new SimTransport(net.node(node));
    List<byte[]> got = new ArrayList<>();
    reactor.core.Disposable listening =
        m.receive().map(d -> d.data().toArray()).subscribe(got::add);
    CodecNode w = new CodecNode(SharedKey.random());
    SharedKey toB = CryptoBox.beforenm(bDht.publicKey(), dht.secretKey());
    m.inject("b", w.cookieRequest(toB, dht.publicKey(), real.publicKey(), 7, box));
    clock.advanceTimeBy(Duration.ofMillis(20));
    listening.dispose();
    CookieResponse r =
        got.stream()
            .filter(p -> p[0] == 0x19)
            .map(p -> w.openCookieResponse(toB, p, box))
            .findFirst()
            .orElseThrow();
    byte[] other = w.mintCookie(0, real.publicKey(), dht.publicKey(), box);
    m.inject(
        "b",
        w.handshake(
            CryptoBox.beforenm(bReal.publicKey(), real.secretKey()),
            r.cookie(),
            Nonce.random(),
            KeyPair.generate().publicKey(),
            other,
            box));
    clock.advanceTimeBy(Duration.ofMillis(20));
    return real;
  }

  @Test
  void thePendingCapRefusesAndFreesItsPlacesWhenPendingSessionsGiveUp() {
    start(c -> c.maxPendingSessions(3));
    for (int i = 0; i < 5; i++) {
      handshakeAsStranger("s" + i);
    }
    assertThat(b.engine().sessions()).isEqualTo(3);
    assertThat(b.stats().sessionsRefused()).isEqualTo(2);
    clock.advanceTimeBy(Duration.ofSeconds(10)); // 8 resends without an answer: given up
    assertThat(b.engine().sessions()).isZero();
    KeyPair late = handshakeAsStranger("s9");
    assertThat(b.engine().session(late.publicKey())).as("a place is free again").isNotNull();
  }

  @Test
  void thePerSourceCapCountsSessionsFromOneAddress() {
    start(c -> c.maxSessionsPerSource(2));
    for (int i = 0; i < 4; i++) {
      handshakeAsStranger("one-host"); // new keys each time, one address
    }
    KeyPair elsewhere = handshakeAsStranger("other-host");
    assertThat(b.engine().sessions()).isEqualTo(3);
    assertThat(b.engine().session(elsewhere.publicKey())).isNotNull();
    assertThat(b.stats().sessionsRefused()).isEqualTo(2);
  }

  @Test
  void theSessionCapCountsEstablishedSessions() {
    start(c -> c.maxSessions(2));
    connect();
    handshakeAsStranger("s0");
    handshakeAsStranger("s1");
    assertThat(b.engine().sessions()).isEqualTo(2);
    assertThat(b.stats().sessionsRefused()).isEqualTo(1);
  }

  @Test
  void anEstablishedConnectionKeepsWorkingWhileStrangersFloodTheCapsAndIdleSessionsStaySmall() {
    start(c -> c.maxPendingSessions(8));
    CryptoConnection ca = connect();
    CryptoConnection cb = accepted.get(0);
    Session atB = ((Connection) cb).session();
    assertThat(atB.ringCapacity())
        .as("an idle session's rings")
        .isEqualTo(2 * org.toxreactive.netcrypto.packet.PacketRing.INITIAL_CAPACITY);
    List<Integer> got = new ArrayList<>();
    cb.lossless().subscribe(m -> got.add(SimPair.numberOf(m)));
    ca.send(SimPair.bulk(2_000, 100)).subscribe();
    for (int i = 0; i < 40; i++) {
      handshakeAsStranger("stranger" + i);
    }
    clock.advanceTimeBy(Duration.ofSeconds(2));
    assertThat(got).hasSize(2_000);
    for (int i = 0; i < got.size(); i++) {
      assertThat(got.get(i)).isEqualTo(i);
    }
    assertThat(b.engine().sessions()).isLessThanOrEqualTo(1 + 8);
    assertThat(b.stats().sessionsRefused()).isEqualTo(40 - 8);
    // the sender's ring holds its window (b's receive ring grows only for packets that arrive
    // ahead of a hole, and none did here)
    assertThat(((Connection) ca).session().ringCapacity())
        .as("the sender's rings grew with the transfer")
        .isGreaterThan(32);
  }

  @Test
  void replayedHandshakeAndDataFromAnotherAddressDrawNothingAndAddNoPath() {
    start(c -> c);
    CryptoConnection ca = connect();
    CryptoConnection cb = accepted.get(0);
    List<String> atB = new ArrayList<>();
    cb.lossless().subscribe(m -> atB.add(m.payload().toUtf8()));
    ca.send(SimPair.numbered(20)).subscribe();
    clock.advanceTimeBy(Duration.ofMillis(500));
    List<byte[]> captured = new ArrayList<>(aWire.sent);
    Session s = ((Connection) cb).session();
    List<Path> pathsBefore = s.paths.paths();

    SimTransport evil = new SimTransport(net.node("evil"));
    List<byte[]> toEvil = new ArrayList<>();
    evil.receive().map(d -> d.data().toArray()).subscribe(toEvil::add);
    long replaysBefore = b.stats().replaysDropped();
    int replayed = 0;
    for (byte[] p : captured) {
      if (p[0] == 0x1A || p[0] == 0x1B) { // within the cookie's 15 s: the handshake still opens
        evil.inject("b", p);
        replayed++;
      }
    }
    clock.advanceTimeBy(Duration.ofSeconds(3));
    assertThat(replayed).isGreaterThan(20);
    assertThat(toEvil).as("nothing is sent to the replaying address").isEmpty();
    assertThat(s.paths.paths()).isEqualTo(pathsBefore).containsExactly(SimTransport.pathOf("a"));
    assertThat(b.stats().replaysDropped() - replaysBefore).isEqualTo(replayed);
    assertThat(atB).hasSize(20);

    // A replayed cookie request draws the one stateless answer any cookie request gets (sealed to
    // the DHT key inside, useless to whoever replays it), and no path either.
    captured.stream().filter(p -> p[0] == 0x18).forEach(p -> evil.inject("b", p));
    clock.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(toEvil).allSatisfy(p -> assertThat(p[0]).isEqualTo((byte) 0x19));
    assertThat(s.paths.paths()).isEqualTo(pathsBefore);
    ca.send(SimPair.numbered(5)).subscribe();
    clock.advanceTimeBy(Duration.ofMillis(500));
    assertThat(atB).hasSize(25);
    evil.dispose();
  }

  @Test
  void aHandshakeReplayedAfterItsSessionClosedOpensNoNewSession() {
    start(c -> c);
    CryptoConnection ca = connect();
    CryptoConnection cb = accepted.get(0);
    ca.send(SimPair.numbered(5)).subscribe();
    clock.advanceTimeBy(Duration.ofMillis(500));
    List<byte[]> captured = new ArrayList<>(aWire.sent);
    ca.dispose();
    clock.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(b.engine().sessions()).as("the session ended").isZero();

    SimTransport evil = new SimTransport(net.node("evil"));
    List<byte[]> toEvil = new ArrayList<>();
    evil.receive().map(d -> d.data().toArray()).subscribe(toEvil::add);
    long replaysBefore = b.stats().replaysDropped();
    int handshakes = 0;
    for (byte[] p : captured) {
      if (p[0] == 0x1A || p[0] == 0x1B) { // well within the cookie's 15 s
        evil.inject("b", p);
        handshakes += p[0] == 0x1A ? 1 : 0;
      }
    }
    clock.advanceTimeBy(Duration.ofSeconds(3));
    assertThat(handshakes).isPositive();
    assertThat(toEvil).as("no handshake, no keepalive to the replaying address").isEmpty();
    assertThat(b.engine().sessions()).as("no session from a used cookie").isZero();
    assertThat(b.stats().replaysDropped() - replaysBefore).isGreaterThanOrEqualTo(handshakes);
    assertThat(cb).isNotNull();
    evil.dispose();
  }
}
