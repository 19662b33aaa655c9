package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.netcrypto.packet.Cookie;
import org.toxreactive.netcrypto.packet.CookieRequest;
import org.toxreactive.netcrypto.packet.CookieResponse;
import org.toxreactive.netcrypto.packet.Handshake;
import org.toxreactive.test.sim.SimNetwork;
import reactor.test.StepVerifier;

/**
 * The session state machine (docs/protocol.md 4.14, 4.16) between two of our nodes, on virtual
 * time.
 */
class NetCryptoHandshakeTest {
  private final SimPair p = new SimPair(11);

  @AfterEach
  void stop() {
    p.close();
  }

  private static long count(SimTransport wire, int id, int length) {
    return wire.sent.stream().filter(b -> (b[0] & 0xFF) == id && b.length == length).count();
  }

  @Test
  void theInitiatorWalksEveryStateInOrder() {
    p.net.defaults().delay(50, 50);
    AtomicReference<CryptoConnection> out = new AtomicReference<>();
    p.a
        .connect(p.bReal.publicKey(), p.bDht.publicKey(), List.of(SimTransport.pathOf("b")))
        .subscribe(out::set);
    Set<String> initiator = new LinkedHashSet<>();
    Set<String> acceptor = new LinkedHashSet<>();
    for (int i = 0; i < 200 && (out.get() == null || p.accepted.isEmpty()); i++) {
      p.clock.advanceTimeBy(Duration.ofMillis(5));
      Session s = p.a.engine().session(p.bReal.publicKey());
      if (s != null) {
        initiator.add(s.state().getClass().getSimpleName());
      }
      Session t = p.b.engine().session(p.aReal.publicKey());
      if (t != null) {
        acceptor.add(t.state().getClass().getSimpleName());
      }
    }
    assertThat(out.get()).isNotNull();
    // the initiator's NotConfirmed lasts no time here: the acceptor's handshake and first data
    // packet arrive together, so it is checked where it lasts a round trip, on the acceptor
    assertThat(initiator).containsSubsequence("CookieRequesting", "HandshakeSent", "Established");
    assertThat(acceptor).containsExactly("NotConfirmed", "Established");
    // the acceptor never requested a cookie: the peer's handshake brought everything
    assertThat(count(p.bWire, 0x18, CookieRequest.LENGTH)).isZero();
  }

