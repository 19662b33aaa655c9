package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.examples.Examples;

/** The operator's relay probe against a real tox-bootstrapd. */
class BootstrapdProbeTest {
  private static ToxBootstrapd daemon;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startDaemon() {
    Interop.requireTool("tox-bootstrapd");
    daemon = ToxBootstrapd.start();
  }

  @AfterAll
  static void stopDaemon() {
    if (daemon != null) {
      daemon.close();
    }
  }

  private int probe(String target) {
    return Examples.run(new PrintWriter(out, true), new PrintWriter(err, true), "probe", target);
  }

  @Test
  void printsTheRelayKeyAndRoundTripAndExitsZero() {
    int code = probe("127.0.0.1:" + daemon.tcpPort() + ":" + daemon.publicKeyHex());
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .startsWith("OK relay=127.0.0.1:" + daemon.tcpPort() + " key=" + daemon.publicKeyHex())
        .containsPattern("handshake_ms=\\d+\\.\\d rtt_ms=\\d+\\.\\d{3}");
  }

  @Test
  void aWrongKeyExitsOneWithAOneLineReason() {
    String wrong = KeyPair.generate().publicKey().toHex();
    int code = probe("127.0.0.1:" + daemon.tcpPort() + ":" + wrong);
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().trim())
        .doesNotContain("\n")
        .contains(
            "reason=relay closed the connection during the handshake (wrong relay public key?)");
  }
}
