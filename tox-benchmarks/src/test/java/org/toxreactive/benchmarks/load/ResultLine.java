package org.toxreactive.benchmarks.load;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/** The load tools' last {@code RESULT key=value ...} line, as a map (for tests). */
final class ResultLine {
  private ResultLine() {}

  static Map<String, String> parse(String output) {
    String line =
        output
            .lines()
            .filter(l -> l.startsWith("RESULT "))
            .reduce((a, b) -> b)
            .orElseThrow(() -> new AssertionError("no RESULT line in:\n" + output));
    return Arrays.stream(line.substring(7).split(" "))
        .map(kv -> kv.split("=", 2))
        .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
  }
}
