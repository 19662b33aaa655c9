package org.toxreactive.benchmarks.abuse;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * A case against a net_crypto echo node: {@code --node HOST:PORT:REALKEY:DHTKEY}; the canary is a
 * {@link NodeCanary} connected before the attack, served if an echo comes within {@code
 * --echo-timeout-ms}.
 */
abstract class NodeCase extends AbuseCase {
  @Option(
      names = "--node",
      required = true,
      paramLabel = "HOST:PORT:REAL:DHT",
      description = "The echo node (as echo-node prints it).")
  String node;

  @Option(
      names = "--echo-timeout-ms",
      defaultValue = "1000",
      description = "How long a canary echo may take to count (default: ${DEFAULT-VALUE}).")
  long echoTimeoutMs;

  NodeTarget target() {
    return NodeTarget.parse(node);
  }

  @Override
  double defaultCanaryMin() {
    return 80;
  }

  @Override
  String validate() {
    String bad = super.validate();
    if (bad != null) {
      return bad;
    }
    try {
      target();
    } catch (RuntimeException e) {
      return "--node: " + e.getMessage();
    }
    return echoTimeoutMs < 1 ? "--echo-timeout-ms must be >= 1" : null;
  }

  @Override
  Canary openCanary(Duration maxRun) {
    return NodeCanary.open(target(), interval(), Duration.ofMillis(echoTimeoutMs), maxRun);
  }
}
