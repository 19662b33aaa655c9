package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.test.sim.SimNetwork;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** net_crypto between two of our nodes on the simulated network, on virtual time. */
class NetCryptoSimTest {
  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private final SimNetwork net = SimNetwork.create(7, clock);
  private final KeyPair aReal = KeyPair.generate();
  private final KeyPair aDht = KeyPair.generate();
  private final KeyPair bReal = KeyPair.generate();
  private final KeyPair bDht = KeyPair.generate();
  private NetCryptoNode a;
  private NetCryptoNode b;
  private final List<CryptoConnection> accepted = new ArrayList<>();

  @BeforeEach
  void start() {
    a =
        NetCrypto.create(aReal, aDht)
            .transport(new SimTransport(net.node("a")))
            .scheduler(clock)
            .bindNow();
    b =
        NetCrypto.create(bReal, bDht)
            .transport(new SimTransport(net.node("b")))
            .scheduler(clock)
            .acceptor(peer -> peer.realKey().equals(aReal.publicKey()))
            .bindNow();
    b.incoming().subscribe(accepted::add);
  }

  @AfterEach
  void stop() {
    a.dispose();
    b.dispose();
    clock.advanceTimeBy(Duration.ofSeconds(1));
    clock.dispose();
  }

  private CryptoConnection connectAtoB() {
    AtomicReference<CryptoConnection> out = new AtomicReference<>();
    a.connect(bReal.publicKey(), bDht.publicKey(), List.of(SimTransport.pathOf("b")))
        .subscribe(out::set);
    for (int i = 0; i < 100 && (out.get() == null || accepted.isEmpty()); i++) {
      clock.advanceTimeBy(Duration.ofMillis(100));
    }
    assertThat(out.get()).as("a connected").isNotNull();
    assertThat(accepted).as("b accepted").hasSize(1);
    return out.get();
  }

  private static Flux<Message> numbered(int n) {
    return Flux.range(0, n).map(i -> Message.of(160, Bytes.ofUtf8("m" + i)));
  }

  @Test
  void connectsAndDeliversLosslessInOrderBothWays() {
    CryptoConnection ca = connectAtoB();
    CryptoConnection cb = accepted.get(0);
    assertThat(ca.peerRealKey()).isEqualTo(bReal.publicKey());
    assertThat(cb.peerRealKey()).isEqualTo(aReal.publicKey());
    assertThat(cb.peerDhtKey()).isEqualTo(aDht.publicKey());

    List<String> atB = new ArrayList<>();
    List<String> atA = new ArrayList<>();
    cb.lossless().subscribe(m -> atB.add(m.payload().toUtf8()));
    ca.lossless().subscribe(m -> atA.add(m.payload().toUtf8()));
    ca.send(numbered(100)).subscribe();
    cb.send(numbered(50)).subscribe();
    clock.advanceTimeBy(Duration.ofSeconds(2));
    assertThat(atB).hasSize(100).startsWith("m0", "m1").endsWith("m99");
    assertThat(atA).hasSize(50).endsWith("m49");
  }

  @Test
  void tenThousandMessagesSurviveTwentyPercentLossAndReordering() {
    net.defaults().loss(0.2).reorder(0.2, 30).delay(5, 15);
    CryptoConnection ca = connectAtoB();
    CryptoConnection cb = accepted.get(0);
    List<Integer> got = new ArrayList<>();
    cb.lossless().subscribe(m -> got.add(Integer.parseInt(m.payload().toUtf8().substring(1))));
    AtomicReference<Boolean> sent = new AtomicReference<>(false);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    ca.send(numbered(10_000)).subscribe(null, failed::set, () -> sent.set(true));
    long startMs = clock.now(java.util.concurrent.TimeUnit.MILLISECONDS);
    for (int i = 0; i < 3000 && !sent.get() && failed.get() == null; i++) {
      clock.advanceTimeBy(Duration.ofMillis(100));
    }
    System.out.println(
        "10,000 lossless messages through 20% loss + reordering: "
            + (clock.now(java.util.concurrent.TimeUnit.MILLISECONDS) - startMs)
            + " ms of virtual time");
    assertThat(failed.get()).isNull();
    assertThat(sent.get())
        .as("all acknowledged within 300 s of virtual time; got %d", got.size())
        .isTrue();
    assertThat(got).hasSize(10_000);
    for (int i = 0; i < got.size(); i++) {
      assertThat(got.get(i)).isEqualTo(i);
    }
  }

