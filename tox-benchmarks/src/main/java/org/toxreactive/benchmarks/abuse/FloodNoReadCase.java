package org.toxreactive.benchmarks.abuse;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.toxreactive.core.PublicKey;
import org.toxreactive.transport.tcp.packet.Ping;
import org.toxreactive.transport.tcp.packet.RoutingRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Case 1: one client (from 127.0.7.1, a 4 KB receive buffer) floods pings or routing requests to
 * random keys and never reads its socket, so every pong or routing response the relay owes it piles
 * up on the relay's side. Holds when the relay's RSS stays within the budget, the offender's link
 * is cut (its writes fail) and the canary pair keeps its round trips.
 */
@Command(
    name = "flood-no-read",
    mixinStandardHelpOptions = true,
    description = {
      "Case 1: one client floods pings (--packet ping) or routing requests to random keys"
          + " (--packet route) and never reads. Holds: RSS bounded, the offender cut off (kill"
          + " reasons that rose are printed from /metrics), the canary pair >= 95% served."
    })
final class FloodNoReadCase extends RelayCase {
  @Option(
      names = "--packet",
      defaultValue = "ping",
      description = "ping or route (default: ${DEFAULT-VALUE}).")
  String packet;

  @Option(
      names = "--max-packets",
      defaultValue = "50000000",
      description = "Stop after this many packets at most (default: ${DEFAULT-VALUE}).")
  long maxPackets;

  private Map<String, Double> before = Map.of();
  private double cutAfter = -1;

  @Override
  String caseName() {
    return packet + "-flood-no-read";
  }

  @Override
  String validate() {
    String bad = super.validate();
    if (bad == null && !packet.equals("ping") && !packet.equals("route")) {
      bad = "--packet must be ping or route";
    }
    return bad;
  }

  @Override
  void prepare(Outcome o) {
    Metrics m = metrics();
    before = m == null ? Map.of() : m.scrape();
  }

  @Override
  void attack(long deadline, Outcome o) throws IOException {
    long start = System.nanoTime();
    long sent = 0;
    try (RawRelayLink link =
        RawRelayLink.connect(
            address(), new InetSocketAddress("127.0.7.1", 0), 4096, start + 10_000_000_000L)) {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      byte[] key = new byte[PublicKey.SIZE];
      try {
        while (System.nanoTime() - deadline < 0 && sent < maxPackets) {
          while (link.pending() < 32 * 1024 && sent < maxPackets) {
            if (packet.equals("ping")) {
              link.queue(new Ping(r.nextLong() | 1));
            } else {
              r.nextBytes(key);
              link.queue(new RoutingRequest(PublicKey.of(key)));
            }
            sent++;
          }
          if (link.flush() == 0) {
            LockSupport.parkNanos(500_000); // the relay stopped reading us: wait for room
          }
        }
      } catch (IOException cut) {
        cutAfter = (System.nanoTime() - start) / 1e9;
      }
    }
    o.put("offender_packets", sent);
  }

  @Override
  void judge(Outcome o, Canary.Stats s) {
    Metrics m = metrics();
    Map<String, Double> after = m == null ? Map.of() : m.scrape();
    String kills = Metrics.rose(before, after, "kills");
    o.put("offender", cutAfter >= 0 ? "killed(" + kills + ")" : "alive(" + kills + ")");
    o.put("offender_cut_after_s", cutAfter);
    o.check(
        "offender_cut",
        cutAfter >= 0,
        cutAfter >= 0 ? "cut_after_" + Outcome.fmt(cutAfter) + "s" : "never_cut");
  }
}
