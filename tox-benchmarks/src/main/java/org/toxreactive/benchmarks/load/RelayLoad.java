package org.toxreactive.benchmarks.load;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * End-to-end load on any Tox TCP relay (ours or tox-bootstrapd), loopback only.
 *
 * <pre>{@code
 * java -cp tox-benchmarks/target/tox-benchmarks.jar org.toxreactive.benchmarks.load.RelayLoad --help
 * ... RelayLoad throughput --relay 127.0.0.1:33445:KEY --pairs 8 --seconds 10 --size 1400
 * ... RelayLoad latency    --in-process --pairs 8 --rate 20000
 * ... RelayLoad handshakes --relay 127.0.0.1:33445:KEY --seconds 10 --concurrency 32
 * ... RelayLoad idle       --relay 127.0.0.1:33445:KEY --clients 2000 --relay-pid 1234
 * ... RelayLoad serve      --port 0 --heap-report
 * ... RelayLoad onion      --node 127.0.0.1:33445:KEY --seconds 10 --window 64
 * ... RelayLoad onion-heap --nodes 50
 * }</pre>
 *
 * <p>Every mode prints human-readable lines and one {@code RESULT mode=... key=value ...} line that
 * {@code tox-benchmarks/compare.sh} reads. All loops are bounded in time and count.
 */
@Command(
    name = "relay-load",
    mixinStandardHelpOptions = true,
    version = "relay-load 0.1.0",
    description = {
      "End-to-end load on a Tox TCP relay (ours or tox-bootstrapd) over loopback, with our"
          + " RelayClient. Give the relay as --relay HOST:PORT:KEY, or --in-process to start ours"
          + " in this JVM; 'serve' runs ours for another process to drive. Every mode prints a"
          + " 'RESULT mode=.. key=value ..' line (read by tox-benchmarks/compare.sh)."
    },
    subcommands = {
      ThroughputCommand.class,
      LatencyCommand.class,
      HandshakesCommand.class,
      IdleCommand.class,
      ServeCommand.class,
      OnionCommand.class,
      OnionHeapCommand.class,
      CommandLine.HelpCommand.class
    })
public final class RelayLoad implements Runnable {
  @CommandLine.Option(
      names = LoadCli.DEBUG,
      scope = CommandLine.ScopeType.INHERIT,
      description = "On an internal error, print its stack trace too.")
  boolean debug;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A command line with the load tool's subcommands (for tests and {@link #main}). */
  public static CommandLine commandLine() {
    return LoadCli.configure(new CommandLine(new RelayLoad()));
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    System.exit(code);
  }
}
