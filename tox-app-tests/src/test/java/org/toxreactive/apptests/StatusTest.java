package org.toxreactive.apptests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.netcrypto.ConnectFailedException;
import org.toxreactive.netcrypto.CryptoConnection;
import org.toxreactive.netcrypto.LinkStatus;
import org.toxreactive.netcrypto.LinkStatus.Kind;
import org.toxreactive.testkit.SimTransport;
import reactor.test.StepVerifier;

/**
 * Issue 18, problem 7: a path is reported only while the peer is heard on it; UNREACHABLE between
 * the last live path dying and the idle timeout; CONNECTING visible (on a connection from {@code
 * open}).
 */
class StatusTest {
  private final SimPeers p = new SimPeers();

  @AfterEach
  void stop() {
    p.close();
  }

  @Test
  void aDeadPathIsNotReportedUntilTheIdleTimeout() {
    CryptoConnection[] c = p.connect();
    List<LinkStatus> seen = new ArrayList<>();
    c[0].status().subscribe(seen::add);
    assertThat(seen).extracting(LinkStatus::kind).containsExactly(Kind.DIRECT);
    assertThat(seen.get(0).path()).isEqualTo(SimTransport.pathOf("b"));
    p.net.partition("a", "b");
    long took = p.advanceUntil(() -> seen.size() > 1, Duration.ofSeconds(40));
    // before: DIRECT on the dead path until the 32 s timeout
    assertThat(took).isLessThan(4_000);
    assertThat(seen.get(1)).isEqualTo(new LinkStatus(Kind.UNREACHABLE, null));
    p.advanceUntil(c[0]::isDisposed, Duration.ofSeconds(40));
    assertThat(seen)
        .extracting(LinkStatus::kind)
        .containsExactly(Kind.DIRECT, Kind.UNREACHABLE, Kind.OFFLINE);
  }

  @Test
  void aPathComesBackFromUnreachable() {
    CryptoConnection[] c = p.connect();
    List<LinkStatus> seen = new ArrayList<>();
    c[0].status().subscribe(seen::add);
    p.net.partition("a", "b");
    p.advanceUntil(() -> seen.size() > 1, Duration.ofSeconds(10));
    p.net.heal("a", "b");
    p.advanceUntil(() -> seen.size() > 2, Duration.ofSeconds(10));
    assertThat(seen)
        .extracting(LinkStatus::kind)
        .containsExactly(Kind.DIRECT, Kind.UNREACHABLE, Kind.DIRECT);
    assertThat(c[0].isDisposed()).isFalse();
  }

  @Test
  void connectingIsVisibleOnAConnectionOpenedEarly() {
    p.net.defaults().delay(50, 50); // a handshake takes virtual time
    List<LinkStatus> seen = new ArrayList<>();
    List<String> got = new ArrayList<>();
    p.b.incoming().subscribe(c -> c.lossless().subscribe(m -> got.add(m.payload().toUtf8())));
    StepVerifier.create(
            p.a.open(p.bReal.publicKey(), p.bDht.publicKey(), List.of(SimTransport.pathOf("b"))))
        .assertNext(
            c -> {
              c.status().subscribe(seen::add);
              // sent while handshaking: it waits for the session
              c.send(SelfTest.messages(3)).subscribe();
            })
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    assertThat(seen).containsExactly(new LinkStatus(Kind.CONNECTING, null));
    p.advanceUntil(() -> got.size() == 3, Duration.ofSeconds(10));
    assertThat(seen).extracting(LinkStatus::kind).containsExactly(Kind.CONNECTING, Kind.DIRECT);
    assertThat(got).containsExactly("m0", "m1", "m2");
  }

  @Test
  void aConnectionOpenedEarlyToNobodyGoesOfflineWithTheReason() {
    CryptoConnection c =
        p.a
            .open(p.bReal.publicKey(), p.bDht.publicKey(), List.of(SimTransport.pathOf("nobody")))
            .block(Duration.ofSeconds(5));
    List<LinkStatus> seen = new ArrayList<>();
    c.status().subscribe(seen::add);
    StepVerifier.create(c.lossless())
        .then(() -> p.advance(Duration.ofSeconds(10)))
        .expectErrorSatisfies(
            e ->
                assertThat(((ConnectFailedException) e).reason())
                    .isEqualTo(ConnectFailedException.Reason.UNREACHABLE))
        .verify(Duration.ofSeconds(5));
    assertThat(seen).extracting(LinkStatus::kind).containsExactly(Kind.CONNECTING, Kind.OFFLINE);
  }

  @Test
  void thePathIsThereExactlyForDirectAndRelayed() {
    assertThatThrownBy(() -> new LinkStatus(Kind.DIRECT, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LinkStatus(Kind.UNREACHABLE, SimTransport.pathOf("b")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
