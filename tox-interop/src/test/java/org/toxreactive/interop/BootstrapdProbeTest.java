package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.toxreactive.core.KeyPair;
import org.toxreactive.examples.Examples;

/** The operator's relay probe against a real tox-bootstrapd of each c-toxcore version. */
class BootstrapdProbeTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int probe(String target) {
    return Examples.run(new PrintWriter(out, true), new PrintWriter(err, true), "probe", target);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  void printsTheRelayKeyAndRoundTripAndExitsZero(Toxcore toxcore) {
    try (ToxBootstrapd daemon = ToxBootstrapd.start(toxcore)) {
      printsTheRelayKeyAndRoundTripAndExitsZero(daemon);
    }
  }

  private void printsTheRelayKeyAndRoundTripAndExitsZero(ToxBootstrapd daemon) {
    int code = probe("127.0.0.1:" + daemon.tcpPort() + ":" + daemon.publicKeyHex());
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .startsWith("OK relay=127.0.0.1:" + daemon.tcpPort() + " key=" + daemon.publicKeyHex())
        .containsPattern("handshake_ms=\\d+\\.\\d rtt_ms=\\d+\\.\\d{3}");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  void aWrongKeyExitsOneWithAOneLineReason(Toxcore toxcore) {
    try (ToxBootstrapd daemon = ToxBootstrapd.start(toxcore)) {
      aWrongKeyExitsOneWithAOneLineReason(daemon);
    }
  }

  private void aWrongKeyExitsOneWithAOneLineReason(ToxBootstrapd daemon) {
    String wrong = KeyPair.generate().publicKey().toHex();
    int code = probe("127.0.0.1:" + daemon.tcpPort() + ":" + wrong);
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().trim())
        .doesNotContain("\n")
        .contains(
            "reason=relay closed the connection during the handshake (wrong relay public key?)");
  }
}
