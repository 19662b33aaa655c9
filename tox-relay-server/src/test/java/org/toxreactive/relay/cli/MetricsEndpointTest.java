package org.toxreactive.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator endpoint keeps answering while clients hold half-sent requests. */
class MetricsEndpointTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private final HttpClient http = HttpClient.newBuilder().build();
  private MetricsEndpoint endpoint;

  @BeforeEach
  void start() {
    registry.counter("tox.relay.test").increment(3);
    endpoint = new MetricsEndpoint("127.0.0.1", 0, registry, healthy::get, TIMEOUT);
  }

  @AfterEach
  void stop() {
    endpoint.close();
    registry.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
            .timeout(Duration.ofSeconds(2))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** True if the server closes {@code s} within {@code within} (EOF or reset). */
  private static boolean closedWithin(Socket s, Duration within) throws IOException {
    s.setSoTimeout((int) within.toMillis());
    InputStream in = s.getInputStream();
    try {
      while (in.read() >= 0) {
        // the server may answer 408 before it closes
      }
      return true;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @Test
  void servesMetricsAndHealth() throws Exception {
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("content-type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(metrics.body()).contains("tox_relay_test_total 3.0");
    HttpResponse<String> health = get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("ok\n");
    healthy.set(false);
    assertThat(get("/health").statusCode()).isEqualTo(503);
    assertThat(get("/nope").statusCode()).isEqualTo(404);
  }

  @Test
  void aHalfSentRequestBlocksNobodyAndIsClosedAfterTheTimeout() throws Exception {
    try (Socket stuck = new Socket("127.0.0.1", endpoint.port())) {
      OutputStream out = stuck.getOutputStream();
      out.write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();

      long t0 = System.nanoTime();
      HttpResponse<String> metrics = get("/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("tox_relay_test_total");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(TIMEOUT);

      assertThat(closedWithin(stuck, TIMEOUT.multipliedBy(3))).isTrue();
    }
  }

  @Test
  void aRequestTrickledByteByByteIsClosedAtTheDeadline() throws Exception {
    ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    try (Socket slow = new Socket("127.0.0.1", endpoint.port())) {
      OutputStream out = slow.getOutputStream();
      // a byte every 100 ms: never idle for the idle or read timeouts, only the deadline ends it
      trickle.scheduleAtFixedRate(
          () -> {
            try {
              out.write('X');
              out.flush();
            } catch (IOException closed) {
              throw new IllegalStateException(closed); // ends the schedule
            }
          },
          0,
          100,
          TimeUnit.MILLISECONDS);
      assertThat(get("/health").statusCode()).isEqualTo(200);
      assertThat(closedWithin(slow, TIMEOUT.multipliedBy(3))).isTrue();
    } finally {
      trickle.shutdownNow();
    }
  }
}
