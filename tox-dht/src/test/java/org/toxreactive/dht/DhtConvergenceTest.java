package org.toxreactive.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SecretKey;

/**
 * Whether the nodes of a network of our cores (c-toxcore's rules, docs/protocol.md 12.3-12.4) come
 * to know the nodes nearest them, on virtual time with seeded keys, bootstrapped through the first
 * 4 nodes: yes when they join one after another, as nodes join a real network; no when all start in
 * the same second (a flash crowd), whose lists stop changing within the first minute. The figures
 * at 200 to 1,000 nodes are in BENCHMARKS.md "Simulation".
 */
class DhtConvergenceTest {
  private static final int NODES = 200;
  private final SimNet net = new SimNet(3);
  private final List<DhtCore> cores = new ArrayList<>();
  private final List<KeyPair> pairs = new ArrayList<>();
  private final List<IpPort> at = new ArrayList<>();

  @AfterEach
  void release() {
    net.close();
  }

  DhtConvergenceTest() {
    SplittableRandom keys = new SplittableRandom(1);
    for (int i = 0; i < NODES; i++) {
      byte[] sk = new byte[SecretKey.SIZE];
      keys.nextBytes(sk);
      pairs.add(KeyPair.fromSecretKey(SecretKey.of(sk)));
      at.add(SimNet.address(1, 0, i >> 8, i & 0xFF, 33445));
    }
  }

  /** Adds node {@code i}, bootstrapping from one of the first 4, and starts it. */
  private void join(int i) {
    int via = i == 0 ? 1 : i % Math.min(4, i);
    DhtConfig config =
        DhtConfig.defaults()
            .withBootstrapNodes(
                List.of(new DhtConfig.BootstrapNode(at.get(via), pairs.get(via).publicKey())));
    DhtCore core = net.add(at.get(i), pairs.get(i), config);
    cores.add(core);
    core.start(net.now);
  }

  /** Of each node's 8 nearest nodes (XOR distance), how many are in its close list, in all. */
  private long nearestKnown() {
    long n = 0;
    for (DhtCore c : cores) {
      PublicKey self = c.publicKey();
      List<PublicKey> near =
          cores.stream()
              .map(DhtCore::publicKey)
              .filter(k -> !k.equals(self))
              .sorted((x, y) -> Distance.compare(self, x, y))
              .limit(8)
              .toList();
      for (PublicKey k : near) {
        if (c.closeList().find(k) != null) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void nodesJoiningOneAfterAnotherComeToKnowTheirNearestNodes() {
    // one node every 0.5 s, then a minute more
    for (int i = 0; i < NODES; i++) {
      join(i);
      net.advance(500);
    }
    net.advance(60_000);
    assertThat(nearestKnown()).isGreaterThanOrEqualTo(NODES * 8 * 95 / 100);
  }

  @Test
  void aFlashCrowdFreezesWithMostNodesNotKnowingTheirNearest() {
    for (int i = 0; i < NODES; i++) {
      join(i);
    }
    net.advance(60_000);
    long atOneMinute = nearestKnown();
    net.advance(120_000);
    // the lists stopped improving in the first minute, far from the 95% of a gradual start
    assertThat(nearestKnown()).isEqualTo(atOneMinute).isLessThan(NODES * 8 * 60 / 100);
  }
}
