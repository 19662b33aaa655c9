package org.toxreactive.examples;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.CryptoConnection;
import org.toxreactive.netcrypto.LinkStatus;
import org.toxreactive.netcrypto.Message;
import org.toxreactive.netcrypto.NetCrypto;
import org.toxreactive.netcrypto.NetCryptoNode;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayPool;
import org.toxreactive.transport.tcp.RelayStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Two nodes, three relays in this process, one net_crypto connection over all three relays (no
 * UDP), a stream of numbered messages, and a relay killed every few seconds (restarted a moment
 * later on the same port with the same key, as an operator's restart would). Prints a live line a
 * second and a SUMMARY line; exits 0 only if every message arrived exactly once and in order and
 * the connection never went offline.
 */
@Command(
    name = "failover-demo",
    mixinStandardHelpOptions = true,
    description = {
      "Kills relays under a live net_crypto connection and shows that nothing is lost.",
      "Ends with 'SUMMARY sent=N received=N lost=0 duplicated=0 offline_blips=0 max_stall_ms=X"
          + " relays_killed=K'; exits 0 only if nothing was lost."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:every message arrived once and in order, the connection never went offline",
      "1:messages lost, duplicated or out of order, or the connection went offline",
      "2:bad arguments",
      "3:a relay could not be started or restarted on its loopback port",
      "4:no connection through the relays",
      "70:internal error (--debug prints the stack trace)"
    })
final class FailoverDemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--seconds",
      defaultValue = "20",
      converter = Cli.Positive.class,
      description = "Seconds to stream, >= 1 (default ${DEFAULT-VALUE}).")
  int seconds;

  @Option(
      names = "--rate",
      defaultValue = "2000",
      converter = Rate.class,
      description = "Messages per second, 1..1000000 (default ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--kill-every",
      defaultValue = "4",
      converter = Cli.Positive.class,
      description = "Seconds between relay kills, >= 1 (default ${DEFAULT-VALUE}).")
  int killEvery;

  @Option(
      names = "--down-for",
      defaultValue = "1500",
      converter = Cli.NonNegative.class,
      description = "Milliseconds a killed relay stays down, >= 0 (default ${DEFAULT-VALUE}).")
  int downFor;

  @Option(
      names = "--quiet",
      description = "No live lines, only the SUMMARY (for tests and scripts).")
  boolean quiet;

  private static final int SIZE = 200;

  static final int LOST = 1;
  static final int CANNOT_START = 3;
  static final int NO_CONNECTION = 4;

  /** Messages per second: one every microsecond at most (the stream's timer resolution). */
  static final class Rate extends Cli.Range {
    Rate() {
      super(1, 1_000_000, "a rate 1..1000000 (messages per second)");
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if ((long) seconds * rate > Integer.MAX_VALUE) {
      throw new ParameterException(
          spec.commandLine(),
          "--seconds "
              + seconds
              + " times --rate "
              + rate
              + " is more than "
              + Integer.MAX_VALUE
              + " messages");
    }
    List<KeyPair> relayKeys = new ArrayList<>();
    List<RunningRelay> relays = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        KeyPair k = KeyPair.generate();
        relayKeys.add(k);
        relays.add(startRelay(k, 0, i));
      }
    } catch (Cli.Failure e) {
      relays.forEach(r -> r.disposeNow(Duration.ofSeconds(5)));
      throw e;
    }
    List<RelayAddress> addresses = new ArrayList<>();
    for (RunningRelay r : relays) {
      addresses.add(RelayAddress.of("127.0.0.1", r.port(), r.publicKey()));
    }
    int[] ports = relays.stream().mapToInt(RunningRelay::port).toArray();

    KeyPair aReal = KeyPair.generate();
    KeyPair aDht = KeyPair.generate();
    KeyPair bReal = KeyPair.generate();
    KeyPair bDht = KeyPair.generate();
    Retry reconnect = Retry.fixedDelay(Long.MAX_VALUE, Duration.ofMillis(250));
    RelayPool poolA =
        RelayPool.create(aDht).relays(addresses).reconnect(reconnect).connectInBackground();
    RelayPool poolB =
        RelayPool.create(bDht).relays(addresses).reconnect(reconnect).connectInBackground();
    Scheduler sa = Schedulers.newSingle("node-a", true);
    Scheduler sb = Schedulers.newSingle("node-b", true);
    NetCryptoNode a = NetCrypto.create(aReal, aDht).transport(poolA).scheduler(sa).bindNow();
    NetCryptoNode b =
        NetCrypto.create(bReal, bDht)
            .transport(poolB)
            .scheduler(sb)
            .acceptor(p -> p.realKey().equals(aReal.publicKey()))
            .bindNow();
    try {
      waitForLinks(poolA, poolB);
      Mono<CryptoConnection> accepted = b.incoming().next().cache();
      accepted.subscribe(c -> {}, e -> {});
      List<Path> paths = new ArrayList<>();
      for (RelayAddress r : addresses) {
        paths.add(Path.relay(r.publicKey(), bDht.publicKey()));
      }
      CryptoConnection ca =
          a.connect(bReal.publicKey(), bDht.publicKey(), paths)
              .timeout(Duration.ofSeconds(30))
              .onErrorResume(e -> Mono.empty())
              .block();
      CryptoConnection cb =
          accepted.timeout(Duration.ofSeconds(10)).onErrorResume(e -> Mono.empty()).block();
      if (ca == null || cb == null) {
        spec.commandLine().getErr().println("FAIL reason=no connection through the relays");
        return NO_CONNECTION;
      }
      return stream(out, ca, cb, relays, relayKeys, ports);
    } finally {
      a.dispose();
      b.dispose();
      poolA.dispose();
      poolB.dispose();
      for (RunningRelay r : relays) {
        r.disposeNow(Duration.ofSeconds(5));
      }
      sa.dispose();
      sb.dispose();
    }
  }

  /** Relay {@code index} (0-based) on 127.0.0.1, or a {@link Cli.Failure} saying why not. */
  private static RunningRelay startRelay(KeyPair keys, int port, int index) {
    try {
      return RelayServer.create().keys(keys).host("127.0.0.1").port(port).udpPort(-1).bindNow();
    } catch (RuntimeException e) {
      throw new Cli.Failure(
          CANNOT_START,
          "cannot start relay "
              + (index + 1)
              + " on 127.0.0.1:"
              + port
              + ": "
              + Cli.rootMessage(e));
    }
  }

  /** Waits (at most 10 s, checking every 20 ms) until both pools have every relay up. */
  private static void waitForLinks(RelayPool x, RelayPool y) {
    Flux.interval(Duration.ofMillis(20))
        .filter(
            t ->
                x.relays().stream().allMatch(RelayStatus::connected)
                    && y.relays().stream().allMatch(RelayStatus::connected))
        .next()
        .timeout(Duration.ofSeconds(10))
        .onErrorResume(e -> Mono.empty()) // the connect below then reports what failed
        .block();
  }

  private int stream(
      PrintWriter out,
      CryptoConnection ca,
      CryptoConnection cb,
      List<RunningRelay> relays,
      List<KeyPair> relayKeys,
      int[] ports)
      throws InterruptedException {
    long total = (long) seconds * rate;
    BitSet seen = new BitSet();
    AtomicLong received = new AtomicLong();
    AtomicLong duplicated = new AtomicLong();
    AtomicLong outOfOrder = new AtomicLong();
    AtomicLong maxStall = new AtomicLong();
    AtomicLong lastAt = new AtomicLong(System.nanoTime());
    AtomicLong offline = new AtomicLong();
    AtomicReference<String> path = new AtomicReference<>("?");
    long[] next = {0};
    cb.lossless()
        .subscribe(
            m -> {
              long now = System.nanoTime();
              maxStall.accumulateAndGet((now - lastAt.getAndSet(now)) / 1_000_000, Math::max);
              byte[] p = m.payload().toArray();
              int i =
                  ((p[0] & 0xFF) << 24)
                      | ((p[1] & 0xFF) << 16)
                      | ((p[2] & 0xFF) << 8)
                      | (p[3] & 0xFF);
              if (seen.get(i)) {
                duplicated.incrementAndGet();
              } else {
                seen.set(i);
              }
              if (i != next[0]) {
                outOfOrder.incrementAndGet();
              }
              next[0] = i + 1;
              received.incrementAndGet();
            },
            e -> {}); // the connection ends with the demo
    AtomicBoolean closing = new AtomicBoolean();
    for (CryptoConnection c : List.of(ca, cb)) {
      c.status()
          .subscribe(
              s -> {
                if (s.kind() == LinkStatus.Kind.OFFLINE && !closing.get()) {
                  offline.incrementAndGet();
                }
                if (c == ca && s.path() instanceof Path.Relay r) {
                  path.set("relay:" + r.relay().toHex().substring(0, 8));
                }
              });
    }
    AtomicLong sent = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    long periodNanos = 1_000_000_000L / rate;
    Flux<Message> messages =
        Flux.interval(Duration.ofNanos(Math.max(periodNanos, 1_000)))
            .onBackpressureBuffer()
            .take(total)
            .map(
                i -> {
                  byte[] p = new byte[SIZE - 1];
                  int n = (int) (long) i;
                  p[0] = (byte) (n >>> 24);
                  p[1] = (byte) (n >>> 16);
                  p[2] = (byte) (n >>> 8);
                  p[3] = (byte) n;
                  sent.incrementAndGet();
                  return Message.of(160, Bytes.of(p));
                });
    long start = System.nanoTime();
    lastAt.set(start);
    ca.send(messages).subscribe(null, failed::set, () -> done.set(true));

    int killed = 0;
    int victim = 0;
    long lastLine = start;
    long lastReceived = 0;
    long nextKill = start + TimeUnit.SECONDS.toNanos(killEvery);
    long reviveAt = Long.MAX_VALUE;
    int down = -1;
    long limit = start + TimeUnit.SECONDS.toNanos(seconds + 30L);
    while (!done.get() && failed.get() == null && System.nanoTime() < limit) {
      TimeUnit.MILLISECONDS.sleep(20); // pacing the demo's own loop, not synchronisation
      long now = System.nanoTime();
      if (down < 0 && now >= nextKill && now < start + TimeUnit.SECONDS.toNanos(seconds)) {
        down = victim;
        victim = (victim + 1) % relays.size();
        relays.get(down).disposeNow(Duration.ofSeconds(5));
        killed++;
        reviveAt = now + TimeUnit.MILLISECONDS.toNanos(downFor);
        nextKill = now + TimeUnit.SECONDS.toNanos(killEvery);
        if (!quiet) {
          out.printf("KILL relay %d (port %d)%n", down + 1, ports[down]);
          out.flush();
        }
      }
      if (down >= 0 && now >= reviveAt) {
        relays.set(down, startRelay(relayKeys.get(down), ports[down], down));
        if (!quiet) {
          out.printf("REVIVE relay %d%n", down + 1);
          out.flush();
        }
        down = -1;
      }
      if (!quiet && now - lastLine >= TimeUnit.SECONDS.toNanos(1)) {
        long r = received.get();
        out.printf(
            "t=%ds path=%s sent=%d received=%d rate=%d msg/s (%.2f MB/s) lost_so_far=0"
                + " offline_blips=%d%n",
            TimeUnit.NANOSECONDS.toSeconds(now - start),
            path.get(),
            sent.get(),
            r,
            (r - lastReceived) * 1_000_000_000L / (now - lastLine),
            (r - lastReceived) * SIZE / 1e6 / ((now - lastLine) / 1e9),
            offline.get());
        out.flush();
        lastLine = now;
        lastReceived = r;
      }
    }
    closing.set(true);
    long lost = sent.get() - seen.cardinality();
    boolean ok =
        done.get()
            && failed.get() == null
            && lost == 0
            && duplicated.get() == 0
            && outOfOrder.get() == 0
            && offline.get() == 0;
    out.printf(
        "SUMMARY sent=%d received=%d lost=%d duplicated=%d offline_blips=%d max_stall_ms=%d"
            + " relays_killed=%d%n",
        sent.get(), received.get(), lost, duplicated.get(), offline.get(), maxStall.get(), killed);
    out.flush();
    if (!ok) {
      spec.commandLine()
          .getErr()
          .println(
              "FAIL reason="
                  + (failed.get() != null
                      ? failed.get().toString()
                      : !done.get() ? "stream not acknowledged in time" : "messages lost"));
    }
    return ok ? 0 : LOST;
  }
}
