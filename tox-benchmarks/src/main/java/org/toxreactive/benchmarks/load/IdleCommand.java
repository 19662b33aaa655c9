package org.toxreactive.benchmarks.load;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.RelayConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Idle confirmed clients: connects N links (each confirmed by its first ping), holds them without
 * traffic other than keepalive pings, then counts how many are still up and how many of a sample
 * still answer a ping.
 */
@Command(
    name = "idle",
    mixinStandardHelpOptions = true,
    description = {
      "Idle confirmed clients held, and what they cost the relay.",
      "",
      "Connects --clients links (--connect-concurrency handshakes in flight), each confirmed by"
          + " its first ping, and holds them --hold seconds with only keepalive pings (the"
          + " client's own every --keepalive seconds, and the relay's, which kills a client that"
          + " does not answer within its timeout). During the second half of the hold, with every"
          + " link up, it pings a sample of up to --sample links spread evenly over the"
          + " population (in connect order), paced over that half: 'responsive' counts the pongs"
          + " that came back within --ping-timeout, ping_p50/p99/max_ms their round trips. At the"
          + " end it counts the links still up ('alive'; 'lost' = connected - alive).",
      "",
      "Memory. With --in-process: heap used after System.gc() (MemoryMXBean, least of three"
          + " reads) with the relay up and no clients, and again half-way through the hold; the"
          + " difference per client is heap_per_client_bytes. It counts BOTH ends, since the"
          + " relay and this tool's clients share the heap; 'serve --heap-report' measures the"
          + " relay alone. With --relay-pid: the relay process's VmRSS (/proc/PID/status) before"
          + " and half-way, per client: rss_per_client_bytes (for tox-bootstrapd, a C program,"
          + " that is its memory; for a JVM it mostly shows heap growth).",
      "",
      "Prints 'RESULT mode=idle connected=.. alive=.. sampled=.. responsive=.. ping_p99_ms=..'"
          + " 'heap_per_client_bytes=..'."
    })
