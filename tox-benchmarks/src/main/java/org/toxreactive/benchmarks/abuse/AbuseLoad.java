package org.toxreactive.benchmarks.abuse;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The abuse suite's attacker and its net_crypto target: one subcommand per attack, each with a
 * canary, printing one {@code CASE name ... verdict=PASS|FAIL} line (exit 0 held, 1 not, 2 bad
 * options), and {@code echo-node}, the node the node cases attack. Loopback only; every attack runs
 * on one thread and is bounded in count and time. {@code tox-benchmarks/abuse.sh} starts the
 * targets and runs the cases.
 *
 * <pre>{@code
 * java -cp tox-benchmarks/target/tox-benchmarks.jar org.toxreactive.benchmarks.abuse.AbuseLoad \
 *     flood-no-read --packet ping --relay 127.0.0.1:PORT:KEY --metrics-port M --target-pid PID
 * ... AbuseLoad echo-node --port 0
 * ... AbuseLoad cookie-flood --node 127.0.0.1:PORT:REAL:DHT --target-pid PID --seconds 10
 * }</pre>
 */
@Command(
    name = "abuse-load",
    mixinStandardHelpOptions = true,
    version = "abuse-load 0.1.0",
    description = {
      "Attacks on our relay and on a net_crypto node, each with a canary; prints"
          + " 'CASE name ... verdict=PASS|FAIL' (exit 0 held, 1 not). Run by"
          + " tox-benchmarks/abuse.sh."
    },
    subcommands = {
      FloodNoReadCase.class,
      UnconfirmedCase.class,
      CookieFloodCase.class,
      SessionFloodCase.class,
      ReplayCase.class,
      FdLimitCase.class,
      MetricsSlowlorisCase.class,
      ObservabilityCase.class,
      EchoNodeCommand.class,
      CommandLine.HelpCommand.class
    })
public final class AbuseLoad implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A command line with every case (for tests and {@link #main}). */
  public static CommandLine commandLine() {
    return new CommandLine(new AbuseLoad());
  }

  /**
   * Runs one case or the echo node.
   *
   * @param args the subcommand and its options
   */
  public static void main(String[] args) {
    int code = commandLine().execute(args);
    System.exit(code);
  }
}
