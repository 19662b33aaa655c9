package org.toxreactive.relay.cli;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * An optional HTTP endpoint for operators: {@code /metrics} in Prometheus text format and {@code
 * /health} (200 "ok" while the relay runs, 503 otherwise), on Reactor Netty's non-blocking HTTP
 * server, so no client can hold it for the others.
 *
 * <p>Each connection serves one request ({@code Connection: close}) and lives at most {@code
 * timeout} from accept, however slowly it trickles its request in; an idle one, or one whose
 * request body stalls, is closed after {@code timeout} too. At most {@link #MAX_CONNECTIONS} are
 * open at once; more are closed on accept.
 *
 * <pre>{@code
 * try (MetricsEndpoint e = new MetricsEndpoint("127.0.0.1", 9100, registry, () -> running)) {
 *   ... curl http://127.0.0.1:9100/metrics
 * }
 * }</pre>
 */
final class MetricsEndpoint implements AutoCloseable {
  /** Default for the request and connection deadlines; a scrape takes milliseconds. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** Concurrent connections served; a scraper or two need far fewer. */
  static final int MAX_CONNECTIONS = 64;

  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final DisposableServer server;
  private final AtomicInteger open = new AtomicInteger();

  /**
   * Binds with the {@link #DEFAULT_TIMEOUT}.
   *
   * @param host address to listen on
   * @param port port, 0 for any free one
   * @param registry what {@code /metrics} scrapes
   * @param healthy what {@code /health} reports
   */
  MetricsEndpoint(
      String host, int port, PrometheusMeterRegistry registry, BooleanSupplier healthy) {
    this(host, port, registry, healthy, DEFAULT_TIMEOUT, null);
  }

  /**
   * Binds on {@code loops} (the relay's own event loops: no threads of its own).
   *
   * @param loops where the endpoint runs, or null for Reactor Netty's shared HTTP loops
   */
  MetricsEndpoint(
      String host,
      int port,
      PrometheusMeterRegistry registry,
      BooleanSupplier healthy,
      LoopResources loops) {
    this(host, port, registry, healthy, DEFAULT_TIMEOUT, loops);
  }

  /**
   * @param timeout the longest a connection stays open, and the idle and read timeouts
   */
  MetricsEndpoint(
      String host,
      int port,
      PrometheusMeterRegistry registry,
      BooleanSupplier healthy,
      Duration timeout) {
    this(host, port, registry, healthy, timeout, null);
  }

  private MetricsEndpoint(
      String host,
      int port,
      PrometheusMeterRegistry registry,
      BooleanSupplier healthy,
      Duration timeout,
      @Nullable LoopResources loops) {
    HttpServer http = HttpServer.create();
    if (loops != null) {
      http = http.runOn(loops, false);
    }
    server =
        http.host(host)
            .port(port)
            .idleTimeout(timeout)
            .readTimeout(timeout)
            .requestTimeout(timeout)
            .doOnChannelInit((observer, channel, remote) -> admit(channel, timeout))
            .route(
                routes ->
                    routes
                        .get(
                            "/metrics",
                            (req, res) ->
                                text(res, HttpResponseStatus.OK, PROMETHEUS_TEXT)
                                    .sendString(Mono.fromCallable(registry::scrape)))
                        .get(
                            "/health",
                            (req, res) -> {
                              boolean ok = healthy.getAsBoolean();
                              return text(
                                      res,
                                      ok
                                          ? HttpResponseStatus.OK
                                          : HttpResponseStatus.SERVICE_UNAVAILABLE,
                                      "text/plain")
                                  .sendString(Mono.just(ok ? "ok\n" : "stopping\n"));
                            }))
            .bindNow(Duration.ofSeconds(10));
  }

  /** Caps the open connections and gives each a hard deadline, whatever it sends. */
  private void admit(Channel channel, Duration timeout) {
    if (open.incrementAndGet() > MAX_CONNECTIONS) {
      open.decrementAndGet();
      channel.close();
      return;
    }
    // idle and read timeouts restart on every byte: a request sent a byte at a time ends here
    Runnable close = channel::close;
    ScheduledFuture<?> deadline =
        channel.eventLoop().schedule(close, timeout.toMillis(), TimeUnit.MILLISECONDS);
    channel
        .closeFuture()
        .addListener(
            f -> {
              deadline.cancel(false);
              open.decrementAndGet();
            });
  }

  private static HttpServerResponse text(
      HttpServerResponse res, HttpResponseStatus status, String type) {
    return res.status(status).keepAlive(false).header(HttpHeaderNames.CONTENT_TYPE, type);
  }

  int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.disposeNow(Duration.ofSeconds(5));
  }
}
