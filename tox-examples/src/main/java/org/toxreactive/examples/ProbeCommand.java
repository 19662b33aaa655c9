package org.toxreactive.examples;

import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
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
      "Prints one line and exits 0 if the handshake and a ping succeed:",
      "  OK relay=HOST:PORT key=KEY handshake_ms=MS rtt_ms=MS  (IPv6 hosts in brackets)",
      "and otherwise one line on stderr: FAIL relay=HOST:PORT reason=..."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:handshake and ping succeeded",
      "1:handshake refused (wrong relay key, or not a Tox relay)",
      "2:bad arguments",
      "3:connection refused, reset or closed; unknown host",
      "4:timeout (silent port, or no pong)",
      "70:internal error (--debug prints the stack trace)"
    })
final class ProbeCommand implements Callable<Integer> {
  static final int WRONG_KEY = 1;
  static final int UNREACHABLE = 3;
  static final int TIMEOUT = 4;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "HOST:PORT:PUBLIC_KEY_HEX",
      converter = Cli.Relay.class,
      description =
          "The relay, e.g. 127.0.0.1:33445:F404ABAA1C99A9D37D61AB54898F56793E1DEF8BD46B1038B9D822E8460FAB67"
              + " or [::1]:33445:KEY")
  RelayAddress address;

  @Option(
      names = "--timeout",
      defaultValue = "10",
      converter = Cli.Positive.class,
      description =
          "Seconds allowed for the handshake, and then for the pong, >= 1 (default"
              + " ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
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
          "OK relay=%s key=%s handshake_ms=%.1f rtt_ms=%.3f%n",
          address.hostPort(),
          address.publicKey().toHex(),
          handshakeNanos / 1e6,
          rtt.toNanos() / 1e6);
      out.flush();
      return 0;
    } catch (RuntimeException e) {
      Throwable cause = reactor.core.Exceptions.unwrap(e);
      err.println("FAIL relay=" + address.hostPort() + " reason=" + describe(cause));
      err.flush();
      return classify(cause);
    } finally {
      if (conn != null) {
        conn.dispose();
      }
    }
  }

  static int classify(Throwable t) {
    if (t instanceof TimeoutException
        || (t instanceof HandshakeException && t.getMessage().startsWith("no handshake"))
        || (t instanceof IllegalStateException
            && String.valueOf(t.getMessage()).startsWith("Timeout on blocking read"))) {
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
    if (t instanceof UnknownHostException) {
      return "unknown host";
    }
    if (t instanceof TimeoutException) {
      return "no pong from the relay in time";
    }
    return Cli.rootMessage(t);
  }
}
