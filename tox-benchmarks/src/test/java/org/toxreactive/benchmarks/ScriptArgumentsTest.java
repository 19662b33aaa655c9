package org.toxreactive.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The comparison scripts' own arguments, run with bash: {@code --help} prints usage and exits 0
 * without running anything, a bad flag is one line on stderr and exit 2. Only these cases are run
 * here; a real benchmark run is never started (each process is bounded to 10 s).
 */
class ScriptArgumentsTest {
  /** The module directory: Surefire runs tests there. */
  private static final Path HERE = Path.of("").toAbsolutePath();

  private record Run(int code, String out, String err) {}

  private static Run bash(String script, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash", HERE.resolve(script).toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("script-out", ".txt");
    Path err = Files.createTempFile("script-err", ".txt");
    Process p =
        new ProcessBuilder(cmd)
            .directory(HERE.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).as(String.join(" ", cmd) + " finished").isTrue();
      return new Run(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      p.destroyForcibly();
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  @ParameterizedTest
  @CsvSource({
    "benchmarks.sh, --help, tox-benchmarks/benchmarks.sh [--quick]",
    "benchmarks.sh, -h, Exit codes:",
    "compare.sh, --help, Usage: tox-benchmarks/compare.sh [--quick]",
    "transfer.sh, --help, tox-benchmarks/transfer.sh [--quick] [--mb N] [--no-relay]",
    "transfer.sh, -h, Exit codes:",
    "friend_idle.sh, --help, tox-benchmarks/friend_idle.sh [--quick] [--friends"
  })
  void helpPrintsUsageAndRunsNothing(String script, String flag, String usage) throws Exception {
    Path benchmarksMd = HERE.resolveSibling("BENCHMARKS.md");
    byte[] before = Files.exists(benchmarksMd) ? Files.readAllBytes(benchmarksMd) : null;
    Run r = bash(script, "--quick", flag);
    assertThat(r.code).as(r.err).isZero();
    assertThat(r.out).contains(usage);
    assertThat(r.err).isEmpty();
    if (before != null) {
      assertThat(Files.readAllBytes(benchmarksMd)).as("BENCHMARKS.md untouched").isEqualTo(before);
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "benchmarks.sh|--bogus|benchmarks.sh: unknown argument '--bogus' (allowed: --quick, --help)",
        "benchmarks.sh|quick|benchmarks.sh: unknown argument 'quick'",
        "compare.sh|--bogus|compare.sh: unknown argument '--bogus' (try --help)",
        "compare.sh|--dht-onion --rounds|compare.sh: --rounds needs a number",
        "compare.sh|--dht-onion --rounds 0|compare.sh: --rounds must be a number from 1 to 10, not '0'",
        "compare.sh|--rounds 11|compare.sh: --rounds must be a number from 1 to 10, not '11'",
        "transfer.sh|--bogus|transfer.sh: unknown argument '--bogus'",
        "transfer.sh|--mb|transfer.sh: --mb needs a value: MB per transfer, 1..100000",
        "transfer.sh|--mb abc|transfer.sh: --mb 'abc' is not a whole number 1..100000",
        "transfer.sh|--mb 0|transfer.sh: --mb '0' is not a whole number 1..100000",
        "transfer.sh|--mb -5|transfer.sh: --mb '-5' is not a whole number 1..100000",
        "transfer.sh|--mb 100001|transfer.sh: --mb '100001' is not a whole number 1..100000",
        "friend_idle.sh|--bogus|friend_idle.sh: unknown argument '--bogus' (see --help)",
        "friend_idle.sh|--friends 1001|friend_idle.sh: --friends '1001' is not a whole number 0..1000",
        "friend_idle.sh|--warmup 2|friend_idle.sh: --warmup '2' is not a whole number 5..600",
        "friend_idle.sh|--nodes|friend_idle.sh: --nodes '' is not a whole number 1..8"
      })
  void aBadFlagIsOneLineAndExit2(String script, String args, String line) throws Exception {
    Run r = bash(script, args.split(" "));
    assertThat(r.code).as(r.err).isEqualTo(2);
    assertThat(r.err).startsWith(line).hasLineCount(1);
    assertThat(r.out).isEmpty();
  }

  @Test
  void aBadGeneratorIsRejectedBeforeAnythingStarts() throws Exception {
    List<String> cmd = List.of("bash", HERE.resolve("compare.sh").toString(), "--quick");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(HERE.toFile());
    pb.environment().put("GENERATOR", "rust");
    pb.redirectErrorStream(true);
    Process p = pb.start();
    try {
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(2);
      assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("compare.sh: GENERATOR must be c or java, not 'rust'\n");
    } finally {
      p.destroyForcibly();
    }
  }
}
