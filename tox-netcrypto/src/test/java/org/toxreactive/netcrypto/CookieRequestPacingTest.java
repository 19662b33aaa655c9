package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.packet.CookieRequest;
import org.toxreactive.test.sim.SimNetwork;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Our cookie-request retries against c-toxcore 0.2.22's limit (docs/protocol.md 4.2 and 7): a
 * c-toxcore net_crypto instance answers at most 10 UDP cookie requests in a burst and one more per
 * 100 ms, counted over all its peers together, and ignores the rest. Our connect must never burst
 * past that, so a 0.2.22+ peer answers us; and when its bucket is empty because others drained it,
 * our paced retries must still get through. On virtual time.
 */
class CookieRequestPacingTest {
  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private final SimNetwork net = SimNetwork.create(7, clock);
  private final List<NetCryptoNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(NetCryptoNode::dispose);
  }

  /**
   * c-toxcore 0.2.22's limiter as its net_crypto.c behaves (our model, from reading it): a bucket
   * of 10 tokens, one more every whole 100 ms since the anchor, capped at 10 (a full bucket moves
   * the anchor to now); a request with no token left is ignored.
   */
  static final class CToxcoreCookieBucket {
    private long anchor;
    private long tokens = 10;
    int dropped;

    CToxcoreCookieBucket(long nowMillis) {
      anchor = nowMillis;
    }

    boolean take(long nowMillis) {
      long add = (nowMillis - anchor) / 100;
      if (add > 0) {
        tokens += add;
        if (tokens > 10) {
          tokens = 10;
          anchor = nowMillis;
        } else {
          anchor += add * 100;
        }
      }
      if (tokens == 0) {
        dropped++;
        return false;
      }
      tokens--;
      return true;
    }

    void drain() {
      tokens = 0;
    }
  }

  /** A UDP packet one of our nodes sent, with its virtual send time. */
  record Sent(long atMillis, Path path, byte[] bytes) {}

  /** Records what goes out (with the time) and, optionally, limits incoming cookie requests. */
  final class RecordingWire implements PacketTransport {
    private final SimTransport sim;
    final List<Sent> sent = new CopyOnWriteArrayList<>();
    CToxcoreCookieBucket limiter;

    RecordingWire(String name) {
      sim = new SimTransport(net.node(name));
    }

    @Override
    public Flux<Datagram> receive() {
      return sim.receive()
          .filter(
              d ->
                  limiter == null
                      || d.data().length() != CookieRequest.LENGTH
                      || d.data().getUnsigned(0) != 0x18
                      || limiter.take(now()));
    }

    @Override
    public Mono<Void> send(Path path, Bytes data) {
      sent.add(new Sent(now(), path, data.toArray()));
      return sim.send(path, data);
    }

    @Override
    public boolean serves(Path path) {
      return sim.serves(path);
    }

    @Override
    public int maxPacketSize() {
      return sim.maxPacketSize();
    }

    @Override
    public void dispose() {
      sim.dispose();
    }

    @Override
    public boolean isDisposed() {
      return sim.isDisposed();
    }

    List<Sent> cookieRequests() {
      return sent.stream()
          .filter(s -> (s.bytes()[0] & 0xFF) == 0x18 && s.bytes().length == CookieRequest.LENGTH)
          .toList();
    }
  }

  private long now() {
    return clock.now(TimeUnit.MILLISECONDS);
  }

  /** A node on {@code wire} that accepts {@code friend} (null: nobody). */
  private NetCryptoNode node(KeyPair real, KeyPair dht, RecordingWire wire, KeyPair friend) {
    NetCryptoNode n =
        NetCrypto.create(real, dht)
            .transport(wire)
            .scheduler(clock)
            .acceptor(peer -> friend != null && peer.realKey().equals(friend.publicKey()))
            .bindNow();
    nodes.add(n);
    return n;
  }

  /**
   * The worst case for a 0.2.22 peer: our node connects to it on three UDP addresses at once (all
   * reach the same c-toxcore instance, which never answers), gives up after its 8 tries, and the
   * application connects again at once, three times. Every one of those 72 cookie requests must
   * pass the peer's bucket, and no address gets two within a second. Sending on every engine tick,
   * or all tries at once, fails here.
   */
  @Test
  void connectRetriesToASilentPeerOnThreePathsNeverOverrunA0222CookieBucket() {
    RecordingWire ours = new RecordingWire("ours");
    NetCryptoNode a = node(KeyPair.generate(), KeyPair.generate(), ours, null);
    for (String dead : List.of("p1", "p2", "p3")) {
      net.node(dead);
      net.kill(dead);
    }
    KeyPair peerReal = KeyPair.generate();
    KeyPair peerDht = KeyPair.generate();
    List<Path> paths =
        List.of(SimTransport.pathOf("p1"), SimTransport.pathOf("p2"), SimTransport.pathOf("p3"));
    for (int attempt = 0; attempt < 3; attempt++) {
      StepVerifier.create(a.connect(peerReal.publicKey(), peerDht.publicKey(), paths))
          .then(() -> clock.advanceTimeBy(Duration.ofSeconds(9)))
          .expectError(NetCryptoException.class)
          .verify(Duration.ofSeconds(5));
    }
    List<Sent> requests = ours.cookieRequests();
    assertThat(requests).hasSize(3 * 8 * 3);
    CToxcoreCookieBucket bucket = new CToxcoreCookieBucket(0);
    for (Sent s : requests) {
      bucket.take(s.atMillis());
    }
    assertThat(bucket.dropped).as("requests a 0.2.22 peer would ignore").isZero();
    Map<Path, Long> last = new HashMap<>();
    long shortest = Long.MAX_VALUE;
    for (Sent s : requests) {
      Long before = last.put(s.path(), s.atMillis());
      if (before != null) {
        shortest = Math.min(shortest, s.atMillis() - before);
      }
    }
    assertThat(shortest).as("shortest gap between two requests on one path (ms)").isEqualTo(1000);
  }

  /**
   * The peer's bucket is empty when we start (other peers' requests drained it): our first cookie
   * request is ignored, the retry a second later finds tokens again, and we connect.
   */
  @Test
  void aPeerWhoseCookieBucketOthersDrainedAnswersOurRetry() {
    KeyPair aReal = KeyPair.generate();
    KeyPair bReal = KeyPair.generate();
    KeyPair bDht = KeyPair.generate();
    RecordingWire aWire = new RecordingWire("a");
    RecordingWire bWire = new RecordingWire("b");
    NetCryptoNode a = node(aReal, KeyPair.generate(), aWire, bReal);
    NetCryptoNode b = node(bReal, bDht, bWire, aReal);
    List<CryptoConnection> accepted = new ArrayList<>();
    b.incoming().subscribe(accepted::add);
    bWire.limiter = new CToxcoreCookieBucket(now());
    bWire.limiter.drain();
    AtomicReference<CryptoConnection> out = new AtomicReference<>();
    a.connect(bReal.publicKey(), bDht.publicKey(), List.of(SimTransport.pathOf("b")))
        .subscribe(out::set);
    for (int i = 0; i < 500 && (out.get() == null || accepted.isEmpty()); i++) {
      clock.advanceTimeBy(Duration.ofMillis(10));
    }
    assertThat(out.get()).as("connected").isNotNull();
    assertThat(accepted).hasSize(1);
    assertThat(bWire.limiter.dropped).as("our first request, ignored").isEqualTo(1);
    assertThat(aWire.cookieRequests()).hasSize(2);
    assertThat(now()).as("connected after the 1 s retry").isBetween(1000L, 2000L);
  }
}
