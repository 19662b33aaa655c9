package org.toxreactive.benchmarks.abuse;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.RelayClient;
import org.toxreactive.transport.tcp.RelayConnection;
import org.toxreactive.transport.tcp.packet.Ping;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Case 8: after some load (a ping flood that never reads, a link that sends garbage, a few
 * unconfirmed connections, {@code --clients} honest clients that stay), and {@code --settle}
 * seconds, {@code tox_relay_clients} in /metrics must be a number equal to the confirmed clients
 * connected (the honest ones and the canary pair). The kill and refusal counters are printed as
 * found (names may change), not checked.
 */
@Command(
    name = "observability",
    mixinStandardHelpOptions = true,
    description = {
      "Case 8: after some abuse, tox_relay_clients must be a number (not NaN) equal to the"
          + " clients connected; kill and refusal counters are printed as found. Needs"
          + " --metrics-port."
    })
final class ObservabilityCase extends RelayCase {
  @Option(names = "--clients", defaultValue = "20", description = "Honest clients that stay.")
  int clients;

  @Option(names = "--settle", defaultValue = "3", description = "Seconds before the last scrape.")
  double settle;

  private final List<RelayConnection> honest = new ArrayList<>();
  private Map<String, Double> before = Map.of();

  @Override
  String caseName() {
    return "observability";
  }

  @Override
  String validate() {
    String bad = super.validate();
    if (bad == null && metricsPort == null) {
      bad = "--metrics-port is needed";
    }
    if (bad == null && (clients < 0 || clients > 1000 || settle < 0 || settle > 60)) {
      bad = "--clients must be 0..1000, --settle 0..60";
    }
    return bad;
  }

  @Override
  void prepare(Outcome o) {
    before = metrics().scrape();
  }

  @Override
  void attack(long deadline, Outcome o) throws Exception {
    for (int i = 0; i < clients; i++) {
      RelayConnection c =
          RelayClient.create(address(), KeyPair.generate())
              .localAddress(new InetSocketAddress("127.0.41." + (i / 50 + 1), 0))
              .connect()
              .block(Duration.ofSeconds(10));
      c.ping().block(Duration.ofSeconds(10));
      honest.add(c);
    }
    long start = System.nanoTime();
    try (RawRelayLink garbage =
        RawRelayLink.connect(
            address(), new InetSocketAddress("127.0.42.1", 0), 65536, start + 10_000_000_000L)) {
      byte[] g = new byte[102];
      ThreadLocalRandom.current().nextBytes(g);
      g[0] = 0;
      g[1] = 100; // a 100-byte frame that cannot decrypt
      garbage.queueRaw(g);
      garbage.flush();
    }
    HeldConnections unconfirmed =
        new HeldConnections(address(), HeldConnections.sources(43, 1), 9, false);
    long floodEnd = start + (deadline - start) / 2;
    try (RawRelayLink flood =
        RawRelayLink.connect(address(), new InetSocketAddress("127.0.44.1", 0), 4096, deadline)) {
      try {
        while (System.nanoTime() - floodEnd < 0) {
          while (flood.pending() < 32 * 1024) {
            flood.queue(new Ping(ThreadLocalRandom.current().nextLong() | 1));
          }
          if (flood.flush() == 0) {
            LockSupport.parkNanos(500_000);
          }
        }
      } catch (IOException cut) {
        o.put("flood_cut", true);
      }
    }
    unconfirmed.run(deadline);
    Thread.sleep((long) (settle * 1000));
  }

  @Override
  void judge(Outcome o, Canary.Stats s) {
    try {
      Map<String, Double> after = metrics().scrape();
      long up = honest.stream().filter(c -> !c.isDisposed()).count() + 2;
      Double gauge = after.get("tox_relay_clients");
      o.put("clients_connected", up).put("tox_relay_clients", gauge == null ? "missing" : gauge);
      o.put("kills", Metrics.rose(before, after, "kills"));
      o.put("refused", Metrics.rose(before, after, "refused"));
      o.put("connections_gauges", Metrics.matching(after, "connections"));
      o.check(
          "clients_gauge",
          gauge != null && !gauge.isNaN() && gauge == up,
          "tox_relay_clients_" + (gauge == null ? "missing" : Outcome.fmt(gauge)) + "==" + up);
    } finally {
      honest.forEach(RelayConnection::dispose);
    }
  }
}
