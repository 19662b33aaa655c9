package org.toxreactive.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.toxreactive.relay.RunningRelay;

/**
 * The C load generator ({@code tox-benchmarks/c/relay_load.c}) against our relay in this JVM: a
 * 1-second throughput and handshakes run each, checked for the RESULT keys compare.sh reads.
 *
 * <p>The binary is built here (gcc + pkg-config libsodium, into {@code target/relay_load}) when it
 * is missing or older than its source. Without gcc, pkg-config or libsodium the test is skipped, or
 * fails with {@code -Dtox.interop.required=true} (CI).
 */
@Timeout(60)
class RelayLoadCTest {
  private static final String REQUIRED_PROPERTY = "tox.interop.required";
  private static final Path SOURCE = Path.of("c", "relay_load.c");
  private static final Path BINARY = Path.of("target", "relay_load");
  private static final Path CEILING_SOURCE = Path.of("c", "relay_ceiling.c");
  private static final Path CEILING_BINARY = Path.of("target", "relay_ceiling");
  private static final Path UDP_CEILING_SOURCE = Path.of("c", "udp_ceiling.c");
  private static final Path UDP_CEILING_BINARY = Path.of("target", "udp_ceiling");

  private static Path binary;
  private static RunningRelay relay;
  private static String relayArg;

  private record Run(int exitCode, String output) {
    Map<String, String> result() {
      return ResultLine.parse(output);
    }
  }

  @BeforeAll
  static void buildAndStart() throws Exception {
    binary = buildBinary(SOURCE, BINARY);
    relay = LoadTarget.startInProcess();
    relayArg = "127.0.0.1:" + relay.port() + ":" + relay.publicKey().toHex();
  }

  @AfterAll
  static void stop() {
    if (relay != null) {
      relay.disposeNow(Duration.ofSeconds(5));
    }
  }

  @Test
  void throughputDeliversThroughOurRelay() throws Exception {
    Run r =
        run("throughput", "--relay", relayArg, "--pairs", "2", "--seconds", "1", "--warmup", "0.2");
    assertThat(r.exitCode()).as(r.output()).isZero();
    Map<String, String> m = r.result();
    assertThat(m)
        .as(r.output())
        .containsKeys(
            "mb_per_s",
            "packets_per_s",
            "sent",
            "delivered",
            "lost",
            "links_lost",
            "pairs",
            "size",
            "seconds",
            "relay_cpu_us_per_packet")
        .containsEntry("mode", "throughput")
        .containsEntry("links_lost", "0")
        .containsEntry("pairs", "2")
        .containsEntry("size", "1400");
    assertThat(Long.parseLong(m.get("delivered"))).as(r.output()).isPositive();
    assertThat(Double.parseDouble(m.get("mb_per_s"))).as(r.output()).isPositive();
    // our relay drops nothing at this load, and the generator waits 200 ms for stragglers
    assertThat(Long.parseLong(m.get("lost"))).as(r.output()).isZero();
  }

  @Test
  void handshakesCompleteAgainstOurRelay() throws Exception {
    Run r =
        run(
            "handshakes",
            "--relay",
            relayArg,
            "--concurrency",
            "4",
            "--seconds",
            "1",
            "--warmup",
            // the relay is a cold JVM here (and Netty's paranoid leak detection is on in tests):
            // its first handshakes take a while
            "1.5");
    assertThat(r.exitCode()).as(r.output()).isZero();
    Map<String, String> m = r.result();
    assertThat(m)
        .as(r.output())
        .containsKeys("per_s", "completed", "failed", "concurrency", "relay_cpu_us_per_handshake")
        .containsEntry("mode", "handshakes")
        .containsEntry("failed", "0");
    assertThat(Long.parseLong(m.get("completed"))).as(r.output()).isPositive();
  }

