package org.toxreactive.benchmarks.load;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.toxreactive.core.KeyPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Relay handshakes per second: C workers each connect, complete the handshake, wait for a pong (the
 * relay has then confirmed the link and answered it), close, wait for the close and repeat.
 */
@Command(
    name = "handshakes",
    mixinStandardHelpOptions = true,
    description = {
      "Relay handshakes per second.",
      "",
      "--concurrency workers each loop: connect (TCP and the relay handshake), ping and wait for"
          + " the pong (the relay has confirmed the link and answered), close, wait until closed."
          + " Client keys come from a pre-generated pool (4 per worker, so that a key is never"
          + " live twice); connections rotate over at least 64 source addresses (TIME_WAIT holds"
          + " each closed client port for 60 s). Counts the cycles completed after --warmup"
          + " seconds, for --seconds seconds.",
      "",
      "Prints 'RESULT mode=handshakes per_s=.. completed=.. failed=..'."
    })
final class HandshakesCommand implements Callable<Integer> {
  private static final int KEYS_PER_WORKER = 4;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin LoadTarget target;

  @Option(
      names = "--concurrency",
      defaultValue = "32",
      description = "Workers, i.e. handshakes in flight (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Mixin MeasuredWindow measured;

  @Option(
      names = "--timeout",
      defaultValue = "10",
      description = "Seconds one cycle may take before it counts as failed (default: 10).")
  double timeout;

  /** Figures of one run. */
  record Result(
      double perSecond,
      long completed,
      long failed,
      double seconds,
      double relayCpuMicrosPerHandshake) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Result r = run(out);
    out.printf(
        Locale.ROOT,
        "handshakes: %.0f/s (%d completed in the measured %.1f s, %d failed in the whole run)%n",
        r.perSecond,
        r.completed,
        r.seconds,
        r.failed);
    out.printf(
        Locale.ROOT,
        "RESULT mode=handshakes per_s=%.1f completed=%d failed=%d concurrency=%d seconds=%.1f"
            + " relay_cpu_us_per_handshake=%.1f%n",
        r.perSecond,
        r.completed,
        r.failed,
        concurrency,
        r.seconds,
        r.relayCpuMicrosPerHandshake);
    out.flush();
    return r.completed > 0 ? 0 : 1;
  }

  Result run(PrintWriter out) throws InterruptedException {
    LoadCli.require(spec, concurrency >= 1, "--concurrency", concurrency, "a whole number >= 1");
    LoadCli.require(
        spec,
        timeout > 0 && timeout < 3600,
        "--timeout",
        timeout,
        "a number of seconds, 0 < S < 3600");
    measured.validate();
    target.validate();
    // Each source address carries at most `concurrency / sources` live connections, and
    // thousands of closed ones in TIME_WAIT: spread wide.
    try (LoadTarget.Opened t = target.open(Math.max(concurrency, 64 * 50))) {
      out.println("handshakes: " + concurrency + " workers, " + t.describe());
      out.flush();
      List<KeyPair> keys = new ArrayList<>();
      for (int i = 0; i < concurrency * KEYS_PER_WORKER; i++) {
        keys.add(KeyPair.generate());
      }
      AtomicLong completed = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      AtomicInteger nextSource = new AtomicInteger();
      long start = System.nanoTime();
      long measureFrom = start + (long) (measured.warmup * 1e9);
      long measureTo = measureFrom + (long) (measured.seconds * 1e9);
      long[] marks = new long[2];
      long maxCycles = (long) ((measured.warmup + measured.seconds) * 200_000) + 1;
      Duration cycleTimeout = Duration.ofMillis((long) (timeout * 1000));
      CountDownLatch workersDone = new CountDownLatch(1);
      Flux.range(0, concurrency)
          .flatMap(
              w -> {
                AtomicLong round = new AtomicLong();
                return Mono.defer(
                        () -> {
                          KeyPair k =
                              keys.get(
                                  (int)
                                      (w * KEYS_PER_WORKER
                                          + (round.getAndIncrement() % KEYS_PER_WORKER)));
                          return cycle(t, nextSource.getAndIncrement() & 0x7fffffff, k)
                              .timeout(cycleTimeout)
                              .doOnSuccess(v -> completed.incrementAndGet())
                              .onErrorResume(
                                  e -> {
                                    failed.incrementAndGet();
                                    return Mono.empty();
                                  });
                        })
                    .repeat(() -> System.nanoTime() - measureTo < 0 && round.get() < maxCycles);
              },
              concurrency)
          .doFinally(sig -> workersDone.countDown())
          .subscribe();
      Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
      long cpu0 = ProcessCpu.nanos(target.cpuPid());
      marks[0] = completed.get();
      long t0 = System.nanoTime();
      Thread.sleep(Math.max(0, (measureTo - System.nanoTime()) / 1_000_000));
      marks[1] = completed.get();
      long t1 = System.nanoTime();
      long cpu1 = ProcessCpu.nanos(target.cpuPid());
      // workers stop at measureTo; let the last cycles finish (bounded) before the relay goes
      workersDone.await((long) (timeout * 1000) + 1000, TimeUnit.MILLISECONDS);
      double secs = (t1 - t0) / 1e9;
      long n = marks[1] - marks[0];
      return new Result(n / secs, n, failed.get(), secs, ProcessCpu.microsPer(cpu0, cpu1, n));
    }
  }

  /** Connect, handshake, ping/pong, close and wait until closed. */
  private static Mono<Void> cycle(LoadTarget.Opened t, int i, KeyPair keys) {
    return Mono.usingWhen(
        t.client(i, keys).connect(),
        c -> c.ping().then(),
        c -> {
          c.dispose();
          return c.onDispose();
        });
  }
}
