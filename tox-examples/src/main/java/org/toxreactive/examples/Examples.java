package org.toxreactive.examples;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

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
  private Examples() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code. */
  public static int run(String... args) {
    return new CommandLine(new Examples()).execute(args);
  }

  /** Runs a command line with the given output streams and returns its exit code (for tests). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new Examples());
    cl.setOut(out);
    cl.setErr(err);
    return cl.execute(args);
  }
}