  /**
   * The C ceiling relay ({@code c/relay_ceiling.c}, providers.sh's yardstick) speaks the relay
   * protocol: the generator's pairs route through it, every packet arrives, handshakes complete
   * (ping answered), and it refuses bad arguments.
   */
  @Test
  void theCeilingRelayForwardsAndHandshakes() throws Exception {
    Path ceiling = buildBinary(CEILING_SOURCE, CEILING_BINARY);
    Process bad = new ProcessBuilder(ceiling.toString(), "--port", "x70000").start();
    try {
      assertThat(bad.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(bad.exitValue()).isEqualTo(2);
      assertThat(new String(bad.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
          .hasLineCount(1)
          .contains("--port");
    } finally {
      bad.destroyForcibly();
    }
    Process p = new ProcessBuilder(ceiling.toString(), "--seconds", "40").start();
    try {
      String line =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
      assertThat(line).matches("RELAY 127\\.0\\.0\\.1:\\d+:[0-9A-F]{64}");
      String addr = line.substring("RELAY ".length());
      Run t =
          run("throughput", "--relay", addr, "--pairs", "2", "--seconds", "1", "--warmup", "0.2");
      assertThat(t.exitCode()).as(t.output()).isZero();
      assertThat(Long.parseLong(t.result().get("delivered"))).as(t.output()).isPositive();
      assertThat(t.result()).as(t.output()).containsEntry("lost", "0");
      Run h = run("handshakes", "--relay", addr, "--concurrency", "4", "--seconds", "1");
      assertThat(h.exitCode()).as(h.output()).isZero();
      assertThat(h.result()).as(h.output()).containsEntry("failed", "0");
      assertThat(Long.parseLong(h.result().get("completed"))).as(h.output()).isPositive();
    } finally {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  /**
   * The C UDP ceiling ({@code c/udp_ceiling.c}, providers.sh's net_crypto yardstick) moves every
   * byte it was asked to, in order, and prints the RESULT keys providers.sh reads; bad arguments
   * are one line and exit 2.
   */
  @Test
  void theUdpCeilingTransfersEveryByteAndRefusesBadArguments() throws Exception {
    Path ceiling = buildBinary(UDP_CEILING_SOURCE, UDP_CEILING_BINARY, "-pthread");
    for (List<String> badArgs :
        List.of(List.of("--mb", "x"), List.of("--size", "10"), List.of("--bogus", "1"))) {
      List<String> cmd = new ArrayList<>(List.of(ceiling.toString()));
      cmd.addAll(badArgs);
      Run bad = runProcess(cmd);
      assertThat(bad.exitCode()).as(bad.output()).isEqualTo(2);
      assertThat(bad.output()).hasLineCount(1).contains(badArgs.get(0));
    }
    Run r = runProcess(List.of(ceiling.toString(), "--mb", "5", "--seconds", "15"));
    assertThat(r.exitCode()).as(r.output()).isZero();
    Map<String, String> m = r.result();
    assertThat(m)
        .as(r.output())
        .containsKeys("mbps", "seconds", "resent", "peak_mbps", "first_second_mbps")
        // 5 MB in 1,373-byte payloads (1,400-byte datagrams), every one delivered in order
        .containsEntry("packets", String.valueOf((5_000_000 + 1372) / 1373))
        .containsEntry("bytes", String.valueOf((5_000_000 + 1372) / 1373 * 1373L));
    assertThat(Double.parseDouble(m.get("mbps"))).as(r.output()).isPositive();
  }

  @Test
  void helpAndUsageErrors() throws Exception {
    Run help = run("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.output()).contains("Usage: relay_load MODE", "RESULT mode=throughput");
    assertThat(run("throughput").exitCode()).as("no --relay").isEqualTo(2);
    assertThat(run("throughput", "--relay", relayArg, "--pairs", "0").exitCode()).isEqualTo(2);
    assertThat(run("bogus", "--relay", relayArg).exitCode()).isEqualTo(2);
  }

  /** Runs the binary (bounded: 20 s) and returns its exit code and output. */
  private static Run run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(binary.toString());
    cmd.addAll(List.of(args));
    return runProcess(cmd);
  }

  /** Runs a command (bounded: 20 s) and returns its exit code and output. */
  private static Run runProcess(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        throw new AssertionError(String.join(" ", cmd) + " did not finish");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Run(p.exitValue(), out);
    } finally {
      p.destroyForcibly();
    }
  }

  /**
   * {@code binary} (target/...), built when missing or older than {@code source} (c/...), with
   * {@code extraFlags} for gcc.
   */
  private static Path buildBinary(Path source, Path binary, String... extraFlags)
      throws IOException, InterruptedException {
    if (!Files.isRegularFile(source)) {
      Assertions.fail("source not found: " + source.toAbsolutePath());
    }
    if (Files.isExecutable(binary)
        && Files.getLastModifiedTime(binary).compareTo(Files.getLastModifiedTime(source)) >= 0) {
      return binary.toAbsolutePath();
    }
    String flags = exec("pkg-config", "--cflags", "--libs", "libsodium");
    if (flags == null) {
      unavailable("pkg-config cannot find libsodium");
    }
    Files.createDirectories(binary.getParent());
    // build next to the target and rename, so that a concurrent compare.sh never runs half a file
    Path tmp = Files.createTempFile(binary.getParent(), binary.getFileName().toString(), ".tmp");
    List<String> cmd = new ArrayList<>(List.of("gcc", "-std=c11", "-O2", "-Wall"));
    cmd.addAll(List.of(extraFlags));
    cmd.add("-o");
    cmd.add(tmp.toString());
    cmd.add(source.toString());
    cmd.addAll(Arrays.asList(flags.trim().split("\\s+")));
    String out = exec(cmd.toArray(String[]::new));
    if (out == null) {
      Files.deleteIfExists(tmp);
      unavailable("gcc could not build " + source);
    }
    Files.move(tmp, binary, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return binary.toAbsolutePath();
  }

  /** Output of a command that exited 0, or null (not found, failed, or took over 60 s). */
  private static String exec(String... cmd) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        System.err.println(String.join(" ", cmd) + ":\n" + new String(out, StandardCharsets.UTF_8));
        return null;
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null; // not on PATH
    }
  }

  /** Fails when tox.interop.required=true, otherwise skips. Never returns normally. */
  private static void unavailable(String what) {
    String msg =
        "relay_load prerequisite missing: "
            + what
            + " (Debian: apt-get install gcc pkg-config libsodium-dev)";
    if (Boolean.getBoolean(REQUIRED_PROPERTY)) {
      Assertions.fail(msg + "; -D" + REQUIRED_PROPERTY + "=true");
    }
    Assumptions.abort(msg + "; skipping (set -D" + REQUIRED_PROPERTY + "=true to fail instead)");
  }
}
