package org.toxreactive.benchmarks.load;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.toxreactive.core.HostPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.relay.RelayLimits;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs our relay in this JVM for another process to drive, like the shaded relay jar but with a
 * relay-side heap report. Stops on SIGTERM/SIGINT or after {@code --max-seconds}.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Runs our relay in this JVM for another process to drive.",
      "",
      "Our RelayServer (UDP bridge off, default limits but --max-per-ip) listens on a loopback"
          + " address until SIGTERM/SIGINT or --max-seconds, and prints 'RELAY HOST:PORT:KEY'"
          + " once it listens. Each time the relay has had no clients for 1 s it prints 'STATS"
          + " data_in=.. data_out=.. data_dropped=.. accepted=.. killed_ping_timeout=..' (totals so far; the last counts"
          + " clients the relay's keepalive killed for not answering its ping in time).",
      "",
      "With --heap-report it reads the confirmed-client count every 250 ms. When the count has"
          + " been 0 for 1 s it reads the heap used after System.gc() (MemoryMXBean, least of"
          + " three reads) as the baseline and prints 'HEAP clients=0 baseline_bytes=..'; when a"
          + " non-zero count has held still for 2 s it reads it again and prints 'HEAP clients=N"
          + " used_bytes=.. baseline_bytes=.. per_client_bytes=..': the relay's heap per idle"
          + " confirmed client (this JVM holds only the relay)."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Loopback address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "0",
      description = "TCP port (default: 0 = a free port).")
  int port;

  @Option(
      names = "--keys",
      paramLabel = "FILE",
      description = "Keys file (64 bytes, public then secret key; created if missing).")
  Path keys;

  @Option(
      names = "--max-seconds",
      defaultValue = "900",
      description = "Stop by itself after this long (default: ${DEFAULT-VALUE}).")
  long maxSeconds;

  @Option(
      names = "--max-per-ip",
      defaultValue = "64",
      description = "Connections admitted per source address (default: 64, the relay's own).")
  int maxPerIp;

  @Option(
      names = "--onion",
      description =
          "Also open the relay's UDP port (its onion node) on a free port and print"
              + " 'ONION HOST:UDPPORT:KEY'.")
  boolean onion;

  @Option(names = "--heap-report", description = "Print relay heap per idle client (see above).")
  boolean heapReport;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    LoadCli.require(spec, isLoopback(host), "--host", host, "a loopback address");
    LoadCli.require(spec, port >= 0 && port <= 65535, "--port", port, "a port 0..65535");
    LoadCli.require(spec, maxSeconds >= 1, "--max-seconds", maxSeconds, "a whole number >= 1");
    LoadCli.require(spec, maxPerIp >= 1, "--max-per-ip", maxPerIp, "a whole number >= 1");
    RunningRelay relay =
        RelayServer.create()
            .keys(loadKeys())
            .host(host)
            .port(port)
            .udpPort(onion ? 0 : -1)
            .limits(RelayLimits.defaults().withMaxConnectionsPerIp(maxPerIp))
            .bindNow();
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.countDown();
              relay.disposeNow(Duration.ofSeconds(5));
            },
            "relay-load-serve-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("RELAY " + HostPort.format(host, relay.port()) + ":" + relay.publicKey().toHex());
    if (onion) {
      out.println(
          "ONION " + HostPort.format(host, relay.udpPort()) + ":" + relay.publicKey().toHex());
    }
    out.flush();
    Thread watcher = new Thread(() -> watch(relay, out, stop), "relay-load-watch");
    watcher.setDaemon(true);
    watcher.start();
    boolean stopped = stop.await(maxSeconds, TimeUnit.SECONDS);
    if (!stopped) {
      out.println("serve: --max-seconds reached, stopping");
      out.flush();
      relay.disposeNow(Duration.ofSeconds(5));
    }
    return 0;
  }

  /** Whether {@code host} is a loopback IP literal (no name lookup). */
  private static boolean isLoopback(String host) {
    try {
      return (host.indexOf(':') >= 0 || host.matches("[0-9.]+"))
          && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private KeyPair loadKeys() throws IOException {
    if (keys == null) {
      return KeyPair.generate();
    }
    if (Files.exists(keys)) {
      return KeyPair.fromKeysFile(Files.readAllBytes(keys));
    }
    KeyPair k = KeyPair.generate();
    Files.write(keys, k.toKeysFile());
    return k;
  }

  /** Relayed data packets in, out and dropped, and connections accepted, so far. */
  private static String stats(RunningRelay relay) {
    MeterRegistry m = relay.metrics();
    return String.format(
        Locale.ROOT,
        "STATS data_in=%.0f data_out=%.0f data_dropped=%.0f accepted=%d killed_ping_timeout=%.0f",
        count(m, "tox.relay.packets", "kind", "data", "direction", "in"),
        count(m, "tox.relay.packets", "kind", "data", "direction", "out"),
        count(m, "tox.relay.drops", "kind", "data"),
        relay.acceptedConnections(),
        count(m, "tox.relay.kills", "reason", "ping_timeout"));
  }

  private static double count(MeterRegistry m, String name, String... tags) {
    Counter c = m.find(name).tags(tags).counter();
    return c == null ? -1 : c.count();
  }

  /**
   * Prints STATS each time the relay goes quiet (no clients for 1 s) and, with --heap-report, the
   * HEAP lines.
   */
  private void watch(RunningRelay relay, PrintWriter out, CountDownLatch stop) {
    long baseline = -1;
    int last = -1;
    long stableSince = System.nanoTime();
    int reported = 0;
    boolean baselined = false;
    try {
      while (!stop.await(250, TimeUnit.MILLISECONDS)) {
        int n = relay.clients();
        long now = System.nanoTime();
        if (n != last) {
          last = n;
          stableSince = now;
          if (n == 0) {
            baselined = false;
          }
          continue;
        }
        long stableMillis = (now - stableSince) / 1_000_000;
        if (n == 0 && !baselined && stableMillis >= 1000) {
          baselined = true;
          out.println(stats(relay));
          if (heapReport) {
            baseline = HeapMeter.usedAfterGc();
            reported = 0;
            out.println("HEAP clients=0 baseline_bytes=" + baseline);
          }
          out.flush();
        } else if (heapReport && n > 0 && n != reported && stableMillis >= 2000 && baseline >= 0) {
          long used = HeapMeter.usedAfterGc();
          reported = n;
          out.println(
              String.format(
                  Locale.ROOT,
                  "HEAP clients=%d used_bytes=%d baseline_bytes=%d per_client_bytes=%d",
                  n,
                  used,
                  baseline,
                  (used - baseline) / n));
          out.flush();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
