package org.toxreactive.benchmarks.abuse;

import java.time.Duration;
import org.toxreactive.transport.tcp.RelayAddress;
import picocli.CommandLine.Option;

/**
 * A case against a relay: {@code --relay HOST:PORT:KEY} (loopback) and its {@code --metrics-port};
 * the canary is a {@link RelayCanary} pair unless the case says otherwise.
 */
abstract class RelayCase extends AbuseCase {
  @Option(
      names = "--relay",
      required = true,
      paramLabel = "HOST:PORT:KEY",
      description = "The relay under attack (a 127.x address), its TCP port and public key.")
  String relay;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description = "The relay's Prometheus port (/metrics on 127.0.0.1): counters before/after.")
  Integer metricsPort;

  RelayAddress address() {
    return RelayAddress.parse(relay);
  }

  /** The metrics client, or null without {@code --metrics-port}. */
  Metrics metrics() {
    return metricsPort == null ? null : new Metrics(metricsPort);
  }

  @Override
  String validate() {
    String bad = super.validate();
    if (bad != null) {
      return bad;
    }
    try {
      RelayAddress a = address();
      if (!a.host().startsWith("127.")) {
        return "--relay must be on a 127.x loopback address";
      }
    } catch (RuntimeException e) {
      return "--relay: " + e.getMessage();
    }
    return null;
  }

  @Override
  Canary openCanary(Duration maxRun) throws Exception {
    return RelayCanary.open(address(), interval(), maxRun);
  }
}
