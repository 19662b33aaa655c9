package org.toxreactive.apptests;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.netcrypto.ConnectFailedException;
import org.toxreactive.netcrypto.CryptoConnection;
import org.toxreactive.netcrypto.LinkStatus;
import org.toxreactive.testkit.SimTransport;
import reactor.test.StepVerifier;

/**
 * Issue 18, problem 6: one naming ({@code dispose()/onDispose()/disposeNow}), disposal completes
 * streams, a transport disposed under a live node is seen at once.
 */
class LifecycleTest {
  private final SimPeers p = new SimPeers();

  @AfterEach
  void stop() {
    p.close();
  }

  @Test
  void disposingTheNodeCompletesEveryStream() {
    CryptoConnection[] c = p.connect();
    AtomicBoolean peerCompleted = new AtomicBoolean();
    c[1].lossless().subscribe(null, e -> {}, () -> peerCompleted.set(true));
    StepVerifier.create(c[0].lossless())
        .then(p.a::dispose)
        .then(() -> p.advance(Duration.ofMillis(100)))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(c[0].onDispose()).expectComplete().verify(Duration.ofSeconds(5));
    StepVerifier.create(p.a.onDispose()).expectComplete().verify(Duration.ofSeconds(5));
    StepVerifier.create(p.a.incoming()).expectComplete().verify(Duration.ofSeconds(5));
    StepVerifier.create(c[0].status().last())
        .expectNext(new LinkStatus(LinkStatus.Kind.OFFLINE, null))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    assertThat(c[0].isDisposed()).isTrue();
    assertThat(peerCompleted).as("our kill completes the peer's stream").isTrue();
    StepVerifier.create(
            p.a.connect(p.bReal.publicKey(), p.bDht.publicKey(), List.of(SimTransport.pathOf("b"))))
        .expectError(ConnectFailedException.class)
        .verify(Duration.ofSeconds(5));
  }

  @Test
  void disposingAConnectionCompletesBothEnds() {
    CryptoConnection[] c = p.connect();
    StepVerifier.create(c[1].lossless())
        .then(c[0]::dispose)
        .then(() -> p.advance(Duration.ofMillis(100)))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(c[0].onDispose()).expectComplete().verify(Duration.ofSeconds(5));
    StepVerifier.create(c[1].onDispose()).expectComplete().verify(Duration.ofSeconds(5));
  }

  @Test
  void aTransportDisposedUnderALiveNodeIsSeenAtOnce() {
    CryptoConnection[] c = p.connect();
    List<LinkStatus> seen = new ArrayList<>();
    c[0].status().subscribe(seen::add);
    p.aWire.dispose();
    long took =
        p.advanceUntil(
            () -> seen.get(seen.size() - 1).kind() == LinkStatus.Kind.UNREACHABLE,
            Duration.ofSeconds(40));
    // before: unnoticed until the 32 s idle timeout
    assertThat(took).isLessThanOrEqualTo(50);
  }
}
