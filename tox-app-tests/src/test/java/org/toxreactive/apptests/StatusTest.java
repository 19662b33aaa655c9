package org.toxreactive.apptests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.netcrypto.CryptoConnection;
import org.toxreactive.netcrypto.LinkStatus;
import org.toxreactive.netcrypto.LinkStatus.Kind;

/**
 * Issue 18, problem 7: a path is reported only while the peer is heard on it; UNREACHABLE between
 * the last live path dying and the idle timeout.
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
  void thePathIsThereExactlyForDirectAndRelayed() {
    assertThatThrownBy(() -> new LinkStatus(Kind.DIRECT, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LinkStatus(Kind.UNREACHABLE, SimTransport.pathOf("b")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
