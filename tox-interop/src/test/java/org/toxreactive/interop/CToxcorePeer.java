package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;

/**
 * An unmodified c-toxcore 0.2.18 client ({@code src/test/c/tox_peer.c} on Debian's libtoxcore),
 * compiled once per JVM and run as a process. LAN discovery, IPv6 and hole punching are always off;
 * it prints machine-readable lines (READY, SELF_CONNECTION, FRIEND_CONNECTION, RECV, SENT, EXIT).
 */
final class CToxcorePeer implements AutoCloseable {
  private static Path binary;

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final List<Long> lineNanos = new CopyOnWriteArrayList<>();
  private final Path log;

  private CToxcorePeer(List<String> args, String name) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary().toString());
    cmd.addAll(args);
    log = Interop.logDir().resolve("tox_peer-" + name + "-" + System.nanoTime() + ".log");
    process = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    Interop.killOnExit(process.toHandle());
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  lineNanos.add(System.nanoTime()); // first, so every line has its time
                  lines.add(line);
                }
              } catch (IOException e) {
                // process ended
              }
            },
            "tox_peer-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Compiles tox_peer.c against the system's libtoxcore (once per JVM). */
  static synchronized Path binary() throws IOException {
    if (binary != null) {
      return binary;
    }
    Interop.requireTool("gcc");
    Interop.requireTool("pkg-config");
    Path dir = Files.createTempDirectory("tox_peer");
    Path out = dir.resolve("tox_peer");
    String flags = run(List.of("pkg-config", "--cflags", "--libs", "toxcore"));
    if (flags == null) {
      Interop.unavailable("libtoxcore-dev (pkg-config toxcore failed)");
    }
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "gcc",
                "-O2",
                "-o",
                out.toString(),
                Path.of("src/test/c/tox_peer.c").toAbsolutePath().toString()));
    cmd.addAll(List.of(flags.trim().split("\\s+")));
    if (run(cmd) == null) {
      throw new IllegalStateException("gcc failed to build tox_peer.c: " + String.join(" ", cmd));
    }
    binary = out;
    return out;
  }

  private static String run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      p.destroyForcibly();
    }
  }

  /** A TCP-only peer (UDP off) whose only relay is {@code relay}, bootstrapped to DHT nodes. */
  static CToxcorePeer tcpOnly(
      String name,
      KeyPair keys,
      PublicKey friend,
      String relay,
      List<ToxBootstrapd> dht,
      List<String> extra) {
    return tcpOnly(name, keys, friend, List.of(relay), dht, extra);
  }

  /**
   * A TCP-only peer (UDP off, so no DHT traffic of its own) with these relays ({@code
   * HOST:PORT:KEY}, {@code tox_add_tcp_relay} in this order), bootstrapped to DHT nodes (none is
   * fine when the caller knows its DHT key and reaches it through a relay).
   */
  static CToxcorePeer tcpOnly(
      String name,
      KeyPair keys,
      PublicKey friend,
      List<String> relays,
      List<ToxBootstrapd> dht,
      List<String> extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--secret-key",
                keys.secretKey().toHexUnsafe(),
                "--friend",
                friend.toHex(),
                "--udp",
                "off",
                "--seconds",
                "90"));
    for (String relay : relays) {
      args.addAll(List.of("--tcp-relay", relay));
    }
    for (ToxBootstrapd d : dht) {
      args.addAll(List.of("--bootstrap", "127.0.0.1:" + d.udpPort() + ":" + d.publicKeyHex()));
    }
    args.addAll(extra);
    try {
      return new CToxcorePeer(args, name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A peer with direct UDP on 127.0.0.1:{@code udpPort}, friend of {@code friend}, with extra
   * flags.
   */
  static CToxcorePeer udp(
      String name, KeyPair keys, PublicKey friend, int udpPort, List<String> extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--secret-key",
                keys.secretKey().toHexUnsafe(),
                "--friend",
                friend.toHex(),
                "--udp",
                "on",
                "--udp-port",
                String.valueOf(udpPort),
                "--seconds",
                "120"));
    args.addAll(extra);
    try {
      return new CToxcorePeer(args, name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits (bounded) for a line matching {@code p}; fails with the output so far. */
  String await(Predicate<String> p, Duration timeout, String what) {
    return lines.get(awaitIndex(0, p, timeout, what));
  }

  /**
   * Waits (bounded) for a line matching {@code p} at index {@code from} or later; returns its index
   * in {@link #lines()}, fails with the output so far.
   */
  int awaitIndex(int from, Predicate<String> p, Duration timeout, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = from;
    while (System.nanoTime() < deadline) {
      List<String> snapshot = List.copyOf(lines);
      for (int i = seen; i < snapshot.size(); i++) {
        if (p.test(snapshot.get(i))) {
          return i;
        }
      }
      seen = Math.max(seen, snapshot.size());
      if (!process.isAlive() && seen == lines.size()) {
        break;
      }
      try {
        process.waitFor(20, TimeUnit.MILLISECONDS); // returns early if it exits
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError(
        "tox_peer never printed "
            + what
            + " within "
            + timeout
            + "; output:\n"
            + String.join("\n", lines)
            + "\n(stderr in "
            + log
            + ")");
  }

  /** When line {@code index} of {@link #lines()} was read ({@link System#nanoTime()}). */
  long nanosOf(int index) {
    return lineNanos.get(index);
  }

  /** Every stdout line so far, in order. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  /** Texts of RECV lines so far, in order. */
  List<String> received() {
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      if (l.startsWith("RECV 0 ")) {
        out.add(l.substring("RECV 0 ".length()));
      }
    }
    return out;
  }

  @Override
  public void close() {
    assertThat(Interop.terminate(process.toHandle(), Duration.ofSeconds(5))).isTrue();
  }
}
