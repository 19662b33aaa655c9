package org.toxreactive.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;

/**
 * {@code tox-bootstrapd} of one {@link Toxcore} version (Debian's 0.2.18, or a prefix's build) on
 * loopback, for interop tests. A prefixed daemon runs with its prefix's {@code LD_LIBRARY_PATH},
 * and on Linux the fixture checks in {@code /proc/<pid>/maps} that it mapped that prefix's
 * libtoxcore (the system's is the same soname).
 *
 * <pre>{@code
 * try (ToxBootstrapd a = ToxBootstrapd.start(toxcore);
 *     ToxBootstrapd b = ToxBootstrapd.start(toxcore, List.of(a))) {
 *   b.awaitLog(ToxBootstrapd.CONNECTED_TO_BOOTSTRAP_NODE, Duration.ofSeconds(15));
 *   RelayAddress relay = RelayAddress.of("127.0.0.1", a.tcpPort(), a.publicKey());
 * }
 * }</pre>
 *
 * <p>Each instance gets a fresh temp directory holding its config and keys file, a UDP (DHT) port
 * and one TCP relay port, both picked free. It runs in the foreground with its log on stdout
 * (stderr merged), which a daemon thread copies to {@link #logFile()} (under {@code
 * target/interop-logs}, kept after the test) and to an in-memory buffer ({@link #log()}).
 *
 * <p>{@link #start} returns once the process is ready: the keys file holds 64 bytes whose public
 * key matches its secret key, the TCP relay port accepts connections and - on Linux, read from
 * {@code /proc/<pid>/fd} and {@code /proc/<pid>/net/{tcp,udp}} - the daemon itself holds the TCP
 * listening socket and the configured UDP port. Observed behaviour of 0.2.18 that this guards
 * against:
 *
 * <ul>
 *   <li>If the UDP port is taken, the daemon silently binds the next free port (up to 100 higher)
 *       and its log does not say so. The fixture then stops it and retries with fresh ports, so
 *       {@link #udpPort()} is always the port it really holds.
 *   <li>If the only TCP relay port is taken it logs {@code Couldn't initialize Tox TCP server.
 *       Exiting.} and exits with status 1 (a port-stealing race; retried as well). Until it exits,
 *       a probe connect may reach the other listener, hence the ownership check.
 *   <li>It listens on 0.0.0.0 (no bind-address option) and logs {@code Public Key: <64 upper-case
 *       hex>} once it has read its config, its keys and its bootstrap nodes; startup takes well
 *       under 100 ms. A daemon bootstrapped from another logs {@link #CONNECTED_TO_BOOTSTRAP_NODE}
 *       about 2 s later. SIGTERM makes it log {@code Received SIGTERM (15) signal. Exiting.} and
 *       exit 0.
 * </ul>
 *
 * <p>{@link #close()} stops the process by PID (SIGTERM, then SIGKILL after a bounded wait) and
 * deletes the temp directory; a JVM shutdown hook kills it if a test never gets there.
 */
public final class ToxBootstrapd implements AutoCloseable {
  /** Logged by a daemon once it has a DHT connection to one of its {@code bootstrap_nodes}. */
  public static final String CONNECTED_TO_BOOTSTRAP_NODE =
      "Connected to another bootstrap node successfully.";

  /** Logged when the TCP relay port cannot be bound; the daemon then exits with status 1. */
  static final String TCP_INIT_FAILED = "Couldn't initialize Tox TCP server";

  /** The message of the day this fixture configures. */
  public static final String MOTD = "tox-reactive-test";

  private static final String COMMAND = "tox-bootstrapd";

  private final Toxcore toxcore;
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(20);
  private static final int MAX_ATTEMPTS = 4;
  private static final Pattern PUBLIC_KEY_LINE = Pattern.compile("Public Key: ([0-9A-Fa-f]{64})");

  private final Process process;
  private final Path dir;
  private final Path logFile;
  private final int udpPort;
  private final int tcpPort;
  private final StringBuilder log = new StringBuilder();
  private final Thread drainer;
  private PublicKey publicKey;
  private boolean closed;

  private ToxBootstrapd(
      Toxcore toxcore, Process process, Path dir, Path logFile, int udpPort, int tcpPort) {
    this.toxcore = toxcore;
    this.process = process;
    this.dir = dir;
    this.logFile = logFile;
    this.udpPort = udpPort;
    this.tcpPort = tcpPort;
    this.drainer = new Thread(this::drain, "tox-bootstrapd-" + process.pid() + "-log");
    this.drainer.setDaemon(true);
  }

