package org.toxreactive.benchmarks.load;

import picocli.CommandLine.Option;

/**
 * The measured window shared by the load modes: {@code --warmup} seconds of load, then {@code
 * --seconds}.
 */
final class MeasuredWindow {
  @Option(
      names = "--seconds",
      defaultValue = "10",
      description = "Measured seconds (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      description = "Seconds of load before measuring (default: ${DEFAULT-VALUE}).")
  double warmup;

  /** Whether both are usable: a positive window after a non-negative warm-up. */
  boolean valid() {
    return seconds > 0 && warmup >= 0;
  }
}
