package org.toxreactive.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;

class ProbeCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Examples.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  private static String key() {
    return KeyPair.generate().publicKey().toHex();
  }

  @Test
  void rejectsAMalformedRelayAddress() {
    assertThat(run("probe", "127.0.0.1:33445")).isEqualTo(2);
    assertThat(err.toString()).contains("HOST:PORT:PUBLIC_KEY_HEX");
    assertThat(run("probe", "127.0.0.1:33445:abcd")).isEqualTo(2);
    assertThat(err.toString()).contains("64 hex digits");
  }

  @Test
  void reportsARefusedPortInOneLine() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertThat(run("probe", "127.0.0.1:" + port + ":" + key())).isEqualTo(ProbeCommand.UNREACHABLE);
    assertThat(err.toString())
        .isEqualTo(
            "FAIL relay=127.0.0.1:" + port + " reason=connection refused" + System.lineSeparator());
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void reportsASilentPortAsATimeout() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread acceptor =
          new Thread(
              () -> {
                try (Socket ignored = s.accept()) {
                  ignored.getInputStream().readAllBytes(); // hold the link open, answer nothing
                } catch (Exception e) {
                  // closed by the test
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      int code = run("probe", "--timeout", "1", "127.0.0.1:" + s.getLocalPort() + ":" + key());
      assertThat(code).isEqualTo(ProbeCommand.TIMEOUT);
      assertThat(err.toString())
          .contains("reason=no handshake with relay")
          .contains("within 1000 ms");
    }
  }

  @Test
  void helpListsTheProbe() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("probe");
  }
}