  /** Starts a daemon of {@code toxcore} that bootstraps from nobody. */
  public static ToxBootstrapd start(Toxcore toxcore) {
    return start(toxcore, List.of());
  }

  /**
   * Starts a daemon of {@code toxcore} whose {@code bootstrap_nodes} are the given (running)
   * daemons, all on 127.0.0.1. Skips the test (fails it in CI) if that version is not installed.
   */
  public static ToxBootstrapd start(Toxcore toxcore, List<ToxBootstrapd> bootstrapFrom) {
    return startFrom(
        toxcore,
        bootstrapFrom.stream()
            .map(d -> new Node("127.0.0.1", d.udpPort(), d.publicKeyHex()))
            .toList());
  }

  /** A DHT node for {@code bootstrap_nodes}: address, UDP port, public key in hex. */
  public record Node(String address, int port, String publicKeyHex) {}

  /**
   * Starts a daemon of {@code toxcore} whose {@code bootstrap_nodes} are {@code nodes} (any DHT
   * nodes, ours included). Skips the test (fails it in CI) if that version is not installed.
   */
  public static ToxBootstrapd startFrom(Toxcore toxcore, List<Node> bootstrapFrom) {
    toxcore.require();
    List<String> conflicts = new ArrayList<>();
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      int udp = Interop.freePort();
      int tcp = Interop.freePort();
      if (tcp == udp) {
        continue;
      }
      try {
        return launch(toxcore, udp, tcp, bootstrapFrom);
      } catch (PortConflictException e) {
        conflicts.add("attempt " + attempt + ": " + e.getMessage());
      }
    }
    throw new IllegalStateException(
        "tox-bootstrapd could not get its ports in "
            + MAX_ATTEMPTS
            + " attempts:\n"
            + String.join("\n", conflicts));
  }

  private static ToxBootstrapd launch(Toxcore toxcore, int udp, int tcp, List<Node> bootstrapFrom)
      throws PortConflictException {
    Path dir;
    Path logFile;
    try {
      dir = Files.createTempDirectory("tox-bootstrapd-");
      logFile =
          Files.createTempFile(
              Interop.logDir(), "tox-bootstrapd-" + toxcore.version() + "-" + tcp + "-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path config = dir.resolve("tox-bootstrapd.conf");
    Path keys = dir.resolve("keys");
    try {
      Files.writeString(
          config, config(udp, tcp, keys, dir.resolve("tox-bootstrapd.pid"), bootstrapFrom));
    } catch (IOException e) {
      Interop.deleteRecursively(dir);
      throw new UncheckedIOException(e);
    }

    Process process;
    try {
      process =
          toxcore
              .configure(
                  new ProcessBuilder(
                      toxcore.bootstrapd().toString(),
                      "--config=" + config,
                      "--foreground",
                      "--log-backend=stdout"))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
    } catch (IOException e) {
      Interop.deleteRecursively(dir);
      throw new UncheckedIOException("cannot start " + COMMAND, e);
    }
    Interop.killOnExit(process.toHandle());
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // stdin is unused; nothing to do
    }

    ToxBootstrapd d = new ToxBootstrapd(toxcore, process, dir, logFile, udp, tcp);
    d.drainer.start();
    boolean ok = false;
    try {
      d.awaitReady(keys);
      d.checkLibrary();
      ok = true;
      return d;
    } finally {
      if (!ok) {
        d.close();
      }
    }
  }

  /** The libconfig file; see docs/protocol.md 2.7 and 8.1. */
  static String config(int udp, int tcp, Path keys, Path pidFile, List<Node> bootstrapFrom) {
    StringBuilder c = new StringBuilder();
    c.append("port = ").append(udp).append(";\n");
    c.append("keys_file_path = ").append(quote(keys.toString())).append(";\n");
    c.append("pid_file_path = ").append(quote(pidFile.toString())).append(";\n");
    c.append("enable_ipv6 = false;\n");
    c.append("enable_ipv4_fallback = true;\n");
    c.append("enable_lan_discovery = false;\n");
    c.append("enable_tcp_relay = true;\n");
    c.append("tcp_relay_ports = [").append(tcp).append("];\n");
    c.append("enable_motd = true;\n");
    c.append("motd = ").append(quote(MOTD)).append(";\n");
    if (!bootstrapFrom.isEmpty()) {
      c.append("bootstrap_nodes = (\n");
      for (int i = 0; i < bootstrapFrom.size(); i++) {
        Node node = bootstrapFrom.get(i);
        c.append("  { address = ")
            .append(quote(node.address()))
            .append("; port = ")
            .append(node.port())
            .append("; public_key = \"")
            .append(node.publicKeyHex())
            .append("\"; }")
            .append(i + 1 < bootstrapFrom.size() ? ",\n" : "\n");
      }
      c.append(");\n");
    }
    return c.toString();
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private void awaitReady(Path keysFile) throws PortConflictException {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (true) {
      if (!process.isAlive()) {
        joinDrainer();
        String out = log();
        if (out.contains(TCP_INIT_FAILED)) {
          throw new PortConflictException("TCP relay port " + tcpPort + " was taken:\n" + out);
        }
        throw new IllegalStateException(
            COMMAND
                + " exited with status "
                + process.exitValue()
                + " before it was ready:\n"
                + out);
      }
      Optional<KeyPair> keys = readKeys(keysFile);
      if (keys.isPresent() && holdsItsPorts() && acceptsTcp()) {
        publicKey = keys.get().publicKey();
        Matcher m = PUBLIC_KEY_LINE.matcher(log());
        if (m.find() && !m.group(1).equalsIgnoreCase(publicKey.toHex())) {
          throw new IllegalStateException(
              "keys file public key "
                  + publicKey.toHex()
                  + " differs from the logged one "
                  + m.group(1));
        }
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            COMMAND
                + " not ready after "
                + STARTUP_TIMEOUT.toMillis()
                + " ms (keys file present: "
                + keys.isPresent()
                + ", udp "
                + udpPort
                + ", tcp "
                + tcpPort
                + "):\n"
                + log());
      }
      pollPause();
    }
  }

  /**
   * For a prefixed version: the daemon must have mapped its prefix's libtoxcore, not the system's
   * (both are {@code libtoxcore.so.2}). Skipped where {@code /proc} cannot be read.
   */
  private void checkLibrary() {
    if (toxcore.prefix() == null) {
      return;
    }
    Path maps = Path.of("/proc", Long.toString(process.pid()), "maps");
    String text;
    try {
      text = Files.readString(maps, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return;
    }
    String lib = toxcore.prefix().resolve("lib").toString() + "/libtoxcore.so";
    if (!text.contains(lib)) {
      throw new IllegalStateException(
          COMMAND
              + " of "
              + toxcore
              + " did not load "
              + lib
              + "* (libtoxcore mappings: "
              + text.lines().filter(l -> l.contains("libtoxcore")).toList()
              + ")");
    }
  }

  /** The c-toxcore version this daemon runs. */
  public Toxcore toxcore() {
    return toxcore;
  }

  private static void pollPause() {
    try {
      Thread.sleep(POLL_INTERVAL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + COMMAND, e);
    }
  }

  /** The keys file once it is complete and consistent (public key derived from the secret key). */
  private static Optional<KeyPair> readKeys(Path keysFile) {
    try {
      byte[] content = Files.readAllBytes(keysFile);
      if (content.length != 64) {
        return Optional.empty();
      }
      return Optional.of(KeyPair.fromKeysFile(content));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // still being written
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Checks with /proc that this process holds the TCP listener and the configured UDP port. Throws
   * {@link PortConflictException} if it bound a different UDP port. Returns true when /proc is
   * unavailable (the TCP probe then stands alone).
   */
  private boolean holdsItsPorts() throws PortConflictException {
    Optional<Set<Integer>> udp = ownedPorts(process.pid(), "udp", "07");
    Optional<Set<Integer>> tcp = ownedPorts(process.pid(), "tcp", "0A");
    if (udp.isEmpty() || tcp.isEmpty()) {
      return true;
    }
    Set<Integer> udpPorts = udp.get();
    if (!udpPorts.isEmpty() && !udpPorts.contains(udpPort)) {
      throw new PortConflictException(
          "UDP port " + udpPort + " was taken; tox-bootstrapd silently bound " + udpPorts);
    }
    return udpPorts.contains(udpPort) && tcp.get().contains(tcpPort);
  }

  /**
   * Local ports of {@code pid}'s sockets of one kind ({@code tcp} or {@code udp}, IPv4 and IPv6) in
   * the given /proc state ({@code 0A} = TCP LISTEN, {@code 07} = UDP unconnected), matched through
   * the socket inodes of {@code /proc/<pid>/fd}. Empty if /proc cannot be read.
   */
  static Optional<Set<Integer>> ownedPorts(long pid, String kind, String state) {
    Path proc = Path.of("/proc", Long.toString(pid));
    if (!Files.isDirectory(proc.resolve("fd"))) {
      return Optional.empty();
    }
    Set<String> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // fd closed meanwhile
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    Set<Integer> ports = new HashSet<>();
    for (String table : List.of(kind, kind + "6")) {
      List<String> lines;
      try {
        lines = Files.readAllLines(proc.resolve("net").resolve(table));
      } catch (NoSuchFileException e) {
        continue;
      } catch (IOException e) {
        return Optional.empty();
      }
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[3].equalsIgnoreCase(state) && inodes.contains(f[9])) {
          String local = f[1];
          ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16));
        }
      }
    }
    return Optional.of(ports);
  }

  private boolean acceptsTcp() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcpPort), 500);
      return s.isConnected();
    } catch (IOException e) {
      return false;
    }
  }

  /** Copies the daemon's output to the log buffer and file until EOF (its exit). */
  private void drain() {
    Writer file = null;
    try {
      file = Files.newBufferedWriter(logFile, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      append("[fixture: cannot write " + logFile + ": " + e + "]");
    }
    try (InputStream in = process.getInputStream();
        BufferedReader r =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1))) {
      String line;
      while ((line = r.readLine()) != null) {
        append(line);
        if (file != null) {
          try {
            file.write(line);
            file.write('\n');
            file.flush();
          } catch (IOException e) {
            file = null; // keep draining into memory so the daemon never blocks on a full pipe
          }
        }
      }
    } catch (IOException e) {
      append("[fixture: log drain failed: " + e + "]");
    } finally {
      if (file != null) {
        try {
          file.close();
        } catch (IOException e) {
          // best effort
        }
      }
    }
  }

  private void append(String line) {
    synchronized (log) {
      log.append(line).append('\n');
      log.notifyAll();
    }
  }

  private void joinDrainer() {
    try {
      drainer.join(STOP_GRACE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until the log contains {@code text}, for at most {@code timeout}.
   *
   * @throws AssertionError with the log so far if it does not appear in time
   */
  public void awaitLog(String text, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (log) {
      while (log.indexOf(text) < 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              COMMAND + " did not log '" + text + "' within " + timeout + ":\n" + log);
        }
        try {
          log.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted waiting for '" + text + "'", e);
        }
      }
    }
  }

  /** The relay's (and DHT node's) long-term public key. */
  public PublicKey publicKey() {
    return publicKey;
  }

  /** The public key as 64 upper-case hex digits, as tox-bootstrapd logs it. */
  public String publicKeyHex() {
    return publicKey.toHex().toUpperCase(Locale.ROOT);
  }

  public byte[] publicKeyBytes() {
    return publicKey.toArray();
  }

  /** The TCP relay port on 127.0.0.1. */
  public int tcpPort() {
    return tcpPort;
  }

  /** The UDP (DHT) port it really holds on 127.0.0.1 (verified through /proc on Linux). */
  public int udpPort() {
    return udpPort;
  }

  public InetSocketAddress tcpAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), tcpPort);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Everything it logged so far (stdout and stderr). */
  public String log() {
    synchronized (log) {
      return log.toString();
    }
  }

  /** The log file, kept after {@link #close()}. */
  public Path logFile() {
    return logFile;
  }

  /**
   * Stops the daemon by PID (SIGTERM, then SIGKILL after 5 s) and deletes its temp directory.
   *
   * @throws IllegalStateException if the process survived SIGKILL
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    boolean ended = Interop.terminate(process.toHandle(), STOP_GRACE);
    joinDrainer();
    Interop.deleteRecursively(dir);
    if (!ended) {
      throw new IllegalStateException(COMMAND + " pid " + process.pid() + " did not exit");
    }
  }

  @Override
  public String toString() {
    return "ToxBootstrapd["
        + toxcore
        + ", pid="
        + process.pid()
        + ", udp="
        + udpPort
        + ", tcp="
        + tcpPort
        + ", key="
        + (publicKey == null ? "?" : publicKeyHex())
        + "]";
  }

  /** The daemon lost a port race; {@link #start} retries with fresh ports. */
  private static final class PortConflictException extends Exception {
    PortConflictException(String message) {
      super(message);
    }
  }
}
