package org.toxreactive.relay.cli;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.HostPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.crypto.CryptoConfigException;
import org.toxreactive.core.crypto.CryptoProviders;
import org.toxreactive.relay.BindFailure;
import org.toxreactive.relay.KillReason;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * {@code java -jar tox-relay-server.jar}: runs a Tox TCP relay with the embedded defaults, a JSON
 * config, and command-line overrides. Prints its key and ports at start and a one-line summary on
 * SIGTERM/SIGINT.
 *
 * <p>One error path: the options and the config file are resolved by {@link RelayConfig#resolve}
 * (one validation for both), the files and sockets are then opened in order, and every failure is
 * one line on stderr with a documented exit code ({@link #USAGE}, {@link #BIND}, {@link #FILES},
 * {@link #FAILURE}); a stack trace only with {@code --debug}. {@link #run} is the whole path {@link
 * #main} takes, minus the wait for a signal, so tests drive it in-process.
 */
@Command(
    name = "tox-relay",
    mixinStandardHelpOptions = true,
    version = "tox-relay 0.1.0",
    sortOptions = false,
    description = {
      "A Tox TCP relay that c-toxcore clients can use (like tox-bootstrapd's TCP relay).",
      "With no options it uses the embedded defaults (see --print-default-config): TCP ports",
      "33445, 3389, 443 (skipping those it cannot bind), UDP on the first TCP port (33445) for",
      "the DHT node and onion/forwarding, keys in STATE_DIR/tox-relay.keys (created if missing;",
      "STATE_DIR defaults to the current directory).",
      "Options override the config file's fields and are checked by the same rules."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:stopped cleanly (SIGTERM or SIGINT), or --help/--version/--print-default-config",
      "1:any other runtime failure (--debug prints its stack trace)",
      "2:bad option or config file (one line names the option or field, the value, what is allowed)",
      "3:a TCP, UDP or Prometheus port could not be bound (in use, or not permitted)",
      "4:the keys file, state directory or pid file cannot be used"
    })
public final class RelayMain implements Callable<Integer> {
  /** Exit code of a runtime failure not covered by the others. */
  public static final int FAILURE = 1;

  /** Exit code of a bad option or config file. */
  public static final int USAGE = 2;

  /** Exit code of a port that could not be bound (TCP: none of the ports; UDP; Prometheus). */
  public static final int BIND = 3;

  /** Exit code of an unusable keys file, state directory or pid file. */
  public static final int FILES = 4;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "JSON config; fields not given keep their defaults.")
  @Nullable Path config;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "Directory of the relay's state (config stateDir, default .); must exist. A relative"
              + " keys file is inside it.")
  @Nullable String stateDir;

  @Option(
      names = "--keys",
      paramLabel = "FILE",
      description =
          "Keys file (config keysFile; tox-bootstrapd format: 64 bytes, public then secret key);"
              + " created if missing, but its directory must exist.")
  @Nullable Path keys;

  @Option(
      names = "--pid-file",
      paramLabel = "FILE",
      description =
          "Write the process id here (config pidFile; default: none); removed on a clean stop;"
              + " an existing one is an error.")
  @Nullable String pidFile;

  @Option(names = "--host", description = "Address to listen on (config host, default 0.0.0.0).")
  @Nullable String host;

  @Option(
      names = "--port",
      paramLabel = "N",
      split = ",",
      description =
          "TCP port (config ports; repeatable or comma-separated; replaces the list; 0 = any"
              + " free port).")
  @Nullable List<Integer> ports;

  @Option(
      names = "--udp-port",
      paramLabel = "N",
      description =
          "UDP port of the DHT node and onion/forwarding bridge (config udpPort; default: the first"
              + " TCP port, e.g. --port 40000 gives UDP 40000; -1 = off, 0 = any).")
  @Nullable Integer udpPort;

  @Option(
      names = "--motd",
      paramLabel = "TEXT",
      description = "Message of the day in the bootstrap-info (0xF0) answer (at most 255 bytes).")
  @Nullable String motd;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT:KEY",
      description = "DHT node to bootstrap from (repeatable; replaces the configured list).")
  @Nullable List<String> bootstrap;

  @Option(
      names = "--window-gate",
      paramLabel = "BOOL",
      arity = "1",
      description =
          "Write only whole frames that fit in a client's receive window (config windowGate,"
              + " default true; false turns it off). Keeps relayed c-toxcore transfers from"
              + " stalling (docs/protocol.md 8.14). Needs the epoll transport and Linux 5.4+"
              + " (TCP_INFO with the client's window); on NIO or an older kernel it is not"
              + " available and an INFO line says so.")
  @Nullable Boolean windowGate;

  @Option(
      names = "--native-transport",
      paramLabel = "BOOL",
      arity = "1",
      description =
          "Use Netty's epoll transport where its library loads (config nativeTransport, default"
              + " true); false = NIO.")
  @Nullable Boolean nativeTransport;

  @Option(
      names = "--prometheus-port",
      paramLabel = "N",
      description =
          "Serve /metrics and /health on this port (config metrics.prometheusPort; -1 = off).")
  @Nullable Integer prometheusPort;

  @Option(
      names = "--prometheus-host",
      paramLabel = "HOST",
      description = "Address of the metrics endpoint (config metrics.prometheusHost).")
  @Nullable String prometheusHost;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      description =
          "error, warn, info, debug (one line per connection accepted, confirmed, killed) or"
              + " trace (config logging.level, default info).")
  @Nullable String logLevel;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      description = "text or json (one object a line; config logging.format, default text).")
  @Nullable String logFormat;

  @Option(
      names = "--print-default-config",
      description = "Print the embedded default config and exit.")
  boolean printDefaults;

  @Option(names = "--debug", description = "Print the stack trace of an unexpected error.")
  boolean debug;

  private @Nullable PrintWriter out; // set by run, before picocli calls call
  private volatile @Nullable Running running;

  /** The pid file once created, until the relay runs: a signal during the start removes it. */
  private volatile @Nullable PidFile starting;

  /** A started relay with its optional metrics endpoint and pid file. */
  record Running(
      RunningRelay relay,
      @Nullable MetricsEndpoint endpoint,
      @Nullable PidFile pidFile,
      Instant started) {}

  /** A failure with its exit code and a one-line message. */
  static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int code;

    Failure(int code, @Nullable String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  /**
   * Runs the relay until SIGTERM or SIGINT, then exits with {@link #run}'s code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    RelayMain main = new RelayMain();
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    CountDownLatch stopped = new CountDownLatch(1);
    // registered before the start: a SIGTERM right after the "listening" line still stops cleanly
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  PidFile half = main.starting;
                  if (half != null) {
                    half.delete(); // stopped while starting
                  }
                  if (main.stop(out)) {
                    stopped.countDown();
                    // A signal-initiated exit reports 143; a graceful stop is a success.
                    Runtime.getRuntime().halt(0);
                  }
                },
                "tox-relay-shutdown"));
    int code = main.run(args, out, err);
    if (code != 0 || main.running == null) {
      System.exit(code);
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Parses {@code args}, validates them with the config, and starts the relay.
   *
   * @return 0 when the relay runs (or --help and the like printed), else the exit code, after one
   *     line on {@code err}
   * @param args the command line
   * @param out where the start lines and the summary go
   * @param err where errors go (one line each)
   */
  public int run(String[] args, PrintWriter out, PrintWriter err) {
    this.out = out;
    CommandLine cl = new CommandLine(this);
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler(RelayMain::usageError);
    cl.setExecutionExceptionHandler(RelayMain::runtimeError);
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  private static int usageError(ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println("tox-relay: " + RelayConfig.oneLine(e.getMessage()) + " (see 'tox-relay --help')");
    err.flush();
    return USAGE;
  }

  private static int runtimeError(Exception e, CommandLine cl, ParseResult parsed) {
    PrintWriter err = cl.getErr();
    boolean debug = parsed.hasMatchedOption("--debug");
    if (e instanceof Failure f) {
      err.println("tox-relay: " + RelayConfig.oneLine(f.getMessage()));
      err.flush();
      return f.code;
    }
    err.println(
        "tox-relay: internal error: "
            + RelayConfig.oneLine(String.valueOf(e))
            + (debug ? "" : " (--debug prints the stack trace)"));
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
    return FAILURE;
  }

  /** The command line's values as overrides of config fields, each named by its option. */
  private List<RelayConfig.Setting> overrides() {
    List<RelayConfig.Setting> o = new ArrayList<>();
    if (stateDir != null) {
      o.add(new RelayConfig.Setting("stateDir", "--state-dir", stateDir));
    }
    if (keys != null) {
      // a path on the command line is relative to the current directory, not the state dir
      o.add(new RelayConfig.Setting("keysFile", "--keys", keys.toAbsolutePath().toString()));
    }
    if (pidFile != null) {
      o.add(new RelayConfig.Setting("pidFile", "--pid-file", pidFile));
    }
    if (host != null) {
      o.add(new RelayConfig.Setting("host", "--host", host));
    }
    if (ports != null && !ports.isEmpty()) {
      o.add(new RelayConfig.Setting("ports", "--port", ports));
    }
    if (udpPort != null) {
      o.add(new RelayConfig.Setting("udpPort", "--udp-port", udpPort));
    }
    if (windowGate != null) {
      o.add(new RelayConfig.Setting("windowGate", "--window-gate", windowGate));
    }
    if (nativeTransport != null) {
      o.add(new RelayConfig.Setting("nativeTransport", "--native-transport", nativeTransport));
    }
    if (prometheusPort != null) {
      o.add(new RelayConfig.Setting("metrics.prometheusPort", "--prometheus-port", prometheusPort));
    }
    if (prometheusHost != null) {
      o.add(new RelayConfig.Setting("metrics.prometheusHost", "--prometheus-host", prometheusHost));
    }
    if (logLevel != null) {
      o.add(new RelayConfig.Setting("logging.level", "--log-level", logLevel));
    }
    if (logFormat != null) {
      o.add(new RelayConfig.Setting("logging.format", "--log-format", logFormat));
    }
    if (motd != null) {
      o.add(new RelayConfig.Setting("motd", "--motd", motd));
    }
    if (bootstrap != null) {
      List<Map<String, Object>> nodes = new ArrayList<>();
      for (String b : bootstrap) {
        nodes.add(bootstrapNode(b));
      }
      o.add(new RelayConfig.Setting("bootstrapNodes", "--bootstrap", nodes));
    }
    return o;
  }

  /** Starts the relay and returns 0 (it keeps running), or throws a {@link Failure}. */
  @Override
  public Integer call() {
    PrintWriter out = this.out;
    if (out == null) {
      // public as a Callable: on its own it would start the relay with nowhere to report it
      throw new IllegalStateException("call() needs run(args, out, err) first: no output stream");
    }
    if (printDefaults) {
      out.print(RelayConfig.defaultText());
      out.flush();
      return 0;
    }
    boolean logback = LogSetup.available();
    if (logback) {
      LogSetup.apply("info", "text"); // until the config says otherwise
    }
    RelayConfig c;
    try {
      c = RelayConfig.resolve(config, overrides());
    } catch (IllegalArgumentException e) {
      throw new Failure(USAGE, e.getMessage());
    }
    if (logback) {
      LogSetup.apply(c.logging().level(), c.logging().format());
    }
    Logger log = LoggerFactory.getLogger(RelayMain.class);

    Path state = Path.of(c.stateDir());
    if (!Files.isDirectory(state)) {
      throw new Failure(
          FILES,
          "state dir "
              + state
              + (Files.exists(state) ? ": not a directory" : ": no such directory (create it)"));
    }
    try {
      CryptoProviders
          .current(); // chosen and logged before the keys need it; a bad -Dtox.crypto is one line
    } catch (CryptoConfigException e) {
      throw new Failure(USAGE, e.getMessage());
    }
    Path keysPath = state.resolve(c.keysFile());
    boolean existed = Files.exists(keysPath);
    KeyPair keyPair;
    org.toxreactive.dht.DhtConfig dht;
    try {
      dht = c.toDhtConfig();
    } catch (IllegalArgumentException e) {
      throw new Failure(USAGE, e.getMessage());
    }
    try {
      keyPair = KeysFile.loadOrCreate(keysPath);
    } catch (KeysFile.KeysFileException e) {
      throw new Failure(FILES, e.getMessage());
    }
    log.info(
        "starting tox-relay 0.1.0 config={} keys={}{}",
        config != null ? config : "(embedded defaults)",
        keysPath,
        existed ? "" : " (new identity)");

    PidFile pid = null;
    if (!c.pidFile().isEmpty()) {
      try {
        pid = PidFile.create(Path.of(c.pidFile()));
      } catch (PidFile.PidFileException e) {
        throw new Failure(FILES, e.getMessage());
      }
      starting = pid;
    }
    // without the endpoint, a plain registry: the Prometheus client's classes stay unloaded
    boolean prometheus = c.metrics().prometheusPort() >= 0;
    MeterRegistry registry =
        prometheus
            ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)
            : new SimpleMeterRegistry();
    RunningRelay relay;
    MetricsEndpoint endpoint = null;
    try {
      try {
        relay =
            RelayServer.create()
                .keys(keyPair)
                .host(c.host())
                .ports(c.ports())
                .udpPort(c.udpPort())
                .forwarding(c.forwarding())
                .windowGate(c.windowGate())
                .nativeTransport(c.nativeTransport())
                .dht(dht)
                .limits(c.limits().toRelayLimits())
                .metrics(registry)
                .bindNow();
      } catch (BindFailure e) {
        throw new Failure(BIND, e.getMessage());
      } catch (RuntimeException e) {
        if (debug) {
          throw e;
        }
        throw new Failure(FAILURE, "cannot start: " + BindFailure.reason(e));
      }
      if (prometheus) {
        RunningRelay r = relay;
        try {
          endpoint =
              new MetricsEndpoint(
                  c.metrics().prometheusHost(),
                  c.metrics().prometheusPort(),
                  (PrometheusMeterRegistry) registry,
                  () -> !r.isDisposed(),
                  relay.eventLoops());
        } catch (RuntimeException e) {
          relay.disposeNow(Duration.ofSeconds(5));
          throw new Failure(
              BIND,
              "cannot bind the metrics endpoint TCP "
                  + HostPort.format(c.metrics().prometheusHost(), c.metrics().prometheusPort())
                  + " (metrics.prometheusPort, -1 turns it off): "
                  + BindFailure.reason(e));
        }
      }
      running = new Running(relay, endpoint, pid, Instant.now()); // the hook now stops it
    } catch (RuntimeException e) {
      if (pid != null) {
        pid.delete();
      }
      throw e;
    } finally {
      starting = null;
    }
    String bound =
        relay.addresses().stream().map(RelayServer::format).collect(Collectors.joining(","));
    if (c.lanDiscovery()) {
      log.warn("lanDiscovery is not supported and stays off (no broadcast)");
    }
    out.println("tox-relay public_key=" + relay.publicKey().toHex());
    out.println(
        "tox-relay listening tcp="
            + bound
            + " udp="
            + relay.udpPort()
            + (endpoint != null
                ? " metrics=http://"
                    + HostPort.format(c.metrics().prometheusHost(), endpoint.port())
                    + "/metrics"
                : ""));
    out.flush();
    return 0;
  }

  /**
   * One {@code --bootstrap HOST:PORT:KEY} as a config entry; a malformed one is a one-line error.
   */
  private static Map<String, Object> bootstrapNode(String b) {
    int keySep = b.lastIndexOf(':');
    if (keySep <= 0) {
      throw new IllegalArgumentException(
          "--bootstrap must be HOST:PORT:KEY (key = 64 hex digits), got \"" + b + "\"");
    }
    HostPort hp;
    try {
      hp = HostPort.parse(b.substring(0, keySep)); // brackets for IPv6, port checked
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--bootstrap " + b + ": " + e.getMessage());
    }
    String host = hp.host();
    int port = hp.port();
    String key = b.substring(keySep + 1);
    Map<String, Object> node = new java.util.LinkedHashMap<>();
    node.put("host", host);
    node.put("port", port);
    node.put("key", key);
    return node;
  }

  @Nullable RunningRelay relay() {
    Running r = running;
    return r == null ? null : r.relay();
  }

  @Nullable Running running() {
    return running;
  }

  /**
   * Stops accepting, closes every client, removes the pid file, prints the summary. Idempotent.
   *
   * @return whether a running relay was stopped
   */
  synchronized boolean stop(PrintWriter out) {
    Running r = running;
    if (r == null) {
      return false;
    }
    running = null;
    RunningRelay relay = r.relay();
    long kills = 0;
    for (KillReason reason : KillReason.values()) {
      if (reason != KillReason.SHUTDOWN) {
        kills += relay.kills(reason);
      }
    }
    if (r.endpoint() != null) {
      r.endpoint().close(); // first: it runs on the relay's event loops
    }
    relay.disposeNow(Duration.ofSeconds(5));
    if (r.pidFile() != null) {
      r.pidFile().delete();
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
    return true;
  }
}
