package org.toxreactive.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;

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
  void printsOneOkLineWithAnIpv6RelayInBrackets() {
    KeyPair keys = KeyPair.generate();
    RunningRelay relay = RelayServer.create().keys(keys).host("::1").port(0).udpPort(-1).bindNow();
    try {
      String key = keys.publicKey().toHex();
      assertThat(run("probe", "--timeout", "5", "[::1]:" + relay.port() + ":" + key))
          .as(err.toString())
          .isZero();
      assertThat(out.toString())
          .matches(
              "OK relay=\\[::1\\]:"
                  + relay.port()
                  + " key="
                  + key
                  + " handshake_ms=\\d+\\.\\d rtt_ms=\\d+\\.\\d{3}\\R");
      assertThat(err.toString()).isEmpty();
    } finally {
      relay.disposeNow(Duration.ofSeconds(5));
    }
  }

  @Test
  void aRelayWithAnotherKeyIsAHandshakeFailure() {
    RunningRelay relay = RelayServer.create().host("127.0.0.1").port(0).udpPort(-1).bindNow();
    try {
      int code = run("probe", "--timeout", "5", "127.0.0.1:" + relay.port() + ":" + key());
      assertThat(code).as(err.toString()).isEqualTo(ProbeCommand.WRONG_KEY);
      assertThat(err.toString())
          .startsWith("FAIL relay=127.0.0.1:" + relay.port() + " reason=")
          .contains("wrong relay public key")
          .hasLineCount(1);
      assertThat(out.toString()).isEmpty();
    } finally {
      relay.disposeNow(Duration.ofSeconds(5));
    }
  }

  @Test
  void reportsARefusedIpv6PortInBrackets() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
      port = s.getLocalPort();
    }
    assertThat(run("probe", "[::1]:" + port + ":" + key())).isEqualTo(ProbeCommand.UNREACHABLE);
    assertThat(err.toString())
        .isEqualTo(
            "FAIL relay=[::1]:" + port + " reason=connection refused" + System.lineSeparator());
  }

  @Test
  void helpListsTheProbe() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("probe");
  }
}
