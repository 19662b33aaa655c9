package org.toxreactive.benchmarks.load;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.toxreactive.core.KeyPair;
import org.toxreactive.relay.RelayLimits;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayClient;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The relay a load run drives, and where its clients connect from. A picocli mixin shared by every
 * load mode.
 *
 * <ul>
 *   <li>{@code --relay HOST:PORT:KEY}: any Tox TCP relay (ours, tox-bootstrapd); loopback only.
 *   <li>{@code --in-process}: our {@link RelayServer} started inside this JVM on 127.0.0.1 (a free
 *       port, UDP bridge off, default limits) and stopped at the end.
 * </ul>
 *
 * <p>Client connection {@code i} binds the source address {@code 127.1.x.y} number {@code i % S}
 * before connecting, so a run is not limited by one address's ephemeral ports (about 28,000 on
 * Linux, and a closed client connection holds its port for 60 s in TIME_WAIT) nor by a relay's
 * per-address limit (ours admits 64 connections per address by default). {@code S} is {@code
 * --sources}, raised as needed so that no address carries more than {@code --per-source} of the
 * connections a run holds at once.
 */
final class LoadTarget {
  /** Default connections per source address: below our relay's default per-address limit (64). */
  static final int DEFAULT_PER_SOURCE = 50;

  static final class Relay {
    @Option(
        names = "--relay",
        required = true,
        paramLabel = "HOST:PORT:KEY",
        description = "Relay to drive: loopback host, TCP port and its public key (64 hex digits).")
    String relay;

    @Option(
        names = "--in-process",
        required = true,
        description = "Start our relay in this JVM on 127.0.0.1 (free port, UDP off) and drive it.")
    boolean inProcess;
  }

  @ArgGroup(multiplicity = "1")
  Relay relay = new Relay();

  @Option(
      names = "--sources",
      defaultValue = "16",
      paramLabel = "N",
      description =
          "Loopback source addresses (127.1.x.y) to spread client connections over (default:"
              + " ${DEFAULT-VALUE}; raised so that none carries more than --per-source).")
  int sources;

  @Option(
      names = "--per-source",
      defaultValue = "" + DEFAULT_PER_SOURCE,
      paramLabel = "N",
      description =
          "Most simultaneous connections per source address (default: ${DEFAULT-VALUE}; our"
              + " relay admits 64 per address).")
  int perSource;

  @Option(
      names = "--relay-pid",
      paramLabel = "PID",
      description =
          "The relay's process id (ignored with --in-process): its CPU time (/proc/PID/stat) over"
              + " the measured window is reported per unit of work, relay_cpu_us_per_*.")
  Long relayPid;

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  /** Rejects a malformed --relay, --sources, --per-source or --relay-pid before any load starts. */
  void validate() {
    if (relay.relay != null) {
      LoadCli.relay(mixee, "--relay", relay.relay);
    }
    LoadCli.require(mixee, sources >= 1, "--sources", sources, "a whole number >= 1");
    LoadCli.require(mixee, perSource >= 1, "--per-source", perSource, "a whole number >= 1");
    LoadCli.require(
        mixee, relayPid == null || relayPid >= 1, "--relay-pid", relayPid, "a process id >= 1");
  }

  /** The relay process to read CPU time from, or null. */
  Long cpuPid() {
    return relay.inProcess ? null : relayPid;
  }

  /** Resolves the target, starting the in-process relay if asked. */
  Opened open(int simultaneousConnections) {
    int s = Math.max(1, sources);
    s = Math.max(s, (simultaneousConnections + perSource - 1) / Math.max(1, perSource));
    LoadCli.require(
        mixee,
        s <= 250 * 250,
        "--per-source",
        perSource,
        "enough: "
            + simultaneousConnections
            + " connections need "
            + s
            + " source addresses, at most 62500");
    if (relay.inProcess) {
      RunningRelay running = startInProcess();
      RelayAddress address = RelayAddress.of("127.0.0.1", running.port(), running.publicKey());
      return new Opened(address, running, s);
    }
    RelayAddress address = LoadCli.relay(mixee, "--relay", relay.relay);
    return new Opened(address, null, s);
  }

  /** Our relay as the load tool runs it: loopback, a free port, no UDP bridge, default limits. */
  static RunningRelay startInProcess() {
    return RelayServer.create()
        .keys(KeyPair.generate())
        .host("127.0.0.1")
        .port(0)
        .udpPort(-1)
        .limits(RelayLimits.defaults())
        .bindNow();
  }

  /** Source address number {@code k}: 127.1.(k / 250).(k % 250 + 1). */
  static InetSocketAddress sourceAddress(int k) {
    return new InetSocketAddress("127.1." + (k / 250) + "." + (k % 250 + 1), 0);
  }

  /** A resolved target; closing it stops the in-process relay, if any. */
  static final class Opened implements AutoCloseable {
    private final RelayAddress address;
    private final RunningRelay inProcess;
    private final int sources;

    Opened(RelayAddress address, RunningRelay inProcess, int sources) {
      this.address = address;
      this.inProcess = inProcess;
      this.sources = sources;
    }

    RelayAddress address() {
      return address;
    }

    /** The relay this JVM runs ({@code --in-process}), or null. */
    RunningRelay inProcess() {
      return inProcess;
    }

    int sources() {
      return sources;
    }

    /** A client for connection number {@code i}, bound to its source address. */
    RelayClient client(int i, KeyPair keys) {
      return RelayClient.create(address, keys).localAddress(sourceAddress(i % sources));
    }

    String describe() {
      return (inProcess != null ? "in-process relay " : "relay ")
          + address.hostPort()
          + " ("
          + sources
          + " source addresses)";
    }

    @Override
    public void close() {
      if (inProcess != null) {
        inProcess.disposeNow(Duration.ofSeconds(5));
      }
    }
  }
}
