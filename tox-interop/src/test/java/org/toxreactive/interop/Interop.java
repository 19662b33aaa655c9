package org.toxreactive.interop;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Shared helpers for tests that start external programs (tox-bootstrapd, gcc, the libsodium
 * oracle).
 *
 * <p>A missing tool skips the test on a developer machine and fails it in CI, where {@code
 * -Dtox.interop.required=true} is set (the parent pom forwards the property to Surefire).
 *
 * <p>Every process a fixture starts is registered with {@link #killOnExit(ProcessHandle)}: fixtures
 * stop their processes by PID in {@code close()}, and a JVM shutdown hook kills whatever is still
 * registered as a backstop (a crashed or interrupted test run).
 */
final class Interop {
  /** System property that turns "tool missing" from a skip into a failure. */
  static final String REQUIRED_PROPERTY = "tox.interop.required";

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Set<ProcessHandle> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (ProcessHandle p : LIVE) {
                    p.destroyForcibly();
                  }
                },
                "tox-interop-process-reaper"));
  }

  private Interop() {}

  /** True when CI demands that interop tests run instead of skipping. */
  static boolean required() {
    return Boolean.getBoolean(REQUIRED_PROPERTY);
  }

  /**
   * Skips the calling test (or fails it, in CI) unless {@code command} is an executable on {@code
   * PATH}.
   */
  static void requireTool(String command) {
    if (findOnPath(command) == null) {
      unavailable("'" + command + "' is not on PATH");
    }
  }

  /**
   * Reports a missing prerequisite: fails when {@code tox.interop.required=true}, otherwise aborts
   * (skips) the test. Never returns normally.
   */
  static void unavailable(String what) {
    String hint =
        " (Debian: apt-get install toxcore-utils libtoxcore-dev libsodium-dev pkg-config gcc)";
    if (required()) {
      Assertions.fail(
          "interop prerequisite missing: " + what + hint + "; -D" + REQUIRED_PROPERTY + "=true");
    }
    Assumptions.abort(
        "interop prerequisite missing: "
            + what
            + hint
            + "; skipping (set -D"
            + REQUIRED_PROPERTY
            + "=true to fail instead)");
  }

  /** The executable {@code command} resolves to on {@code PATH}, or null. */
  static Path findOnPath(String command) {
    if (command.contains(File.separator)) {
      Path p = Path.of(command);
      return Files.isExecutable(p) ? p : null;
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, command);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * A port that is currently free for both TCP and UDP. The check binds the wildcard address, which
   * fails if anything holds the port on 127.0.0.1 or on 0.0.0.0 (tox-bootstrapd has no bind-address
   * option and listens on 0.0.0.0). Another process may of course take the port before the caller
   * binds it; {@link ToxBootstrapd} detects that and retries with fresh ports.
   */
  static int freePort() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port;
      try (ServerSocket probe = new ServerSocket()) {
        probe.setReuseAddress(false);
        probe.bind(new InetSocketAddress(LOOPBACK, 0));
        port = probe.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot allocate an ephemeral port", e);
      }
      if (tcpFree(port) && udpFree(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no port free for both TCP and UDP after 100 attempts");
  }

  private static boolean tcpFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(port));
      return s.getLocalPort() == port;
    } catch (BindException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean udpFree(int port) {
    try (DatagramSocket s = new DatagramSocket(null)) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(port));
      return s.getLocalPort() == port;
    } catch (BindException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * How many ESTABLISHED TCP connections process {@code pid} holds to {@code remotePort} (IPv4 and
   * IPv6 tables of {@code /proc/<pid>/net}, matched through its socket inodes), or -1 where /proc
   * cannot be read.
   */
  static int establishedTo(long pid, int remotePort) {
    Path proc = Path.of("/proc", Long.toString(pid));
    Set<String> inodes = new java.util.HashSet<>();
    try (var fds = Files.list(proc.resolve("fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (IOException e) {
      return -1;
    }
    int n = 0;
    for (String table : new String[] {"tcp", "tcp6"}) {
      java.util.List<String> lines;
      try {
        lines = Files.readAllLines(proc.resolve("net").resolve(table));
      } catch (IOException e) {
        continue;
      }
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && "01".equals(f[3]) && inodes.contains(f[9])) {
          String remote = f[2];
          if (Integer.parseInt(remote.substring(remote.lastIndexOf(':') + 1), 16) == remotePort) {
            n++;
          }
        }
      }
    }
    return n;
  }

  /** Registers a started process so the JVM shutdown hook kills it if nobody else does. */
  static void killOnExit(ProcessHandle process) {
    LIVE.add(process);
  }

  /**
   * Stops {@code process} by PID: SIGTERM, then SIGKILL if it has not exited within {@code grace},
   * waiting at most {@code grace} again. Unregisters it from the shutdown hook.
   *
   * @return true if the process has ended
   */
  static boolean terminate(ProcessHandle process, Duration grace) {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!awaitExit(process, grace)) {
          process.destroyForcibly();
          awaitExit(process, grace);
        }
      }
      return !process.isAlive();
    } finally {
      if (!process.isAlive()) {
        LIVE.remove(process);
      }
    }
  }

  private static boolean awaitExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /** Deletes a directory tree; missing is fine. */
  static void deleteRecursively(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc)
                throws IOException {
              if (exc != null) {
                throw exc;
              }
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  /**
   * Where test fixtures keep logs of external processes so they survive the test: {@code
   * target/interop-logs} of the module under test (Surefire's working directory), or the system
   * temp directory when there is no {@code target}.
   */
  static Path logDir() {
    Path target = Path.of("target");
    Path dir =
        Files.isDirectory(target)
            ? target.resolve("interop-logs")
            : Path.of(System.getProperty("java.io.tmpdir"));
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }
}
