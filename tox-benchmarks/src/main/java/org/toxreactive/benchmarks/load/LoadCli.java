package org.toxreactive.benchmarks.load;

import java.io.PrintWriter;
import org.toxreactive.transport.tcp.RelayAddress;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The load tools' one error path: a bad option value is one line on stderr naming the option, the
 * value and what is allowed, exit {@link #USAGE}, before any load starts; an exception escaping a
 * mode is one line and {@link #INTERNAL} (its stack trace only with {@code --debug}). A run that
 * goes wrong reports itself (its {@code FAIL reason=...} line) and exits 1.
 *
 * <pre>{@code
 * LoadCli.require(spec, pairs >= 1, "--pairs", pairs, "a whole number >= 1");
 * }</pre>
 */
final class LoadCli {
  /** Exit code of a bad command line. */
  static final int USAGE = 2;

  /** Exit code of an unexpected exception (a bug). */
  static final int INTERNAL = 70;

  /** The option that lets an unexpected exception print its stack trace. */
  static final String DEBUG = "--debug";

  private LoadCli() {}

  /**
   * Installs the handlers on {@code cl} (and its subcommands).
   *
   * @param cl a command line
   * @return {@code cl}
   */
  static CommandLine configure(CommandLine cl) {
    cl.setParameterExceptionHandler(LoadCli::usageError);
    cl.setExecutionExceptionHandler(LoadCli::runtimeError);
    return cl;
  }

  /**
   * Rejects a value as picocli rejects one it cannot convert.
   *
   * @param spec the command whose option it is
   * @param ok whether the value is allowed
   * @param option the option's name
   * @param value the value given
   * @param allowed what is allowed, e.g. "a whole number >= 1"
   * @throws ParameterException unless {@code ok}
   */
  static void require(CommandSpec spec, boolean ok, String option, Object value, String allowed) {
    if (!ok) {
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '" + option + "': '" + value + "' is not " + allowed);
    }
  }

  /**
   * Parses a relay option's {@code HOST:PORT:KEY} (IPv6 in brackets).
   *
   * @param spec the command whose option it is
   * @param option the option's name
   * @param value the value given
   * @return the relay
   * @throws ParameterException naming the option if it does not parse
   */
  static RelayAddress relay(CommandSpec spec, String option, String value) {
    try {
      return RelayAddress.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "Invalid value for option '" + option + "': " + e.getMessage());
    }
  }

  private static int usageError(ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println(
        cl.getCommandName()
            + ": "
            + oneLine(e.getMessage())
            + " (see '"
            + cl.getCommandSpec().qualifiedName()
            + " --help')");
    err.flush();
    return USAGE;
  }

  private static int runtimeError(Exception e, CommandLine cl, ParseResult parsed) {
    boolean debug = false;
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      debug |= p.hasMatchedOption(DEBUG);
    }
    PrintWriter err = cl.getErr();
    err.println(
        cl.getCommandName()
            + ": internal error: "
            + oneLine(String.valueOf(e))
            + (debug ? "" : " (" + DEBUG + " prints the stack trace)"));
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
    return INTERNAL;
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", "; ");
  }
}
