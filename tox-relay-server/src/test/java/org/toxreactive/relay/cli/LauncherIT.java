package org.toxreactive.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher {@code packaging/tox-relay} as an operator (or the systemd unit) runs it: it finds
 * java and this build's jar, the relay listens on a loopback port and writes its pid file, and a
 * SIGTERM to that pid stops it cleanly (exit 0, pid file gone).
 */
class LauncherIT {
  private static final Path LAUNCHER = Path.of("..", "packaging", "tox-relay").toAbsolutePath();
  private static final Pattern LISTENING =
      Pattern.compile("tox-relay listening tcp=127\\.0\\.0\\.1:(\\d+) udp=(\\d+)");
  private static final String END = "\0end";

  @TempDir Path dir;

  /** Starts the launcher; every output line (stdout and stderr) goes into {@code lines}. */
  private Process start(BlockingQueue<String> lines, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (java.io.IOException e) {
                lines.add("[read failed: " + e + "]");
              }
              lines.add(END);
            },
            "launcher-output");
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  /** The next line matching {@code pattern} within 60 s, or null if the output ended first. */
  private static Matcher await(BlockingQueue<String> lines, Pattern pattern, StringBuilder seen)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (line == null || line.equals(END)) {
        return null;
      }
      seen.append(line).append('\n');
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        return m;
      }
    }
    return null;
  }

  @Test
  void theLauncherRunsTheRelayWithAPidFileAndItStopsOnSigtermToThatPid() throws Exception {
    assertThat(LAUNCHER).isExecutable();
    Path state = Files.createDirectories(dir.resolve("state"));
    Path pidFile = dir.resolve("tox-relay.pid");
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Process p =
        start(
            lines,
            "--state-dir",
            state.toString(),
            "--pid-file",
            pidFile.toString(),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--udp-port",
            "0");
    try {
      StringBuilder seen = new StringBuilder();
      Matcher m = await(lines, LISTENING, seen);
      assertThat(m).as("no listening line in:\n%s", seen).isNotNull();
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)))) {
        assertThat(s.isConnected()).isTrue();
      }
      long pid = Long.parseLong(Files.readString(pidFile).strip());
      assertThat(pid).as("the launcher execs java: one process").isEqualTo(p.pid());
      assertThat(state.resolve("tox-relay.keys")).hasSize(64);

      ProcessHandle relay = ProcessHandle.of(pid).orElseThrow();
      assertThat(relay.destroy()).isTrue(); // SIGTERM to the pid in the file
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      Matcher stopped =
          await(
              lines,
              Pattern.compile("tox-relay stopped uptime_s=\\d+ .*connections_served=1"),
              seen);
      assertThat(stopped).as("no stop summary in:\n%s", seen).isNotNull();
      assertThat(pidFile).doesNotExist();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aMissingStateDirIsOneLineAndExitCode4() throws Exception {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Process p = start(lines, "--state-dir", dir.resolve("missing").toString());
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(RelayMain.FILES);
      StringBuilder seen = new StringBuilder();
      assertThat(
              await(
                  lines,
                  Pattern.compile("^tox-relay: state dir .*missing: no such directory"),
                  seen))
          .as(seen.toString())
          .isNotNull();
      assertThat(seen.toString().strip()).doesNotContain("\n");
    } finally {
      p.destroyForcibly();
    }
  }
}
