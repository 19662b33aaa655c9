package org.toxreactive.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The runtime half of {@link Cli}'s error path: failures with their codes, bugs with --debug. */
class CliTest {
  @Command(name = "t")
  static final class Throws implements Callable<Integer> {
    @Option(names = Cli.DEBUG)
    boolean debug;

    @Option(names = "--fail")
    boolean fail;

    @Override
    public Integer call() {
      if (fail) {
        throw new Cli.Failure(5, "cannot do it:\n  because");
      }
      throw new IllegalStateException("a bug");
    }
  }

  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Cli.commandLine(new Throws())
        .setOut(new PrintWriter(new StringWriter(), true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
  }

  @Test
  void aFailureIsOneLineWithItsOwnCode() {
    assertThat(run("--fail")).isEqualTo(5);
    assertThat(err.toString()).isEqualTo("t: cannot do it:; because" + System.lineSeparator());
  }

  @Test
  void aBugIsOneLineAndExit70WithoutDebug() {
    assertThat(run()).isEqualTo(Cli.INTERNAL);
    assertThat(err.toString())
        .isEqualTo(
            "t: internal error: java.lang.IllegalStateException: a bug (--debug prints the stack"
                + " trace)"
                + System.lineSeparator());
  }

  @Test
  void debugPrintsTheStackTrace() {
    assertThat(run(Cli.DEBUG)).isEqualTo(Cli.INTERNAL);
    assertThat(err.toString())
        .startsWith("t: internal error: java.lang.IllegalStateException: a bug")
        .contains("\tat org.toxreactive.examples.CliTest$Throws.call");
  }

  @Test
  void debugIsInheritedBySubcommands() {
    StringWriter out = new StringWriter();
    assertThat(
            Examples.run(new PrintWriter(out, true), new PrintWriter(err, true), "probe", "--help"))
        .isZero();
    assertThat(out.toString()).contains(Cli.DEBUG);
  }
}
