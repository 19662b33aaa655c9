package org.toxreactive.examples;

import java.io.PrintWriter;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.HandshakeException;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayClient;
import org.toxreactive.transport.tcp.RelayConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Checks that a Tox TCP relay is up and is who it claims to be: connects, completes the encrypted
 * handshake (which proves the relay holds the secret key for the public key given), pings, and
 * prints the round-trip time.
 */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    description = {
      "Probe a Tox TCP relay (ours, tox-bootstrapd, any c-toxcore relay).",
      "Prints one line and exits 0 if the handshake and a ping succeed.",
      "Exit codes: 0 ok, 1 handshake refused (wrong key), 3 connection refused or reset,",
      "4 timeout (silent port or no pong), 2 bad arguments."
    })
final class ProbeCommand implements Callable<Integer> {
  static final int WRONG_KEY = 1;
  static final int UNREACHABLE = 3;
  static final int TIMEOUT = 4;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "HOST:PORT:PUBLIC_KEY_HEX",
      description =
          "The relay, e.g. 127.0.0.1:33445:F404ABAA1C99A9D37D61AB54898F56793E1DEF8BD46B1038B9D822E8460FAB67")
  String relay;

  @Option(
      names = "--timeout",
      defaultValue = "10",
      description =
          "Seconds allowed for the handshake, and then for the pong (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RelayAddress address;
    try {
      address = RelayAddress.parse(relay);
    } catch (IllegalArgumentException e) {
      err.println("probe: " + e.getMessage());
      return 2;
    }
    Duration timeout = Duration.ofSeconds(timeoutSeconds);
    long start = System.nanoTime();
    RelayConnection conn = null;
    try {
      conn =
          RelayClient.create(address, KeyPair.generate())
              .handshakeTimeout(timeout)
              .connect()
              .block(timeout.plusSeconds(5));
      long handshakeNanos = System.nanoTime() - start;
      Duration rtt = conn.ping().timeout(timeout).block(timeout.plusSeconds(5));
      out.printf(
          "OK relay=%s:%d key=%s handshake_ms=%.1f rtt_ms=%.3f%n",
          address.host(),
          address.port(),
          address.publicKey().toHex(),
          handshakeNanos / 1e6,
          rtt.toNanos() / 1e6);
      out.flush();
      return 0;
    } catch (RuntimeException e) {
      Throwable cause = reactor.core.Exceptions.unwrap(e);
      int code = classify(cause);
      err.println(
          "FAIL relay=" + address.host() + ":" + address.port() + " reason=" + describe(cause));
      err.flush();
      return code;
    } finally {
      if (conn != null) {
        conn.dispose();
      }
    }
  }

  private static int classify(Throwable t) {
    if (t instanceof java.util.concurrent.TimeoutException
        || (t instanceof HandshakeException && t.getMessage().startsWith("no handshake"))) {
      return TIMEOUT;
    }
    if (t instanceof HandshakeException) {
      return WRONG_KEY;
    }
    return UNREACHABLE;
  }

  private static String describe(Throwable t) {
    if (t instanceof ConnectException) {
      return "connection refused";
    }
    if (t instanceof java.util.concurrent.TimeoutException) {
      return "no pong from the relay in time";
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.replace('\n', ' ');
  }
}
