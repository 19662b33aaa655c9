package org.toxreactive.benchmarks.abuse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Case 7: {@code --holders} (1) HTTP clients each send half a request to the metrics port ({@code
 * GET /metrics HTTP/1.1} and a Host header, never the blank line) and hold the connection,
 * re-opening it if the server closes it. The canary is another client's GET of /metrics and /health
 * in turn, every 250 ms, served if the answer (status 200) comes within 1 s.
 */
@Command(
    name = "metrics-slowloris",
    mixinStandardHelpOptions = true,
    description = {
      "Case 7: HTTP clients hold half-sent requests to the metrics port. Holds: another client's"
          + " GET /metrics and /health answer within 1 s (>= 95% of tries, one every 250 ms)."
    })
final class MetricsSlowlorisCase extends RelayCase {
  private static final byte[] HALF =
      "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII);

  @Option(names = "--holders", defaultValue = "1", description = "Half-sent requests held.")
  int holders;

  @Override
  String caseName() {
    return "metrics-slowloris";
  }

  @Override
  String validate() {
    String bad = super.validate();
    if (bad == null && metricsPort == null) {
      bad = "--metrics-port is needed";
    }
    if (bad == null && (holders < 1 || holders > 1000)) {
      bad = "--holders must be 1..1000";
    }
    return bad;
  }

  @Override
  Canary openCanary(Duration maxRun) {
    Metrics m = metrics();
    return ProbeCanary.start(
        (seq, timeout) -> m.status(seq % 2 == 0 ? "/metrics" : "/health", timeout) == 200,
        Duration.ofMillis(Math.max(canaryIntervalMs, 250)),
        Duration.ofSeconds(1),
        maxRun);
  }

  @Override
  void attack(long deadline, Outcome o) throws Exception {
    Socket[] held = new Socket[holders];
    long opened = 0;
    long closedByServer = 0;
    byte[] scratch = new byte[4096];
    try {
      while (System.nanoTime() - deadline < 0) {
        for (int i = 0; i < holders; i++) {
          if (held[i] == null) {
            held[i] = half();
            opened++;
          } else if (closed(held[i], scratch)) {
            held[i].close();
            held[i] = null;
            closedByServer++;
          }
        }
        Thread.sleep(50);
      }
    } finally {
      for (Socket s : held) {
        if (s != null) {
          s.close();
        }
      }
    }
    o.put("holders", holders).put("opened", opened).put("closed_by_server", closedByServer);
  }

  private Socket half() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", metricsPort), 1000);
    s.setSoTimeout(1);
    OutputStream out = s.getOutputStream();
    out.write(HALF);
    out.flush();
    return s;
  }

  /** Whether the server has closed (or answered, then closed) this connection. */
  private static boolean closed(Socket s, byte[] scratch) {
    try {
      InputStream in = s.getInputStream();
      return in.read(scratch) < 0;
    } catch (SocketTimeoutException e) {
      return false; // nothing to read: still held
    } catch (IOException e) {
      return true;
    }
  }
}
