package org.toxreactive.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every relay case of issue 16 through the real command path ({@link RelayMain#run}, what {@code
 * main} runs before it waits for a signal): the exit code, and the one line on stderr naming the
 * option or field, the bad value and what is allowed. Nothing may start: a relay that started would
 * make the exit code 0.
 */
class RelayMainErrorsTest {
  private static Path dir;
  private static ServerSocket busyTcp;
  private static DatagramSocket busyUdp;

  @BeforeAll
  static void setUp() throws IOException {
    dir = Files.createTempDirectory("relay-main-errors");
    busyTcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    busyUdp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Files.createDirectories(dir.resolve("keys-dir"));
    Files.writeString(dir.resolve("a-file"), "not a directory");
    Files.write(dir.resolve("short.keys"), new byte[10]);
    Files.writeString(dir.resolve("stale.pid"), "2147483646\n");
    Files.writeString(dir.resolve("live.pid"), ProcessHandle.current().pid() + "\n");
  }

  @AfterAll
  static void tearDown() throws IOException {
    busyTcp.close();
    busyUdp.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** A config file with {@code json}, named after the case. */
  private static String config(String name, String json) {
    Path f = dir.resolve(name + ".json");
    try {
      Files.writeString(f, json);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return f.toString();
  }

  static Stream<Arguments> cases() {
    String udp = String.valueOf(busyUdp.getLocalPort());
    String tcp = String.valueOf(busyTcp.getLocalPort());
    String d = dir.toString();
    return Stream.of(
        // --- the config file: nulls, kinds, structure, syntax (exit 2)
        c(
            2,
            "ports-null.json line 1 column 2: ports must be an array of whole numbers, got null",
            "--config",
            config("ports-null", "{\"ports\": null}")),
        c(
            2,
            "line 1 column 2: limits must be an object (a section), got null",
            "--config",
            config("limits-null", "{\"limits\": null}")),
        c(
            2,
            "line 1 column 2: metrics must be an object (a section), got null",
            "--config",
            config("metrics-null", "{\"metrics\": null}")),
        c(
            2,
            "line 1 column 2: limits must be an object (a section), got 5",
            "--config",
            config("limits-5", "{\"limits\": 5}")),
        c(
            2,
            "line 1: must be a JSON object, e.g. {\"ports\": [33445]}, got an array [1,2]",
            "--config",
            config("array", "[1, 2]")),
        c(
            2,
            "line 1 column 2: udpPort must be a whole number, got \"-1\"",
            "--config",
            config("udp-string", "{\"udpPort\": \"-1\"}")),
        c(
            2,
            "line 1 column 2: udpPort must be a whole number, got -1.9",
            "--config",
            config("udp-float", "{\"udpPort\": -1.9}")),
        c(
            2,
            "line 1 column 12: ports[0] must be a whole number, got \"443\"",
            "--config",
            config("port-string", "{\"ports\": [\"443\"]}")),
        c(
            2,
            "line 1 column 2: forwarding must be true or false, got 1",
            "--config",
            config("forwarding-1", "{\"forwarding\": 1}")),
        c(
            2,
            "line 1 column 2: host must be a string, got 5",
            "--config",
            config("host-5", "{\"host\": 5}")),
        c(
            2,
            "line 1 column 2: udpPort must be a UDP port 0..65535 (0: any free port) or -1 (onion/forwarding bridge off), got 70000",
            "--config",
            config("udp-70000", "{\"udpPort\": 70000}")),
        c(
            2,
            "line 2 column 14: limits.maxConnections must be at least 1, got -3",
            "--config",
            config("limits-negative", "{\n  \"limits\": {\"maxConnections\": -3}\n}")),
        c(
            2,
            "limits.maxBacklogBytes must exceed maxQueuedBytes (262144) by at least one frame (2050), got 262144",
            "--config",
            config("backlog", "{\"limits\": {\"maxBacklogBytes\": 262144}}")),
        c(
            2,
            "line 1 column 2: unknown field \"prots\" (known: stateDir, keysFile,",
            "--config",
            config("typo", "{\"prots\": [4000]}")),
        c(
            2,
            "line 1 column 13: unknown field \"limits.maxConections\" (known in limits: maxConnections,",
            "--config",
            config("typo-nested", "{\"limits\": {\"maxConections\": 1}}")),
        c(
            2,
            "line 3 column 1: Unexpected end-of-input: expected close marker for Object",
            "--config",
            config("truncated", "{\n  \"ports\": [4000]\n")),
        c(
            2,
            "line 1 column 23: Duplicate field 'udpPort'",
            "--config",
            config("duplicate", "{\"udpPort\":1,\"udpPort\":2}")),
        c(2, "empty; a config is a JSON object", "--config", config("empty", "")),
        c(2, "missing.json: no such file", "--config", d + "/missing.json"),
        c(2, "keys-dir: is a directory", "--config", d + "/keys-dir"),
        // --- the command line: the same rules, named by the option (exit 2)
        c(
            2,
            "--udp-port must be a UDP port 0..65535 (0: any free port) or -1 (onion/forwarding bridge off), got 70000",
            "--udp-port",
            "70000"),
        c(
            2,
            "--udp-port must be a UDP port 0..65535 (0: any free port) or -1 (onion/forwarding bridge off), got -5",
            "--udp-port",
            "-5"),
        c(
            2,
            "--prometheus-port must be a TCP port 0..65535 (0: any free port) or -1 (off), got 70000",
            "--prometheus-port",
            "70000"),
        c(
            2,
            "--prometheus-port must be a TCP port 0..65535 (0: any free port) or -1 (off), got -5",
            "--prometheus-port",
            "-5"),
        c(2, "--port must be a TCP port 0..65535 (0: any free port), got 70000", "--port", "70000"),
        c(2, "Invalid value for option '--port' (N): 'abc' is not an int", "--port", "abc"),
        c(2, "Invalid value for option '--udp-port': '1.5' is not an int", "--udp-port", "1.5"),
        c(
            2,
            "--host must be an IP address to listen on (e.g. 0.0.0.0, ::, 127.0.0.1, ::1; IPv6 without brackets) or localhost, got \"[::1]\"",
            "--host",
            "[::1]"),
        c(
            2,
            "--host must be an IP address to listen on (e.g. 0.0.0.0, ::, 127.0.0.1, ::1; IPv6 without brackets) or localhost, got \"relay.example\"",
            "--host",
            "relay.example"),
        c(
            2,
            "line 1 column 14: metrics.prometheusHost must be an IP address to listen on",
            "--config",
            config("prometheus-host", "{\"metrics\": {\"prometheusHost\": \"0.0.0.0.0\"}}")),
        c(
            2,
            "--log-level must be one of error, warn, info, debug, trace, got \"loud\"",
            "--log-level",
            "loud"),
        c(2, "--log-format must be one of text, json, got \"xml\"", "--log-format", "xml"),
        c(2, "Unknown options: '--prot', '1'", "--prot", "1"),
        c(2, "--state-dir must be a non-empty path, got \"\"", "--state-dir", ""),
        // --- state dir, keys file, pid file (exit 4)
        c(4, "state dir " + d + "/nope: no such directory", "--state-dir", d + "/nope"),
        c(4, "state dir " + d + "/a-file: not a directory", "--state-dir", d + "/a-file"),
        c(
            4,
            "keys file " + d + "/typo/relay.keys: directory " + d + "/typo does not exist",
            "--keys",
            d + "/typo/relay.keys"),
        c(
            4,
            "keys file " + d + "/a-file/relay.keys: directory " + d + "/a-file is not a directory",
            "--keys",
            d + "/a-file/relay.keys"),
        c(4, "keys file " + d + "/keys-dir: is a directory", "--keys", d + "/keys-dir"),
        c(4, "keys file " + d + "/short.keys: ", "--keys", d + "/short.keys"),
        c(
            4,
            "pid file "
                + d
                + "/stale.pid: already exists (stale: process 2147483646 is not running; remove the file)",
            "--pid-file",
            d + "/stale.pid"),
        c(
            4,
            "pid file "
                + d
                + "/live.pid: already exists (process "
                + ProcessHandle.current().pid()
                + " is running",
            "--pid-file",
            d + "/live.pid"),
        c(
            4,
            "pid file " + d + "/nope/relay.pid: cannot create: no such file or directory",
            "--pid-file",
            d + "/nope/relay.pid"),
        // --- ports that cannot be bound (exit 3)
        c(
            3,
            "cannot bind UDP 127.0.0.1:"
                + udp
                + " (DHT node and onion/forwarding bridge; udpPort -1 turns them off): Address already in use",
            "--udp-port",
            udp),
        c(
            3,
            "cannot bind any TCP port on 127.0.0.1: " + tcp + " (Address already in use)",
            "--port",
            tcp),
        c(
            3,
            "cannot bind the metrics endpoint TCP 127.0.0.1:"
                + tcp
                + " (metrics.prometheusPort, -1 turns it off): Address already in use",
            "--prometheus-port",
            tcp));
  }

  /** A case: the exit code, a part of the one line expected, and the arguments. */
  private static Arguments c(int code, String message, String... args) {
    return Arguments.of(code, message, List.of(args));
  }

  @ParameterizedTest(name = "[{index}] {2} -> {0}")
  @MethodSource("cases")
  void everyBadValueIsOneLineAndItsExitCode(int code, String message, List<String> given) {
    // defaults for what a case does not set: loopback, free ports, keys in the temp dir
    List<String> args = new ArrayList<>();
    if (!given.contains("--state-dir")) {
      args.addAll(List.of("--state-dir", dir.toString()));
    }
    if (!given.contains("--host")) {
      args.addAll(List.of("--host", "127.0.0.1"));
    }
    if (!given.contains("--port")) {
      args.addAll(List.of("--port", "0"));
    }
    if (!given.contains("--udp-port")) {
      args.addAll(List.of("--udp-port", "-1"));
    }
    if (given.contains("--config")) {
      args.clear(); // the file speaks for itself; the keys go into the temp dir
      args.addAll(List.of("--state-dir", dir.toString()));
    }
    args.addAll(given);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    RelayMain main = new RelayMain();
    int rc = main.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    if (main.relay() != null) {
      main.stop(new PrintWriter(out));
    }
    String line = err.toString();
    assertThat(rc).as(line).isEqualTo(code);
    assertThat(line).endsWith("\n").startsWith("tox-relay: ").contains(message);
    assertThat(line.strip())
        .doesNotContain("\n")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(out.toString()).doesNotContain("listening");
  }
}
