package org.toxreactive.interop;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;

/**
 * Our relay server as a separate process ({@code java -jar tox-relay-server.jar}, the shaded jar
 * the reactor built in {@code ../tox-relay-server/target}), on 127.0.0.1, an ephemeral TCP port, no
 * UDP bridge, with the given keys. A test can kill it like a crashed server ({@link #kill()}:
 * SIGKILL, the JVM runs no shutdown code, the kernel closes its sockets). Its output goes to {@code
 * target/interop-logs}.
 */
final class RelayProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("tox-relay listening tcp=127\\.0\\.0\\.1:(\\d+)");
  private static final Duration STARTUP = Duration.ofSeconds(60);

  /** Marks the end of the relay's output in the start-up queue (no output line holds a NUL). */
  private static final String END = "\0end of output";

  private final Process process;
  private final Path dir;
  private final KeyPair keys;
  private final List<String> lines;
  private final int port;

  private RelayProcess(Process process, Path dir, KeyPair keys, List<String> lines, int port) {
    this.process = process;
    this.dir = dir;
    this.keys = keys;
    this.lines = lines;
    this.port = port;
  }

  /** The shaded relay jar of this build; fails if the reactor has not packaged it. */
  static Path jar() {
    Path jar = Path.of("..", "tox-relay-server", "target", "tox-relay-server.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: build with -am (mvn -pl tox-interop -am verify) so it is packaged");
    }
    return jar.normalize();
  }

  /** Starts a relay with {@code keys} and waits (bounded) until it prints its port. */
  static RelayProcess start(String name, KeyPair keys) {
    return start(name, keys, 0);
  }

  /**
   * Starts a relay with {@code keys} on TCP {@code port} (0: an ephemeral one; a relay that was
   * killed comes back on its old port this way) and waits (bounded) until it prints its port.
   */
  static RelayProcess start(String name, KeyPair keys, int port) {
    return start(name, keys, port, false);
  }

  /**
   * Starts a relay with {@code keys} on an ephemeral TCP port with its onion/forwarding bridge on
   * an ephemeral UDP port, so that TCP-only clients reach the DHT (onion) through it.
   */
  static RelayProcess startBridged(String name, KeyPair keys) {
    return start(name, keys, 0, true);
  }

  /** {@link #startBridged}, with more command-line options for the relay (e.g. its JVM's). */
  static RelayProcess startBridged(
      String name, KeyPair keys, List<String> jvmOptions, List<String> options) {
    return start(name, keys, 0, true, jvmOptions, options);
  }

  private static RelayProcess start(String name, KeyPair keys, int port, boolean bridge) {
    return start(
        name, keys, port, bridge, List.of("-Xmx64m", "-XX:TieredStopAtLevel=1"), List.of());
  }

  private static RelayProcess start(
      String name,
      KeyPair keys,
      int port,
      boolean bridge,
      List<String> jvmOptions,
      List<String> options) {
    Path dir;
    try {
      dir = Files.createTempDirectory("tox-relay-" + name + "-");
      Files.write(dir.resolve("keys"), keys.toKeysFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = Interop.logDir().resolve("tox-relay-" + name + "-" + System.nanoTime() + ".log");
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(java);
    cmd.addAll(jvmOptions);
    cmd.addAll(
        List.of(
            "-jar",
            jar().toString(),
            "--host",
            "127.0.0.1",
            "--port",
            String.valueOf(port),
            "--udp-port",
            bridge ? "0" : "-1",
            "--keys",
            dir.resolve("keys").toString()));
    cmd.addAll(options);
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      Interop.deleteRecursively(dir);
      throw new UncheckedIOException(e);
    }
    Interop.killOnExit(p.toHandle());
    List<String> lines = new CopyOnWriteArrayList<>();
    // every line also goes here, and END when the output ends: the start-up wait blocks on it
    BlockingQueue<String> arrivals = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                      new BufferedReader(
                          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                  var w = Files.newBufferedWriter(log)) {
                for (String line; (line = r.readLine()) != null; ) {
                  lines.add(line);
                  arrivals.add(line);
                  w.write(line);
                  w.newLine();
                  w.flush();
                }
              } catch (IOException e) {
                // process ended
              } finally {
                arrivals.add(END);
              }
            },
            "tox-relay-" + name);
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + STARTUP.toNanos();
    try {
      for (String line;
          (line = arrivals.poll(deadline - System.nanoTime(), NANOSECONDS)) != null
              && !END.equals(line); ) {
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          String keyLine = "tox-relay public_key=" + keys.publicKey().toHex();
          if (!lines.contains(keyLine)) {
            Interop.terminate(p.toHandle(), Duration.ofSeconds(5));
            throw new IllegalStateException("relay did not use our keys: " + lines);
          }
          return new RelayProcess(p, dir, keys, lines, Integer.parseInt(m.group(1)));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Interop.terminate(p.toHandle(), Duration.ofSeconds(5));
    Interop.deleteRecursively(dir);
    throw new IllegalStateException(
        "relay " + name + " did not start in " + STARTUP + ": " + lines);
  }

  int port() {
    return port;
  }

  PublicKey publicKey() {
    return keys.publicKey();
  }

  long pid() {
    return process.pid();
  }

  /** {@code 127.0.0.1:PORT:KEY}, as tox_peer's {@code --tcp-relay} and chat's {@code --relay}. */
  String spec() {
    return "127.0.0.1:" + port + ":" + keys.publicKey().toHex();
  }

  /** SIGKILL by PID and waits (bounded) for the process to end: a crash, no goodbye. */
  void kill() {
    process.toHandle().destroyForcibly();
    try {
      process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("relay pid " + process.pid() + " survived SIGKILL", e);
    }
  }

  /** Its output so far. */
  List<String> lines() {
    return List.copyOf(lines);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    Interop.terminate(process.toHandle(), Duration.ofSeconds(5));
    Interop.deleteRecursively(dir);
  }
}
