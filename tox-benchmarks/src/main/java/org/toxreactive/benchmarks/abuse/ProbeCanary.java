package org.toxreactive.benchmarks.abuse;

import java.time.Duration;

/**
 * A canary whose probe is one synchronous attempt (an HTTP GET, a new client's handshake and ping):
 * served if it succeeds within the timeout. Attempts run one at a time.
 */
final class ProbeCanary extends Canary {
  /** One attempt; true if it succeeded. It must give up by itself after {@code timeout}. */
  @FunctionalInterface
  interface Attempt {
    boolean run(int seq, Duration timeout) throws Exception;
  }

  private final Attempt attempt;
  private final Duration timeout;

  private ProbeCanary(Attempt attempt, Duration interval, Duration timeout, Duration maxRun) {
    super(interval, timeout, maxRun);
    this.attempt = attempt;
    this.timeout = timeout;
  }

  /** Starts probing with {@code attempt}. */
  static ProbeCanary start(Attempt attempt, Duration interval, Duration timeout, Duration maxRun) {
    return (ProbeCanary) new ProbeCanary(attempt, interval, timeout, maxRun).start();
  }

  @Override
  protected void probe(int seq) throws Exception {
    if (attempt.run(seq, timeout)) {
      answered(seq);
    }
  }

  @Override
  protected void release() {}
}
