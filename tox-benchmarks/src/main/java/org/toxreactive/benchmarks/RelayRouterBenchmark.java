package org.toxreactive.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.relay.KillReason;
import org.toxreactive.relay.RelayRouter;
import org.toxreactive.transport.tcp.packet.Data;
import org.toxreactive.transport.tcp.packet.DisconnectNotification;
import org.toxreactive.transport.tcp.packet.RelayPacket;
import org.toxreactive.transport.tcp.packet.RoutingRequest;

/**
 * The relay's routing state machine ({@link RelayRouter#handle}) without I/O: the Output hands
 * every packet to a Blackhole. Per operation:
 *
 * <ul>
 *   <li>{@link #forwardData}: one 1400-byte data packet between two confirmed, linked clients that
 *       both use connection id 16 (each one's first route).
 *   <li>{@link #forwardDataRewritten}: the same where the receiver knows the pair as id 17, so the
 *       router sends a data packet with the id rewritten.
 *   <li>{@link #routeAndDisconnect}: a routing request to a peer that has already asked for us
 *       (response + two connect notifications), then a disconnect of that route (one notification
 *       to the peer), which returns both to the starting state.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RelayRouterBenchmark {
  private RelayRouter<String> router;
  private RelayRouter.Client<String> a;
  private RelayRouter.Client<String> c;
  private RelayRouter.Client<String> e;
  private Data fromA;
  private Data fromC;
  private RoutingRequest eToF;
  private DisconnectNotification eDrops;

  @Setup
  public void setup(Blackhole bh) {
    router =
        new RelayRouter<>(
            new RelayRouter.Output<>() {
              @Override
              public void send(String client, RelayPacket packet) {
                bh.consume(client);
                bh.consume(packet);
              }

              @Override
              public void kill(String client, KillReason reason) {
                throw new IllegalStateException(client + " killed: " + reason);
              }
            });
    PublicKey ka = key();
    PublicKey kb = key();
    PublicKey kc = key();
    PublicKey kd = key();
    PublicKey ke = key();
    PublicKey kf = key();
    a = router.confirm("a", ka, 0);
    RelayRouter.Client<String> b = router.confirm("b", kb, 0);
    c = router.confirm("c", kc, 0);
    RelayRouter.Client<String> d = router.confirm("d", kd, 0);
    e = router.confirm("e", ke, 0);
    RelayRouter.Client<String> f = router.confirm("f", kf, 0);
    // a <-> b on id 16 at both ends
    router.handle(a, new RoutingRequest(kb), 0);
    router.handle(b, new RoutingRequest(ka), 0);
    // c (16) <-> d (17): d's first slot waits for a key that never connects
    router.handle(d, new RoutingRequest(key()), 0);
    router.handle(c, new RoutingRequest(kd), 0);
    router.handle(d, new RoutingRequest(kc), 0);
    // f has asked for e; e asks for f in the benchmark
    router.handle(f, new RoutingRequest(ke), 0);
    Bytes payload = Bytes.of(new byte[1400]);
    fromA = new Data(16, payload);
    fromC = new Data(16, payload);
    eToF = new RoutingRequest(kf);
    eDrops = new DisconnectNotification(16);
  }

  private static PublicKey key() {
    return KeyPair.generate().publicKey();
  }

  @Benchmark
  public void forwardData() {
    router.handle(a, fromA, 0);
  }

  @Benchmark
  public void forwardDataRewritten() {
    router.handle(c, fromC, 0);
  }

  @Benchmark
  public void routeAndDisconnect() {
    router.handle(e, eToF, 0);
    router.handle(e, eDrops, 0);
  }
}
