package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.transport.Path;
import org.toxreactive.test.sim.SimNetwork;
import reactor.core.publisher.Flux;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Two relays, no UDP (simulated network, virtual time): the relay carrying a stream dies; our side
 * (a) is told at once, the peer (b) only {@link #PEER_LAG} later, as a c-toxcore peer that must
 * find out for itself. Until then b's acks and echoes go to the dead relay and are lost. a must
 * stay on the survivor: not call it stalled for lack of replies that died with the other relay, and
 * never go back to the relay whose link closed.
 */
class RelayDeathFollowTest {
  private static final long PEER_LAG = 600;
  private static final int MESSAGES = 6_000;

  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private final SimNetwork net = SimNetwork.create(53, clock);
  private final java.util.Random keys = new java.util.Random(53);
  private final SimRelays relays = new SimRelays(net, keys, "R1", "R2");
  private final KeyPair aReal = SimRelays.seededKey(keys);
  private final KeyPair aDht = SimRelays.seededKey(keys);
  private final KeyPair bReal = SimRelays.seededKey(keys);
  private final KeyPair bDht = SimRelays.seededKey(keys);
  private NetCryptoNode a;
  private NetCryptoNode b;

  @AfterEach
  void stop() {
    if (a != null) {
      a.dispose();
      b.dispose();
    }
    clock.advanceTimeBy(Duration.ofSeconds(1));
    clock.dispose();
  }

  private long now() {
    return clock.now(TimeUnit.MILLISECONDS);
  }

  @Test
  void theSurvivorIsKeptWhileThePeerStillSendsToTheDeadRelay() {
    net.defaults().delay(5, 10);
    SimRelays.Host aHost = relays.host("a", aDht.publicKey(), false);
    SimRelays.Host bHost = relays.host("b", bDht.publicKey(), false);
    a = NetCrypto.create(aReal, aDht).transport(aHost).scheduler(clock).bindNow();
    b =
        NetCrypto.create(bReal, bDht)
            .transport(bHost)
            .scheduler(clock)
            .acceptor(p -> p.realKey().equals(aReal.publicKey()))
            .bindNow();
    List<CryptoConnection> accepted = new ArrayList<>();
    b.incoming().subscribe(accepted::add);
    AtomicReference<CryptoConnection> out = new AtomicReference<>();
    a.connect(bReal.publicKey(), bDht.publicKey(), relays.pathsTo(bDht.publicKey()))
        .subscribe(out::set);
    for (int i = 0; i < 300 && (out.get() == null || accepted.isEmpty()); i++) {
      clock.advanceTimeBy(Duration.ofMillis(10));
    }
    CryptoConnection ca = out.get();
    assertThat(ca).isNotNull();
    CryptoConnection cb = accepted.get(0);
    List<LinkStatus> statusA = new ArrayList<>();
    ca.status().subscribe(statusA::add);
    List<Integer> got = new ArrayList<>();
    long[] lastAt = {now()};
    long[] maxGap = {0};
    cb.lossless()
        .subscribe(
            m -> {
              long t = now();
              maxGap[0] = Math.max(maxGap[0], t - lastAt[0]);
              lastAt[0] = t;
              got.add(SimPair.numberOf(m));
            });
    AtomicBoolean done = new AtomicBoolean();
    ca.send(
            Flux.interval(Duration.ofMillis(1), clock)
                .onBackpressureBuffer()
                .take(MESSAGES)
                .map(i -> SimPair.numberedMessage(i.intValue(), 100)))
        .subscribe(null, e -> {}, () -> done.set(true));
    Session sa = ((Connection) ca).session();
    clock.advanceTimeBy(Duration.ofSeconds(2));
    Path carrier = sa.paths.best();
    String victim = relays.relayName(((Path.Relay) carrier).relay());
    String survivor = victim.equals("R1") ? "R2" : "R1";
    relays.kill(victim);
    relays.tell(aHost, victim);
    List<String> chosen = new ArrayList<>();
    long killedAt = now();
    while (!done.get() && now() - killedAt < 20_000) {
      clock.advanceTimeBy(Duration.ofMillis(10));
      if (now() - killedAt == PEER_LAG) {
        relays.tell(bHost, victim);
      }
      Path best = sa.paths.best();
      String name = relays.relayName(((Path.Relay) best).relay());
      if (chosen.isEmpty() || !chosen.get(chosen.size() - 1).equals(name)) {
        chosen.add(name);
      }
    }
    System.out.printf(
        "relay %s died, peer told %d ms later: a chose %s, max stall %d ms%n",
        victim, PEER_LAG, chosen, maxGap[0]);
    assertThat(done).as("all acknowledged; b got %d", got.size()).isTrue();
    assertThat(got).hasSize(MESSAGES);
    for (int i = 0; i < MESSAGES; i++) {
      assertThat(got.get(i)).isEqualTo(i);
    }
    assertThat(chosen).as("a's data path after the death").containsExactly(survivor);
    assertThat(statusA).extracting(LinkStatus::kind).doesNotContain(LinkStatus.Kind.OFFLINE);
    assertThat(maxGap[0]).as("the longest pause (ms)").isLessThan(PEER_LAG + 500);
  }
}