  @Test
  void aDeadPeerGetsExactlyEightCookieRequestsOneSecondApart() {
    p.net.kill("b");
    StepVerifier.create(
            p.a.connect(p.bReal.publicKey(), p.bDht.publicKey(), List.of(SimTransport.pathOf("b"))))
        .then(() -> p.clock.advanceTimeBy(Duration.ofMillis(7_999)))
        .then(() -> assertThat(count(p.aWire, 0x18, CookieRequest.LENGTH)).isEqualTo(8))
        .expectNoEvent(Duration.ofMillis(1))
        .then(() -> p.clock.advanceTimeBy(Duration.ofMillis(1_001)))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(NetCryptoException.class)
                    .hasMessageContaining("no cookie response")
                    .hasMessageContaining("8 tries"))
        .verify(Duration.ofSeconds(5));
    assertThat(count(p.aWire, 0x18, CookieRequest.LENGTH)).isEqualTo(8);
  }

  @Test
  void aPeerThatAnswersCookiesButRefusesUsGetsEightHandshakes() {
    SimNetwork net = p.net;
    SimTransport wire = new SimTransport(net.node("stranger"));
    NetCryptoNode stranger =
        NetCrypto.create(KeyPair.generate(), KeyPair.generate())
            .transport(wire)
            .scheduler(p.clock)
            .bindNow();
    try {
      StepVerifier.create(
              stranger.connect(
                  p.bReal.publicKey(), p.bDht.publicKey(), List.of(SimTransport.pathOf("b"))))
          .then(() -> p.clock.advanceTimeBy(Duration.ofSeconds(10)))
          .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("no handshake"))
          .verify(Duration.ofSeconds(5));
      assertThat(count(wire, 0x18, CookieRequest.LENGTH)).isEqualTo(1);
      assertThat(count(wire, 0x1A, Handshake.LENGTH)).isEqualTo(8);
      assertThat(p.accepted).isEmpty();
    } finally {
      stranger.dispose();
    }
  }

  @Test
  void simultaneousOpenGivesOneConnectionOnEachSide() {
    p.net.defaults().delay(20, 20);
    AtomicReference<CryptoConnection> atA = new AtomicReference<>();
    AtomicReference<CryptoConnection> atB = new AtomicReference<>();
    p.a
        .connect(p.bReal.publicKey(), p.bDht.publicKey(), List.of(SimTransport.pathOf("b")))
        .subscribe(atA::set);
    p.b
        .connect(p.aReal.publicKey(), p.aDht.publicKey(), List.of(SimTransport.pathOf("a")))
        .subscribe(atB::set);
    p.advanceUntil(
        () -> atA.get() != null && atB.get() != null,
        Duration.ofMillis(10),
        Duration.ofSeconds(10));
    assertThat(atA.get()).isNotNull();
    assertThat(atB.get()).isNotNull();
    assertThat(p.accepted).as("neither side saw an incoming connection").isEmpty();

    List<String> gotB = new ArrayList<>();
    List<String> gotA = new ArrayList<>();
    atB.get().lossless().subscribe(m -> gotB.add(m.payload().toUtf8()));
    atA.get().lossless().subscribe(m -> gotA.add(m.payload().toUtf8()));
    atA.get().send(SimPair.numbered(300)).subscribe();
    atB.get().send(SimPair.numbered(300)).subscribe();
    p.clock.advanceTimeBy(Duration.ofSeconds(3));
    assertThat(gotB).hasSize(300).startsWith("m0").endsWith("m299");
    assertThat(gotA).hasSize(300).startsWith("m0").endsWith("m299");
  }

  @Test
  void aReplayedHandshakeCannotResetALiveConnection() {
    CryptoConnection ca = p.connect();
    CryptoConnection cb = p.accepted.get(0);
    byte[] handshake =
        p.aWire.sent.stream()
            .filter(b -> (b[0] & 0xFF) == 0x1A && b.length == Handshake.LENGTH)
            .findFirst()
            .orElseThrow();
    List<String> got = new ArrayList<>();
    cb.lossless().subscribe(m -> got.add(m.payload().toUtf8()));
    ca.send(SimPair.numbered(50)).subscribe();
    p.clock.advanceTimeBy(Duration.ofMillis(100));
    p.aWire.inject("b", handshake); // within the cookie's 15 s: it still opens
    p.clock.advanceTimeBy(Duration.ofMillis(100));
    ca.send(SimPair.numbered(50)).subscribe();
    p.clock.advanceTimeBy(Duration.ofSeconds(1));

    assertThat(got).hasSize(100);
    assertThat(((Connection) cb).session().isEstablished()).isTrue();
    assertThat(p.accepted).hasSize(1);
  }

  @Test
  void theIdleTimeoutIsConfigurable() {
    try (SimPair q = new SimPair(12, Duration.ofSeconds(3))) {
      CryptoConnection ca = q.connect();
      q.net.partition("a", "b");
      StepVerifier.create(ca.lossless())
          .then(() -> q.clock.advanceTimeBy(Duration.ofMillis(2_900)))
          .expectNoEvent(Duration.ofMillis(1))
          .then(() -> q.clock.advanceTimeBy(Duration.ofMillis(200)))
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(NetCryptoException.class)
                      .hasMessageContaining("silent for 3"))
          .verify(Duration.ofSeconds(5));
    }
  }

  @Test
  void aForgedHandshakeNamingOurPeerCannotKillTheConnection() {
    CryptoConnection ca = p.connect();
    CryptoConnection cb = p.accepted.get(0);
    AtomicReference<Boolean> closed = new AtomicReference<>(false);
    cb.onDispose().subscribe(null, e -> closed.set(true), () -> closed.set(true));
    // Mallory asks b for a cookie with her own DHT key, claiming a's real key (not authenticated
    // in a cookie request), then sends a handshake around that cookie with a box she cannot seal
    KeyPair mDht = KeyPair.generate();
    SimTransport m = new SimTransport(p.net.node("m"));
    List<byte[]> got = new ArrayList<>();
    m.receive().map(d -> d.data().toArray()).subscribe(got::add);
    org.toxreactive.core.CryptoBox box = new org.toxreactive.core.CryptoBox();
    CodecNode w = new CodecNode(org.toxreactive.core.SharedKey.random());
    org.toxreactive.core.SharedKey mb =
        org.toxreactive.core.CryptoBox.beforenm(p.bDht.publicKey(), mDht.secretKey());
    m.inject("b", w.cookieRequest(mb, mDht.publicKey(), p.aReal.publicKey(), 42, box));
    p.clock.advanceTimeBy(Duration.ofMillis(200));
    CookieResponse r =
        got.stream()
            .filter(b -> b[0] == 0x19)
            .map(b -> w.openCookieResponse(mb, b, box))
            .findFirst()
            .orElseThrow();
    byte[] forged = new byte[Handshake.LENGTH];
    forged[0] = 0x1A;
    System.arraycopy(r.cookie(), 0, forged, 1, Cookie.LENGTH);
    m.inject("b", forged);
    p.clock.advanceTimeBy(Duration.ofMillis(200));
    assertThat(closed.get()).as("b's connection to a survives").isFalse();
    List<String> atB = new ArrayList<>();
    cb.lossless().subscribe(msg -> atB.add(msg.payload().toUtf8()));
    ca.send(SimPair.numbered(5)).subscribe();
    p.clock.advanceTimeBy(Duration.ofMillis(500));
    assertThat(atB).containsExactly("m0", "m1", "m2", "m3", "m4");
    m.dispose();
  }
}
