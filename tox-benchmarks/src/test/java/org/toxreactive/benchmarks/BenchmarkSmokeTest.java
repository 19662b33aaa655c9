package org.toxreactive.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Keeps the benchmarks from rotting: every benchmark runs one short iteration in-process. These are
 * not measurements (no warm-up, no fork); real runs use the shaded jar.
 */
class BenchmarkSmokeTest {
  @Test
  void everyBenchmarkRunsAndProducesAScore() throws Exception {
    Options opts =
        new OptionsBuilder()
            .include("org\\.toxreactive\\..*Benchmark\\..*")
            .forks(0)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(100))
            .param("size", "64")
            .param("messages", "100")
            .shouldFailOnError(true)
            .build();
    Collection<RunResult> results = new Runner(opts).run();
    assertThat(results).hasSizeGreaterThanOrEqualTo(20);
    for (RunResult r : results) {
      assertThat(r.getPrimaryResult().getScore()).as(r.getParams().getBenchmark()).isPositive();
    }
  }
}