  @Test
  void lossyMessagesAreDeliveredButNotRetransmitted() {
    CryptoConnection ca = connectAtoB();
    CryptoConnection cb = accepted.get(0);
    List<Message> got = new ArrayList<>();
    cb.lossy().subscribe(got::add);
    net.link("a", "b").loss(1.0);
    ca.sendLossy(Message.of(200, Bytes.ofHex("01"))).subscribe();
    clock.advanceTimeBy(Duration.ofMillis(100));
    net.link("a", "b").loss(0.0);
    ca.sendLossy(Message.of(201, Bytes.ofHex("02"))).subscribe();
    clock.advanceTimeBy(Duration.ofSeconds(3));
    assertThat(got).containsExactly(Message.of(201, Bytes.ofHex("02")));
  }

  @Test
  void reservedDataIdsAreDroppedAndTheStreamGoesOn() {
    CryptoConnection ca = connectAtoB();
    CryptoConnection cb = accepted.get(0);
    List<Message> lossless = new ArrayList<>();
    List<Message> lossy = new ArrayList<>();
    cb.lossless().subscribe(lossless::add);
    cb.lossy().subscribe(lossy::add);
    Session s = ((Connection) ca).session();
    // (id 0 cannot be sent: zeros before the id are padding, docs/protocol.md 4.7)
    for (int id : new int[] {3, 7, 15, 255}) {
      s.sendRawData(new byte[] {(byte) id, 42});
    }
    ca.sendLossy(Message.of(192, Bytes.ofHex("01"))).subscribe();
    ca.send(numbered(3)).subscribe();
    clock.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(lossless).extracting(m -> m.payload().toUtf8()).containsExactly("m0", "m1", "m2");
    assertThat(lossy).containsExactly(Message.of(192, Bytes.ofHex("01")));
    assertThat(((Connection) cb).session().isEstablished()).isTrue();
  }

  @Test
  void aCorruptedPacketIsDroppedWithoutHarmingTheSession() {
    CryptoConnection ca = connectAtoB();
    CryptoConnection cb = accepted.get(0);
    net.link("a", "b").corrupt(0.3);
    List<String> got = new ArrayList<>();
    cb.lossless().subscribe(m -> got.add(m.payload().toUtf8()));
    ca.send(numbered(200)).subscribe();
    clock.advanceTimeBy(Duration.ofSeconds(10));
    assertThat(got).hasSize(200).endsWith("m199");
    assertThat(b.decryptFailures()).isPositive();
  }

  @Test
  void aPartitionLongerThanTheTimeoutEndsTheConnectionOnBothSides() {
    CryptoConnection ca = connectAtoB();
    CryptoConnection cb = accepted.get(0);
    net.partition("a", "b");
    StepVerifier.create(ca.lossless())
        .then(() -> clock.advanceTimeBy(Duration.ofSeconds(33)))
        .expectErrorSatisfies(
            e ->
                assertThat(e).isInstanceOf(NetCryptoException.class).hasMessageContaining("silent"))
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(cb.lossless())
        .expectError(NetCryptoException.class)
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void aKillArrivesAsCompletion() {
    CryptoConnection ca = connectAtoB();
    CryptoConnection cb = accepted.get(0);
    StepVerifier.create(cb.lossless())
        .then(ca::dispose)
        .then(() -> clock.advanceTimeBy(Duration.ofMillis(100)))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void aPeerThatNeverAnswersFailsAfterEightCookieRequests() {
    net.kill("b");
    StepVerifier.create(
            a.connect(bReal.publicKey(), bDht.publicKey(), List.of(SimTransport.pathOf("b"))))
        .then(() -> clock.advanceTimeBy(Duration.ofSeconds(9)))
        .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("no cookie response"))
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void theAcceptorCanRefuse() {
    KeyPair stranger = KeyPair.generate();
    NetCryptoNode s =
        NetCrypto.create(stranger, KeyPair.generate())
            .transport(new SimTransport(net.node("s")))
            .scheduler(clock)
            .bindNow();
    try {
      StepVerifier.create(
              s.connect(bReal.publicKey(), bDht.publicKey(), List.of(SimTransport.pathOf("b"))))
          .then(() -> clock.advanceTimeBy(Duration.ofSeconds(20)))
          .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("no handshake"))
          .verify(Duration.ofSeconds(5));
      assertThat(accepted).isEmpty();
    } finally {
      s.dispose();
    }
  }
}
