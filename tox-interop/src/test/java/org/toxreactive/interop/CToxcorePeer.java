package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;

/**
 * An unmodified c-toxcore client ({@code src/test/c/tox_peer.c}) of one {@link Toxcore} version,
 * compiled once per JVM and version and run as a process. LAN discovery, IPv6 and hole punching are
 * always off; it prints machine-readable lines (READY, SELF_CONNECTION, FRIEND_CONNECTION, RECV,
 * SENT, GROUP_*, EXIT). Its READY line names the libtoxcore version it loaded, which must be the
 * version asked for: every wait checks that.
 */
final class CToxcorePeer implements AutoCloseable {
  private final Toxcore toxcore;
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final List<Long> lineNanos = new CopyOnWriteArrayList<>();
  private final Path log;
  private volatile boolean versionChecked;
  private static final Pattern VERSION = Pattern.compile(" version=(\\d+\\.\\d+\\.\\d+)");

  private CToxcorePeer(Toxcore toxcore, List<String> args, String name) throws IOException {
    this(toxcore, toxcore.peerBinary(), args, name);
  }

  private CToxcorePeer(Toxcore toxcore, Path binary, List<String> args, String name)
      throws IOException {
    this.toxcore = toxcore;
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.addAll(args);
    log =
        Interop.logDir()
            .resolve(
                "tox_peer-" + toxcore.version() + "-" + name + "-" + System.nanoTime() + ".log");
    process = toxcore.configure(new ProcessBuilder(cmd)).redirectError(log.toFile()).start();
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

  /** A TCP-only peer (UDP off) whose only relay is {@code relay}, bootstrapped to DHT nodes. */
  static CToxcorePeer tcpOnly(
      Toxcore toxcore,
      String name,
      KeyPair keys,
      PublicKey friend,
      String relay,
      List<ToxBootstrapd> dht,
      List<String> extra) {
    return tcpOnly(toxcore, name, keys, List.of(friend), List.of(relay), dht, extra);
  }

  /**
   * A TCP-only peer with one friend; see {@link #tcpOnly(Toxcore, String, KeyPair, List, List,
   * List, List)}.
   */
  static CToxcorePeer tcpOnly(
      Toxcore toxcore,
      String name,
      KeyPair keys,
      PublicKey friend,
      List<String> relays,
      List<ToxBootstrapd> dht,
      List<String> extra) {
    return tcpOnly(toxcore, name, keys, List.of(friend), relays, dht, extra);
  }

  /**
   * A TCP-only peer (UDP off, so no DHT traffic of its own) with these relays ({@code
   * HOST:PORT:KEY}, {@code tox_add_tcp_relay} in this order), bootstrapped to DHT nodes (none is
   * fine when the caller knows its DHT key and reaches it through a relay). Friends are numbered in
   * list order (0, 1, ...).
   */
  static CToxcorePeer tcpOnly(
      Toxcore toxcore,
      String name,
      KeyPair keys,
      List<PublicKey> friends,
      List<String> relays,
      List<ToxBootstrapd> dht,
      List<String> extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--secret-key", keys.secretKey().toHexUnsafe(), "--udp", "off", "--seconds", "90"));
    for (PublicKey friend : friends) {
      args.addAll(List.of("--friend", friend.toHex()));
    }
    for (String relay : relays) {
      args.addAll(List.of("--tcp-relay", relay));
    }
    for (ToxBootstrapd d : dht) {
      args.addAll(List.of("--bootstrap", "127.0.0.1:" + d.udpPort() + ":" + d.publicKeyHex()));
    }
    args.addAll(extra);
    try {
      return new CToxcorePeer(toxcore, args, name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A peer with direct UDP on 127.0.0.1:{@code udpPort}, friend of {@code friend}, with extra
   * flags.
   */
  static CToxcorePeer udp(
      Toxcore toxcore,
      String name,
      KeyPair keys,
      PublicKey friend,
      int udpPort,
      List<String> extra) {
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
      return new CToxcorePeer(toxcore, args, name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code src/test/c/tox_friend_peer.c} (the Tox ID peer: tox_friend_add, accepting requests,
   * echo) with these arguments; its READY line also names its Tox ID ({@code address=}).
   */
  static CToxcorePeer friendPeer(Toxcore toxcore, String name, List<String> args) {
    try {
      return new CToxcorePeer(toxcore, toxcore.binary("tox_friend_peer"), args, name);
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
      checkVersion(snapshot);
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

  /**
   * Fails once the READY line shows that the process loaded another libtoxcore than {@link
   * #toxcore()} (e.g. the system's 0.2.18 instead of a prefix's 0.2.20).
   */
  private void checkVersion(List<String> snapshot) {
    if (versionChecked) {
      return;
    }
    for (String line : snapshot) {
      if (line.startsWith("READY ")) {
        Matcher m = VERSION.matcher(line);
        if (!m.find() || !m.group(1).equals(toxcore.version())) {
          throw new AssertionError(
              "tox_peer for " + toxcore + " loaded another libtoxcore: " + line);
        }
        versionChecked = true;
        return;
      }
    }
  }

  /** Its process id. */
  long pid() {
    return process.pid();
  }

  /** The c-toxcore version this peer runs. */
  Toxcore toxcore() {
    return toxcore;
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
