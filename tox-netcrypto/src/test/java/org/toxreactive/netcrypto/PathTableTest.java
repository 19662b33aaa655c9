package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Path;

/** The data-path choice of {@link PathTable}, on explicit times. */
class PathTableTest {
  private final PublicKey peer = KeyPair.generate().publicKey();
  private final Path relayA = Path.relay(KeyPair.generate().publicKey(), peer);
  private final Path relayB = Path.relay(KeyPair.generate().publicKey(), peer);
  private final Path udp = Path.udp(InetSocketAddress.createUnresolved("peer", 1));

  /**
   * c-toxcore answers our cookie request on every relay it shares with us but accepts our handshake
   * on one only: the path its handshake comes on wins over the one whose cookie response came
   * first, and stays chosen while it is alive.
   */
  @Test
  void thePathThePeersHandshakeCameOnWinsOverTheFirstCookieResponse() {
    PathTable t = new PathTable();
    t.add(relayA);
    t.add(relayB);
    t.heard(relayA, 0); // the cookie response
    assertThat(t.choose(0)).isEqualTo(relayA);
    t.heard(relayB, 40); // the peer's handshake
    assertThat(t.choose(40)).as("sticky").isEqualTo(relayA);
    assertThat(t.adopt(relayB, 40)).isTrue();
    assertThat(t.best()).isEqualTo(relayB);
    assertThat(t.choose(1_000)).isEqualTo(relayB);
    assertThat(t.adopt(relayB, 1_000)).as("already chosen").isFalse();
  }

  @Test
  void freshDirectUdpIsNotGivenUpForARelayHandshake() {
    PathTable t = new PathTable();
    t.add(udp);
    t.add(relayA);
    t.heard(udp, 0);
    assertThat(t.choose(0)).isEqualTo(udp);
    t.heard(relayA, 10);
    assertThat(t.adopt(relayA, 10)).isFalse();
    assertThat(t.choose(10)).isEqualTo(udp);
  }

  @Test
  void aDownPathIsNotAdopted() {
    PathTable t = new PathTable();
    t.add(relayA);
    t.add(relayB);
    t.heard(relayA, 0);
    t.choose(0);
    t.down(relayB, true, 5);
    assertThat(t.adopt(relayB, 10)).isFalse();
    assertThat(t.best()).isEqualTo(relayA);
  }

  /**
   * A path whose transport reports it down is never chosen while another is up, not even over one
   * that just lost our data (it was: for the 5 s a suspect path is passed over, data went to a
   * relay whose link had closed).
   */
  @Test
  void aDownPathIsNeverChosenWhileAnotherIsUpEvenASuspectOne() {
    PathTable t = new PathTable();
    t.add(relayA);
    t.add(relayB);
    t.heard(relayA, 0);
    t.heard(relayB, 0);
    Path first = t.choose(0); // the first in relay-key order
    Path second = first.equals(relayA) ? relayB : relayA;
    t.down(first, true, 100);
    assertThat(t.choose(100)).isEqualTo(second);
    t.suspect(second, 350); // the survivor stalls: the replies were lost with the first
    for (long now = 350; now < 350 + PathTable.SUSPECT_MILLIS + 1_000; now += 50) {
      assertThat(t.choose(now)).as("at %d ms", now).isEqualTo(second);
    }
    t.down(second, true, 7_000);
    assertThat(t.choose(7_000)).as("every path down: the first is tried").isEqualTo(first);
  }
}
