package org.toxreactive.benchmarks.load;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  /** Rejects anything but a positive window after a non-negative warm-up, both under a day. */
  void validate() {
    LoadCli.require(
        mixee, seconds > 0 && seconds <= 86_400, "--seconds", seconds, "seconds, 0 < S <= 86400");
    LoadCli.require(
        mixee, warmup >= 0 && warmup <= 86_400, "--warmup", warmup, "seconds, 0 <= S <= 86400");
  }
}
