package org.toxreactive.relay.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.toxreactive.core.KeyPair;
import org.toxreactive.relay.KillReason;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar tox-relay-server.jar}: runs a Tox TCP relay with the embedded defaults, a JSON
 * config, and command-line overrides. Prints its key and ports at start and a one-line summary on
 * SIGTERM/SIGINT.
 */
@Command(
    name = "tox-relay",
    mixinStandardHelpOptions = true,
    version = "tox-relay 0.1.0",
    description = {
      "A Tox TCP relay that c-toxcore clients can use (like tox-bootstrapd's TCP relay).",
      "With no options it uses the embedded defaults: ports 33445, 3389, 443 (skipping those it",
      "cannot bind), UDP 33445 for the DHT node and onion/forwarding, keys in ./tox-relay.keys"
          + " (created if missing)."
    })
public final class RelayMain implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "JSON config; fields not given keep their defaults.")
  Path config;

  @Option(
      names = "--keys",
      paramLabel = "FILE",
      description = "Keys file (tox-bootstrapd format: 64 bytes, public then secret key).")
  Path keys;

  @Option(names = "--host", description = "Address to listen on (default 0.0.0.0).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "TCP port (repeatable; replaces the configured list; 0 = any free port).")
  List<Integer> ports;

  @Option(
      names = "--udp-port",
      paramLabel = "N",
      description = "UDP port of the DHT node and onion/forwarding bridge (-1 = off, 0 = any).")
  Integer udpPort;

  @Option(
      names = "--motd",
      paramLabel = "TEXT",
      description = "Message of the day in the bootstrap-info (0xF0) answer (at most 255 bytes).")
  String motd;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT:KEY",
      description = "DHT node to bootstrap from (repeatable; replaces the configured list).")
  List<String> bootstrap;

  @Option(
      names = "--prometheus-port",
      paramLabel = "N",
      description = "Serve /metrics and /health on this port (-1 = off).")
  Integer prometheusPort;

  @Option(
      names = "--print-default-config",
      description = "Print the embedded default config and exit.")
  boolean printDefaults;

  private volatile Running running;

  /** A started relay with its optional metrics endpoint. */
  record Running(RunningRelay relay, MetricsEndpoint endpoint, Instant started) {}

  public static void main(String[] args) {
    RelayMain main = new RelayMain();
    CommandLine cl = new CommandLine(main);
    int code = cl.execute(args);
    if (code != 0 || main.running == null) {
      System.exit(code);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  main.stop(cl.getOut());
                  stopped.countDown();
                  // A signal-initiated exit reports 143; a graceful stop is a success.
                  Runtime.getRuntime().halt(0);
                },
                "tox-relay-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts the relay and returns 0 (it keeps running), or a non-zero code with a reason. */
  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (printDefaults) {
      out.print(RelayConfig.defaultText());
      out.flush();
      return 0;
    }
    RelayConfig c;
    KeyPair keyPair;
    org.toxreactive.dht.DhtConfig dht;
    try {
      c = config != null ? RelayConfig.load(config) : RelayConfig.defaults();
      c = withDhtOverrides(c);
      dht = c.toDhtConfig();
      keyPair = KeysFile.loadOrCreate(keys != null ? keys : Path.of(c.keysFile()));
    } catch (IllegalArgumentException | java.io.IOException e) {
      err.println("tox-relay: " + e.getMessage());
      err.flush();
      return 2;
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RunningRelay relay;
    try {
      relay =
          RelayServer.create()
              .keys(keyPair)
              .host(host != null ? host : c.host())
              .ports(ports != null && !ports.isEmpty() ? ports : c.ports())
              .udpPort(udpPort != null ? udpPort : c.udpPort())
              .forwarding(c.forwarding())
              .dht(dht)
              .limits(c.limits().toRelayLimits())
              .metrics(registry)
              .bindNow();
    } catch (RuntimeException e) {
      err.println("tox-relay: cannot start: " + e.getMessage());
      err.flush();
      return 1;
    }
    int promPort = prometheusPort != null ? prometheusPort : c.metrics().prometheusPort();
    MetricsEndpoint endpoint = null;
    if (promPort >= 0) {
      endpoint =
          new MetricsEndpoint(
              c.metrics().prometheusHost(), promPort, registry, () -> !relay.isDisposed());
    }
    running = new Running(relay, endpoint, Instant.now());
    String bound =
        relay.addresses().stream()
            .map(a -> a.getHostString() + ":" + a.getPort())
            .collect(Collectors.joining(","));
    if (c.lanDiscovery()) {
      err.println("tox-relay: warning: lanDiscovery is not supported and stays off");
      err.flush();
    }
    out.println("tox-relay public_key=" + relay.publicKey().toHex());
    out.println(
        "tox-relay listening tcp="
            + bound
            + " udp="
            + relay.udpPort()
            + (endpoint != null
                ? " metrics=http://"
                    + c.metrics().prometheusHost()
                    + ":"
                    + endpoint.port()
                    + "/metrics"
                : ""));
    out.flush();
    return 0;
  }

  /** --motd and --bootstrap over the file's values; a malformed --bootstrap is a one-line error. */
  private RelayConfig withDhtOverrides(RelayConfig c) {
    if (motd == null && bootstrap == null) {
      return c;
    }
    List<RelayConfig.BootstrapNode> nodes = c.bootstrapNodes();
    if (bootstrap != null) {
      nodes = new java.util.ArrayList<>();
      for (String b : bootstrap) {
        int last = b.lastIndexOf(':');
        int mid = last > 0 ? b.lastIndexOf(':', last - 1) : -1;
        if (mid <= 0) {
          throw new IllegalArgumentException(
              "--bootstrap " + b + ": expected HOST:PORT:KEY (key = 64 hex digits)");
        }
        String host = b.substring(0, mid);
        if (host.startsWith("[") && host.endsWith("]")) {
          host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
          port = Integer.parseInt(b.substring(mid + 1, last));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--bootstrap " + b + ": port is not a number");
        }
        nodes.add(new RelayConfig.BootstrapNode(host, port, b.substring(last + 1)));
      }
    }
    return new RelayConfig(
            c.keysFile(),
            c.host(),
            c.ports(),
            c.udpPort(),
            c.forwarding(),
            c.limits(),
            c.metrics(),
            motd != null ? motd : c.motd(),
            nodes,
            c.ipv6(),
            c.lanDiscovery())
        .validate();
  }

  RunningRelay relay() {
    Running r = running;
    return r == null ? null : r.relay();
  }

  Running running() {
    return running;
  }

  /** Stops accepting, closes every client, prints the summary line. Idempotent. */
  void stop(PrintWriter out) {
    Running r = running;
    if (r == null) {
      return;
    }
    running = null;
    RunningRelay relay = r.relay();
    int clients = relay.clients();
    long served =
        (long)
            relay
                .metrics()
                .get("tox.relay.packets")
                .tag("kind", "ping")
                .tag("direction", "in")
                .counter()
                .count();
    long kills = 0;
    for (KillReason reason : KillReason.values()) {
      if (reason != KillReason.SHUTDOWN) {
        kills += relay.kills(reason);
      }
    }
    relay.disposeNow(Duration.ofSeconds(5));
    if (r.endpoint() != null) {
      r.endpoint().close();
    }
    out.println(
        "tox-relay stopped uptime_s="
            + Duration.between(r.started(), Instant.now()).toSeconds()
            + " peak_clients="
            + relay.peakClients()
            + " connections_served="
            + relay.acceptedConnections()
            + " kills="
            + kills);
    out.flush();
  }
}
