package org.toxreactive.examples;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Entry point of {@code tox-examples.jar}: one subcommand per example program.
 *
 * <pre>
 * java -jar tox-examples/target/tox-examples.jar probe 127.0.0.1:33445:RELAY_PUBLIC_KEY_HEX
 * </pre>
 */
@Command(
    name = "tox-examples",
    mixinStandardHelpOptions = true,
    description = "Runnable tox-reactive examples.",
    subcommands = {ProbeCommand.class, ChatCommand.class, FailoverDemoCommand.class})
public final class Examples {
  @Option(
      names = Cli.DEBUG,
      scope = ScopeType.INHERIT,
      description = "On an internal error, print its stack trace too.")
  boolean debug;

  private Examples() {}

  /**
   * Runs the command line and exits with its code: 0 success, 2 bad arguments (one line on stderr
   * naming the option, the value and what is allowed), 70 an internal error; each command documents
   * its runtime failure codes.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs a command line and returns its exit code (see {@link #main}).
   *
   * @param args the command line
   * @return the exit code
   */
  public static int run(String... args) {
    return Cli.commandLine(new Examples()).execute(args);
  }

  /**
   * Runs a command line with the given output streams and returns its exit code (for tests).
   *
   * @param out standard output
   * @param err standard error
   * @param args the command line
   * @return the exit code
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = Cli.commandLine(new Examples());
    cl.setOut(out);
    cl.setErr(err);
    return cl.execute(args);
  }
}
