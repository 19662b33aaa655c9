package org.toxreactive.benchmarks;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.transport.Path;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayPool;

/**
 * {@link NetCryptoTransferBenchmark} through a Tox TCP relay: each node has a {@link RelayPool} of
 * one relay, and A reaches B on {@code Path.relay(relay, B's DHT key)} (routed data once both pools
 * have their route, as for relayed friends). The relay is our own {@link RelayServer} in this JVM
 * unless {@link #relay} names one outside it ({@code HOST:PORT:KEY}, e.g. {@code RelayLoad serve}'s
 * {@code RELAY} line): JMH's B/op counts every thread of the forked JVM, so an in-JVM relay adds
 * its own per-packet allocation (it copies each routed payload when it decodes the frame) to the
 * two clients'.
 *
 * <pre>
 * java -jar tox-benchmarks/target/tox-benchmarks.jar RelayTransfer -f 1 -wi 2 -i 3 -w 2s -r 2s -prof gc
 * java -jar tox-benchmarks/target/tox-benchmarks.jar RelayTransfer -p relay=127.0.0.1:PORT:KEY ...
 * </pre>
 */
@State(Scope.Benchmark)
public class RelayTransferBenchmark extends NetCryptoTransferBenchmark {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** A relay outside this JVM as {@code HOST:PORT:KEY}; empty: our relay, started here. */
  @Param({""})
  String relay;

  private @Nullable RunningRelay server;
  private RelayPool poolA;
  private RelayPool poolB;

  @Override
  protected Link open(KeyPair aDht, KeyPair bDht) {
    RelayAddress address;
    if (relay == null || relay.isEmpty()) {
      RunningRelay s = RelayServer.create().host("127.0.0.1").port(0).udpPort(-1).bindNow();
      server = s;
      address = RelayAddress.of("127.0.0.1", s.port(), s.publicKey());
    } else {
      address = RelayAddress.parse(relay);
    }
    poolA = RelayPool.create(aDht).relays(List.of(address)).connectNow();
    poolB = RelayPool.create(bDht).relays(List.of(address)).connectNow();
    return new Link(poolA, poolB, Path.relay(address.publicKey(), bDht.publicKey()));
  }

  @Override
  protected String inboundDrops() {
    return "relay pool inbound dropped A="
        + poolA.droppedInbound()
        + " B="
        + poolB.droppedInbound()
        + ", unrouted A="
        + poolA.unroutedData()
        + " B="
        + poolB.unroutedData();
  }

  @Override
  protected void closeTransports() {
    poolA.disposeNow(WAIT);
    poolB.disposeNow(WAIT);
    RunningRelay s = server;
    if (s != null) {
      s.disposeNow(WAIT);
    }
  }
}
