package org.toxreactive.benchmarks.abuse;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayClient;
import org.toxreactive.transport.tcp.RelayConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Case 2: {@code --connections} (1,200) connections from {@code --sources} (20) addresses
 * 127.0.20.x that never become clients: a third idle, a third send half a hello, a third a whole
 * hello and no frame; each re-opened when the relay closes it. The canary is a newcomer from
 * 127.0.9.10 that connects, completes the handshake and a ping, and leaves, every 500 ms. Holds
 * when >= 95% of the newcomers get through.
 */
@Command(
    name = "unconfirmed-hold",
    mixinStandardHelpOptions = true,
    description = {
      "Case 2: connections from 127.0.20.x held unconfirmed (idle / half a hello / a hello and no"
          + " frame), re-opened as the relay closes them. Holds: a newcomer from another address"
          + " completes the handshake and a ping in >= 95% of attempts (one every 500 ms)."
    })
final class UnconfirmedCase extends RelayCase {
  @Option(names = "--connections", defaultValue = "1200", description = "Held at once.")
  int connections;

  @Option(names = "--sources", defaultValue = "20", description = "Source addresses 127.0.20.x.")
  int sources;

  @Option(
      names = "--newcomer-timeout-ms",
      defaultValue = "5000",
      description = "How long a newcomer's handshake + ping may take (default: ${DEFAULT-VALUE}).")
  long newcomerTimeoutMs;

  private Map<String, Double> before = Map.of();

  @Override
  String caseName() {
    return "unconfirmed-hold";
  }

  @Override
  String validate() {
    String bad = super.validate();
    if (bad == null && (connections < 1 || connections > 20_000 || sources < 1 || sources > 250)) {
      bad = "--connections must be 1..20000, --sources 1..250";
    }
    return bad;
  }

  @Override
  void prepare(Outcome o) {
    Metrics m = metrics();
    before = m == null ? Map.of() : m.scrape();
  }

  @Override
  Canary openCanary(Duration maxRun) {
    RelayAddress a = address();
    InetSocketAddress from = new InetSocketAddress("127.0.9.10", 0);
    return ProbeCanary.start(
        (seq, timeout) -> newcomer(a, from, timeout),
        Duration.ofMillis(Math.max(canaryIntervalMs, 500)),
        Duration.ofMillis(newcomerTimeoutMs),
        maxRun);
  }

  /** A new client: connect, handshake, ping and pong within {@code timeout}, then leave. */
  static boolean newcomer(RelayAddress a, InetSocketAddress from, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    RelayConnection c = null;
    try {
      c =
          RelayClient.create(a, KeyPair.generate())
              .localAddress(from)
              .handshakeTimeout(timeout)
              .connect()
              .block(timeout);
      Duration left = Duration.ofNanos(Math.max(1, end - System.nanoTime()));
      return c != null && c.ping().block(left) != null;
    } catch (RuntimeException e) {
      return false;
    } finally {
      if (c != null) {
        c.dispose();
      }
    }
  }

  @Override
  void attack(long deadline, Outcome o) throws Exception {
    HeldConnections.Stats s =
        new HeldConnections(address(), HeldConnections.sources(20, sources), connections, false)
            .run(deadline);
    o.put("held_peak", s.peakHeld())
        .put("opened", s.opened())
        .put("closed_by_relay", s.closedByRelay())
        .put("connect_failures", s.connectFailures());
  }

  @Override
  void judge(Outcome o, Canary.Stats s) {
    Metrics m = metrics();
    Map<String, Double> after = m == null ? Map.of() : m.scrape();
    o.put("refused_rose", Metrics.rose(before, after, "refused"));
    o.put("kills_rose", Metrics.rose(before, after, "kills"));
  }
}
