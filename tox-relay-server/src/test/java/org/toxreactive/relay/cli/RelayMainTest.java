package org.toxreactive.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayClient;
import org.toxreactive.transport.tcp.RelayConnection;

class RelayMainTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private RelayMain run(String... args) {
    RelayMain main = new RelayMain();
    assertThat(main.run(args, new PrintWriter(out, true), new PrintWriter(err, true)))
        .as(err.toString())
        .isZero();
    return main;
  }

  /**
   * {@code call()} is public (Callable), but its output stream comes from {@code run}: called on
   * its own it is a one-line error before anything starts. It was a NullPointerException after the
   * relay had bound its port, which then kept running.
   */
  @Test
  void callWithoutRunFailsBeforeAnythingStarts() {
    RelayMain main = new RelayMain();
    main.stateDir = dir.toString();
    main.host = "127.0.0.1";
    main.ports = List.of(0);
    main.udpPort = -1;
    try {
      assertThatThrownBy(main::call)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("call() needs run(args, out, err) first: no output stream");
      assertThat(main.running()).as("no relay started").isNull();
    } finally {
      main.stop(new PrintWriter(out, true));
    }
  }

  @Test
  void startsPrintsKeyAndPortsServesClientsMetricsAndStopsWithASummary() throws Exception {
    Path keys = dir.resolve("relay.keys");
    RelayMain main =
        run(
            "--keys",
            keys.toString(),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--udp-port",
            "0",
            "--prometheus-port",
            "0");
    try {
      String text = out.toString();
      KeyPair kp = KeysFile.load(keys);
      assertThat(text).contains("tox-relay public_key=" + kp.publicKey().toHex());
      assertThat(text)
          .containsPattern(
              "tox-relay listening tcp=127\\.0\\.0\\.1:\\d+ udp=\\d+ metrics=http://127\\.0\\.0\\.1:\\d+/metrics");

      int port = main.relay().port();
      RelayConnection c =
          RelayClient.create(RelayAddress.of("127.0.0.1", port, kp.publicKey()), KeyPair.generate())
              .connectNow();
      assertThat(c.ping().block(Duration.ofSeconds(5))).isPositive();

      int metricsPort = main.running().endpoint().port();
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> metrics =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body())
          .contains("tox_relay_connections 1.0")
          .contains("tox_relay_clients 1.0");
      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/health"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      c.dispose();
    } finally {
      main.stop(new PrintWriter(out, true));
    }
    assertThat(out.toString())
        .containsPattern(
            "tox-relay stopped uptime_s=\\d+ peak_clients=1 connections_served=1 kills=0");
  }

  @Test
  void printsTheDefaultConfig() {
    run("--print-default-config");
    assertThat(out.toString())
        .contains("\"ports\": [33445, 3389, 443]")
        .contains("\"maxBacklogBytes\": 524288")
        .contains("\"maxUnconfirmedPerPrefix\": 128")
        .doesNotContain("udpPort"); // left out: it follows the first TCP port
  }

  @Test
  void aPidFileIsWrittenAndRemovedOnStop() throws Exception {
    Path pid = dir.resolve("relay.pid");
    RelayMain main =
        run(
            "--state-dir",
            dir.toString(),
            "--pid-file",
            pid.toString(),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--udp-port",
            "-1");
    try {
      assertThat(java.nio.file.Files.readString(pid).strip())
          .isEqualTo(String.valueOf(ProcessHandle.current().pid()));
      assertThat(dir.resolve("tox-relay.keys")).hasSize(64); // the keys default into the state dir
    } finally {
      main.stop(new PrintWriter(out, true));
    }
    assertThat(pid).doesNotExist();
  }
}