final class IdleCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin LoadTarget target;

  @Option(
      names = "--clients",
      defaultValue = "2000",
      description = "Links to hold (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(
      names = "--hold",
      defaultValue = "10",
      description = "Seconds to hold them once all are connected (default: ${DEFAULT-VALUE}).")
  double hold;

  @Option(
      names = "--keepalive",
      defaultValue = "30",
      description = "Client ping interval in seconds (default: 30, as c-toxcore).")
  double keepalive;

  @Option(
      names = "--connect-concurrency",
      defaultValue = "64",
      description = "Handshakes in flight while connecting (default: ${DEFAULT-VALUE}).")
  int connectConcurrency;

  @Option(
      names = "--sample",
      defaultValue = "1000",
      description = "Links pinged during the hold (default: ${DEFAULT-VALUE}).")
  int sample;

  @Option(
      names = "--ping-timeout",
      defaultValue = "10",
      description =
          "Seconds a sampled ping may take to count as answered (default: 10, the relay's own"
              + " keepalive timeout).")
  double pingTimeout;

  /** Figures of one run; negative memory figures mean "not measured". */
  record Result(
      int requested,
      int connected,
      int alive,
      int sampled,
      int responsive,
      double pingP50Ms,
      double pingP99Ms,
      double pingMaxMs,
      double connectSeconds,
      long heapPerClient,
      long rssPerClient) {}

  private static final int MAX_CLIENTS = 200_000;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Result r = run(out);
    out.printf(
        Locale.ROOT,
        "idle: %d of %d connected in %.1f s, %d still up after %.0f s, %d of %d sampled answer a"
            + " ping (p50 %.2f ms, p99 %.2f ms, max %.2f ms)%s%s%n",
        r.connected,
        r.requested,
        r.connectSeconds,
        r.alive,
        hold,
        r.responsive,
        r.sampled,
        r.pingP50Ms,
        r.pingP99Ms,
        r.pingMaxMs,
        r.heapPerClient >= 0
            ? ", heap " + r.heapPerClient + " B per client (relay + client, one JVM)"
            : "",
        r.rssPerClient >= 0 ? ", relay RSS " + r.rssPerClient + " B per client" : "");
    out.printf(
        Locale.ROOT,
        "RESULT mode=idle requested=%d connected=%d alive=%d lost=%d sampled=%d responsive=%d"
            + " ping_p50_ms=%.3f ping_p99_ms=%.3f ping_max_ms=%.3f connect_s=%.2f"
            + " connect_per_s=%.0f hold_s=%.1f heap_per_client_bytes=%d rss_per_client_bytes=%d%n",
        r.requested,
        r.connected,
        r.alive,
        r.connected - r.alive,
        r.sampled,
        r.responsive,
        r.pingP50Ms,
        r.pingP99Ms,
        r.pingMaxMs,
        r.connectSeconds,
        r.connectSeconds > 0 ? r.connected / r.connectSeconds : 0,
        hold,
        r.heapPerClient,
        r.rssPerClient);
    out.flush();
    return r.alive > 0 ? 0 : 1;
  }

  Result run(PrintWriter out) throws InterruptedException {
    LoadCli.require(
        spec,
        clients >= 1 && clients <= MAX_CLIENTS,
        "--clients",
        clients,
        "a whole number 1.." + MAX_CLIENTS);
    LoadCli.require(
        spec, hold >= 0 && hold < 86_400, "--hold", hold, "a number of seconds 0..86400");
    LoadCli.require(
        spec, keepalive > 0 && keepalive < 3600, "--keepalive", keepalive, "seconds, 0 < S < 3600");
    LoadCli.require(
        spec,
        connectConcurrency >= 1,
        "--connect-concurrency",
        connectConcurrency,
        "a whole number >= 1");
    LoadCli.require(spec, sample >= 0, "--sample", sample, "a whole number >= 0");
    LoadCli.require(
        spec,
        pingTimeout > 0 && pingTimeout < 3600,
        "--ping-timeout",
        pingTimeout,
        "seconds, 0 < S < 3600");
    target.validate();
    try (LoadTarget.Opened t = target.open(clients)) {
      out.println("idle: " + clients + " clients, " + t.describe());
      out.flush();
      long heapBefore = t.inProcess() != null ? HeapMeter.usedAfterGc() : -1;
      long rssBefore = target.cpuPid() != null ? rssBytes(target.cpuPid()) : -1;
      List<KeyPair> keys = new ArrayList<>(clients);
      for (int i = 0; i < clients; i++) {
        keys.add(KeyPair.generate());
      }
      Duration ping = Duration.ofMillis((long) (keepalive * 1000));
      AtomicLong failures = new AtomicLong();
      Duration connectTimeout = Duration.ofSeconds(60 + clients / 50);
      long c0 = System.nanoTime();
      List<RelayConnection> links =
          Flux.range(0, clients)
              .flatMap(
                  i ->
                      t.client(i, keys.get(i))
                          .keepalive(ping, Duration.ofSeconds(10))
                          .connect()
                          .map(Optional::of)
                          .onErrorResume(
                              e -> {
                                failures.incrementAndGet();
                                return Mono.just(Optional.empty());
                              }),
                  connectConcurrency)
              .filter(Optional::isPresent)
              .map(Optional::get)
              .take(connectTimeout) // what connected by then is held; the rest is given up
              .collectList()
              .block(connectTimeout.plusSeconds(30));
      double connectSeconds = (System.nanoTime() - c0) / 1e9;
      try {
        out.printf(
            Locale.ROOT,
            "idle: %d connected (%d failed) in %.1f s; holding %.0f s%n",
            links.size(),
            failures.get(),
            connectSeconds,
            hold);
        out.flush();
        long heapHeld = -1;
        long rssHeld = -1;
        long holdEnd = System.nanoTime() + (long) (hold * 1e9);
        // memory is read half-way, so that every link is confirmed and settled
        ThroughputCommand.sleep(hold / 2);
        if (t.inProcess() != null) {
          heapHeld = HeapMeter.usedAfterGc();
        }
        if (target.cpuPid() != null) {
          rssHeld = rssBytes(target.cpuPid());
        }
        // then the sample, spread over the population and paced over what is left of the hold
        List<RelayConnection> probe = new ArrayList<>();
        int sampled = Math.min(sample, links.size());
        for (int k = 0; k < sampled; k++) {
          probe.add(links.get((int) ((long) k * links.size() / sampled)));
        }
        long pingWindowNanos = Math.max(0, holdEnd - System.nanoTime());
        Histogram rtts = pingSample(probe, pingWindowNanos);
        ThroughputCommand.sleep((holdEnd - System.nanoTime()) / 1e9);
        int alive = (int) links.stream().filter(c -> !c.isDisposed()).count();
        int n = Math.max(1, links.size());
        return new Result(
            clients,
            links.size(),
            alive,
            probe.size(),
            (int) rtts.getTotalCount(),
            rtts.getValueAtPercentile(50) / 1e6,
            rtts.getValueAtPercentile(99) / 1e6,
            rtts.getMaxValue() / 1e6,
            connectSeconds,
            heapBefore >= 0 && heapHeld >= 0 ? (heapHeld - heapBefore) / n : -1,
            rssBefore >= 0 && rssHeld >= 0 ? (rssHeld - rssBefore) / n : -1);
      } finally {
        links.forEach(RelayConnection::dispose);
        for (RelayConnection c : links) {
          c.onDispose().block(Duration.ofSeconds(5));
        }
      }
    }
  }

  /**
   * Pings each link of {@code probe} once, the pings spread evenly over {@code windowNanos} (at
   * most 64 outstanding), and returns the round trips, in nanoseconds, of the pongs that came back
   * within --ping-timeout (an empty histogram reads 0). Bounded by the window plus the timeout.
   */
  private Histogram pingSample(List<RelayConnection> probe, long windowNanos) {
    Histogram h = new Histogram(3); // auto-resizing
    if (probe.isEmpty()) {
      return h;
    }
    Duration timeout = Duration.ofMillis((long) (pingTimeout * 1000));
    long spacing = windowNanos / probe.size();
    Flux<RelayConnection> paced =
        spacing >= 1_000_000
            ? Flux.fromIterable(probe).delayElements(Duration.ofNanos(spacing))
            : Flux.fromIterable(probe);
    paced
        .flatMap(
            c -> c.ping().timeout(timeout).map(Duration::toNanos).onErrorResume(e -> Mono.empty()),
            64)
        .doOnNext(h::recordValue) // flatMap emits one at a time; block() publishes h to us
        .then()
        .block(Duration.ofNanos(windowNanos).plus(timeout).plusSeconds(30));
    return h;
  }

  /** VmRSS of a process in bytes, or -1 if /proc cannot tell. */
  static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          String[] f = line.trim().split("\\s+");
          return Long.parseLong(f[1]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
