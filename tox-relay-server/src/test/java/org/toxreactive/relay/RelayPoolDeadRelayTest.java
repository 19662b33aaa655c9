package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Path;
import org.toxreactive.core.transport.PathEvent;
import org.toxreactive.transport.tcp.PeerRoute;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayPool;
import org.toxreactive.transport.tcp.RelayStatus;
import reactor.util.retry.Retry;

/**
 * A relay that died must not keep one of a peer's {@link RelayPool#MAX_RELAYS_PER_PEER} places
 * while its link reconnects (issue 19: with twelve relays and a c-toxcore peer routed on six, after
 * five of those six had died our chat never routed the peer on any of the six others, so the stream
 * had no second relay left).
 */
class RelayPoolDeadRelayTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int RELAYS = RelayPool.MAX_RELAYS_PER_PEER + 1;

  private final List<RunningRelay> relays = new ArrayList<>();
  private final List<RelayPool> pools = new ArrayList<>();

  @AfterEach
  void stop() {
    pools.forEach(RelayPool::dispose);
    relays.forEach(r -> r.disposeNow(Duration.ofSeconds(5)));
  }

  @Test
  void aPeerRoutedOnSixRelaysIsRoutedOnASeventhOnceOneOfTheSixDied() {
    List<KeyPair> keys = new ArrayList<>();
    List<RelayAddress> addresses = new ArrayList<>();
    for (int i = 0; i < RELAYS; i++) {
      KeyPair k = KeyPair.generate();
      RunningRelay r = RelayServer.create().keys(k).host("127.0.0.1").port(0).udpPort(-1).bindNow();
      relays.add(r);
      keys.add(k);
      addresses.add(RelayAddress.of("127.0.0.1", r.port(), k.publicKey()));
    }
    KeyPair aKeys = KeyPair.generate();
    KeyPair bKeys = KeyPair.generate();
    RelayPool a = pool(aKeys, addresses);
    RelayPool b = pool(bKeys, addresses);
    List<PathEvent> aEvents = new CopyOnWriteArrayList<>();
    a.pathEvents().subscribe(aEvents::add);
    await().atMost(WAIT).until(() -> a.relays().stream().allMatch(RelayStatus::connected));
    await().atMost(WAIT).until(() -> b.relays().stream().allMatch(RelayStatus::connected));

    PublicKey bDht = bKeys.publicKey();
    PublicKey aDht = aKeys.publicKey();
    assertThat(a.route(bDht)).isEqualTo(RelayPool.MAX_RELAYS_PER_PEER);
    assertThat(b.route(aDht)).isEqualTo(RelayPool.MAX_RELAYS_PER_PEER);
    List<PublicKey> firstSix =
        keys.subList(0, RelayPool.MAX_RELAYS_PER_PEER).stream().map(KeyPair::publicKey).toList();
    await().atMost(WAIT).until(() -> a.onlineRelays(bDht).containsAll(firstSix));
    PublicKey seventh = keys.get(RELAYS - 1).publicKey();
    assertThat(a.routes(bDht)).extracting(PeerRoute::relay).doesNotContain(seventh);

    relays.get(0).disposeNow(Duration.ofSeconds(5)); // the first relay dies
    Path dead = Path.relay(keys.get(0).publicKey(), bDht);
    await()
        .atMost(WAIT)
        .until(
            () ->
                aEvents.stream().anyMatch(e -> !e.usable() && e.path().equals(dead))
                    && b.relays().stream().filter(s -> !s.connected()).count() == 1);

    assertThat(a.route(bDht))
        .as("routes on relays whose link is up (the dead one reconnecting does not count)")
        .isEqualTo(RelayPool.MAX_RELAYS_PER_PEER);
    b.route(aDht);
    await()
        .atMost(WAIT)
        .untilAsserted(() -> assertThat(a.onlineRelays(bDht)).contains(seventh).hasSize(6));
    assertThat(aEvents).contains(PathEvent.up(Path.relay(seventh, bDht)));
  }

  private RelayPool pool(KeyPair keys, List<RelayAddress> on) {
    RelayPool p =
        RelayPool.create(keys)
            .relays(on)
            .active(on.size())
            .reconnect(Retry.fixedDelay(Long.MAX_VALUE, Duration.ofMillis(50)))
            .connectInBackground();
    pools.add(p);
    return p;
  }
}
