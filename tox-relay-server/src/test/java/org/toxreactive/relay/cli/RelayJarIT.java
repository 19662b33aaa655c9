package org.toxreactive.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayClient;
import org.toxreactive.transport.tcp.RelayConnection;

/** The shaded jar as an operator runs it: start, print key and ports, serve, stop on SIGTERM. */
class RelayJarIT {
  @TempDir Path dir;

  @Test
  void theJarStartsWithDefaultsPrintsKeyAndPortsAndStopsCleanlyOnSigterm() throws Exception {
    Path jar = Path.of("target", "tox-relay-server.jar").toAbsolutePath();
    assertThat(jar).exists();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-jar",
                jar.toString(),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--udp-port",
                "0")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      // log lines (stderr is merged in) may come first: a WARN when the open-file limit is low
      StringBuilder before = new StringBuilder();
      String keyLine = r.readLine();
      for (int i = 0; i < 20 && keyLine != null && !keyLine.startsWith("tox-relay "); i++) {
        before.append(keyLine).append('\n');
        keyLine = r.readLine();
      }
      // the crypto provider is chosen and logged before anything else
      assertThat(before.toString()).containsPattern("crypto provider: (sodium|java) \\(");
      String portLine = r.readLine();
      assertThat(keyLine).matches("tox-relay public_key=[0-9A-F]{64}");
      Matcher m =
          Pattern.compile("tox-relay listening tcp=127\\.0\\.0\\.1:(\\d+) udp=\\d+")
              .matcher(portLine);
      assertThat(m.find()).as(portLine).isTrue();
      try (Socket s = new Socket("127.0.0.1", Integer.parseInt(m.group(1)))) {
        assertThat(s.isConnected()).isTrue();
      }
      assertThat(Files.size(dir.resolve("tox-relay.keys"))).isEqualTo(64);
      p.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of stdout)
      StringBuilder rest = new StringBuilder();
      for (String line; (line = r.readLine()) != null; ) { // until the process closes stdout
        rest.append(line).append('\n');
      }
      assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      assertThat(rest.toString())
          .containsPattern(
              "tox-relay stopped uptime_s=\\d+ peak_clients=0 connections_served=1 kills=0");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aBadCryptoProviderPropertyIsOneLineAndExitCode2() throws Exception {
    Path jar = Path.of("target", "tox-relay-server.jar").toAbsolutePath();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(java, "-Dtox.crypto=openssl", "-jar", jar.toString(), "--port", "0")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(2);
      assertThat(out)
          .isEqualTo(
              "tox-relay: tox.crypto must be one of auto, sodium, sodium-ffm, java; got 'openssl'\n");
      assertThat(dir.resolve("tox-relay.keys")).doesNotExist();
    } finally {
      p.destroyForcibly();
    }
  }

  /**
   * The pure-Java crypto fallback from the runnable jar, whose Bouncy Castle is cut to the packages
   * our code uses (tox-relay-server/pom.xml): a client's handshake and a ping exercise X25519,
   * Salsa20 and Poly1305 on the relay's side.
   */
  @Test
  void theJavaCryptoFallbackServesAClientFromTheJar() throws Exception {
    Path jar = Path.of("target", "tox-relay-server.jar").toAbsolutePath();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-Dtox.crypto=java",
                "-jar",
                jar.toString(),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--udp-port",
                "0")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder before = new StringBuilder();
      String keyLine = r.readLine();
      for (int i = 0; i < 20 && keyLine != null && !keyLine.startsWith("tox-relay "); i++) {
        before.append(keyLine).append('\n');
        keyLine = r.readLine();
      }
      assertThat(before.toString()).contains("crypto provider: java (");
      assertThat(keyLine).as(before.toString()).matches("tox-relay public_key=[0-9A-F]{64}");
      Matcher m =
          Pattern.compile("tox-relay listening tcp=127\\.0\\.0\\.1:(\\d+)").matcher(r.readLine());
      assertThat(m.find()).isTrue();
      PublicKey relayKey = PublicKey.fromHex(keyLine.substring("tox-relay public_key=".length()));
      RelayConnection c =
          RelayClient.create(
                  RelayAddress.of("127.0.0.1", Integer.parseInt(m.group(1)), relayKey),
                  KeyPair.generate())
              .connectNow();
      try {
        assertThat(c.ping().block(Duration.ofSeconds(10))).isPositive();
      } finally {
        c.dispose();
      }
      p.toHandle().destroy();
      StringBuilder rest = new StringBuilder();
      for (String line; (line = r.readLine()) != null; ) {
        rest.append(line).append('\n');
      }
      assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
      assertThat(rest.toString())
          .doesNotContain("NoClassDefFoundError")
          .containsPattern("tox-relay stopped uptime_s=\\d+ peak_clients=1 connections_served=1");
    } finally {
      p.destroyForcibly();
    }
  }
}
