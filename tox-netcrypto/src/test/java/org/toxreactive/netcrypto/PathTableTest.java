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

  /**
   * A c-toxcore peer sends on one relay only, so after the chosen relay dies no path is alive; the
   * next choice must be a relay that routes us to the peer, not the first one in key order that we
   * were merely told of (seen: our chat tried unrouted relays one a second, a 6 s pause). And while
   * the chosen path is only suspect, it is kept rather than traded for one with no sign of the
   * peer.
   */
  @Test
  void whenNothingIsAliveARelayWithASignOfThePeerGoesBeforeOneWithout() {
    Path[] r = new Path[3];
    for (int i = 0; i < 3; i++) {
      r[i] = Path.relay(KeyPair.generate().publicKey(), peer);
    }
    java.util.Arrays.sort(
        r,
        (x, y) ->
            java.util.Arrays.compareUnsigned(
                ((Path.Relay) x).relay().toArray(), ((Path.Relay) y).relay().toArray()));
    Path unrouted = r[0]; // first in key order: no route, never heard
    Path routed = r[1]; // its route came up, the peer never sent on it
    Path carrier = r[2];
    PathTable t = new PathTable();
    for (Path p : r) {
      t.add(p);
    }
    t.reportedUp(routed);
    t.heard(carrier, 0);
    assertThat(t.adopt(carrier, 0)).isTrue();
    t.down(carrier, true, 10_000); // its relay died; nothing heard for 10 s
    assertThat(t.choose(10_000)).isEqualTo(routed);
    t.suspect(routed, 10_300); // replies lost with the dead relay
    for (long now = 10_300; now < 10_300 + PathTable.SUSPECT_MILLIS; now += 100) {
      assertThat(t.choose(now)).as("at %d ms", now).isEqualTo(routed);
    }
    t.down(routed, true, 20_000);
    assertThat(t.choose(20_000)).as("the only path left that is not down").isEqualTo(unrouted);
  }

  /**
   * The peer moved off relay A to relay B (A is then suspect), and B died: A still routes us to the
   * peer, which was heard there a moment ago, and goes before a relay with no sign of the peer at
   * all (seen against c-toxcore: its first online relay for us came back after a restart, it moved
   * there, that relay was killed, and our data went for 4.7 s to a relay c-toxcore was not on,
   * until A's suspicion ran out).
   */
  @Test
  void whenThePathThePeerMovedToDiesThePathItLeftGoesBeforeOneWithNoSignOfIt() {
    Path noSign = Path.relay(KeyPair.generate().publicKey(), peer);
    PathTable t = new PathTable();
    t.add(relayA);
    t.add(relayB);
    t.add(noSign);
    t.reportedUp(relayA);
    t.reportedUp(relayB);
    t.heard(relayA, 0);
    assertThat(t.adopt(relayA, 0)).isTrue();
    for (long now = 0; now < 1_000; now += 20) {
      t.heard(relayA, now); // the stream, on A
    }
    boolean moved = false;
    for (long now = 1_200; now < 1_260; now += 20) {
      moved |= t.heard(relayB, now); // the peer's stream moved to B, nothing more on A
    }
    assertThat(moved).isTrue();
    assertThat(t.choose(1_260)).isEqualTo(relayB);
    t.down(relayB, true, 1_500); // B's relay link closed
    for (long now = 1_500; now < 1_500 + PathTable.SUSPECT_MILLIS; now += 100) {
      assertThat(t.choose(now)).as("at %d ms", now).isEqualTo(relayA);
    }
  }

  /**
   * The survivor of a relay's death was made suspect (the peer's replies died with the other relay)
   * and data moved to a relay with only a stale sign of the peer (a cookie response: c-toxcore
   * answers those out of band even where it holds no route for us, and drops our data there). As
   * soon as the peer is heard on the survivor, data goes back there, suspect or not: a relay routes
   * a pair both ways. Before, it stayed on the stale relay until the suspicion ran out (5 s). Not
   * so for direct UDP: the peer's datagrams reaching us say nothing about ours reaching it.
   */
  @Test
  void aSuspectRelayThePeerIsHeardOnBeatsARelayWithOnlyAStaleSignOfIt() {
    Path stale = Path.relay(KeyPair.generate().publicKey(), peer);
    PathTable t = new PathTable();
    t.add(relayA);
    t.add(stale);
    t.add(udp);
    t.heard(stale, 0); // the first cookie response
    t.reportedUp(relayA);
    t.suspect(relayA, 10_000); // unacknowledged: the replies went to a dead relay
    assertThat(t.choose(10_000)).isEqualTo(stale);
    t.heard(relayA, 10_400); // the peer found out and sends on relay A
    assertThat(t.choose(10_400)).isEqualTo(relayA);
    assertThat(t.choose(10_400 + PathTable.ALIVE_MILLIS - 1)).as("sticky").isEqualTo(relayA);

    PathTable u = new PathTable();
    u.add(udp);
    u.add(stale);
    u.heard(stale, 0);
    u.heard(udp, 10_000);
    u.suspect(udp, 10_000);
    assertThat(u.choose(10_100)).as("suspect direct UDP, heard or not").isEqualTo(stale);
  }
}
