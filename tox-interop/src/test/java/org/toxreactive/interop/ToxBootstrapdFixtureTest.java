package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.toxreactive.core.PublicKey;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ToxBootstrapdFixtureTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  void startsOnLoopbackWithAKeyAndALiveRelayPort(Toxcore toxcore) throws IOException {
    long pid;
    try (ToxBootstrapd d = ToxBootstrapd.start(toxcore)) {
      pid = d.pid();
      assertThat(d.publicKeyHex()).matches("[0-9A-F]{64}");
      assertThat(d.publicKeyBytes()).hasSize(32);
      assertThat(PublicKey.of(d.publicKeyBytes())).isEqualTo(d.publicKey());
      assertThat(d.udpPort()).isNotEqualTo(d.tcpPort());
      d.awaitLog("Public Key: " + d.publicKeyHex(), Duration.ofSeconds(5));
      // DAEMON_VERSION_NUMBER: 1000000000 + major * 1000000 + minor * 1000 + patch
      String[] v = toxcore.version().split("\\.");
      long number =
          1_000_000_000L
              + Long.parseLong(v[0]) * 1_000_000
              + Long.parseLong(v[1]) * 1_000
              + Long.parseLong(v[2]);
      assertThat(d.log()).contains("Running \"tox-bootstrapd\" version " + number + ".");
      assertThat(d.log())
          .contains("'motd': " + ToxBootstrapd.MOTD, "'enable_lan_discovery': false");

      // The daemon holds its UDP port (it would silently move elsewhere if it could not).
      assertThatThrownBy(() -> bindUdp(d.udpPort())).isInstanceOf(BindException.class);

      try (Socket s = new Socket()) {
        s.connect(d.tcpAddress(), 2_000);
        assertThat(s.isConnected()).isTrue();
      }
      // Still up after a client connected and left without a handshake, and still serving.
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
      try (Socket again = new Socket()) {
        again.connect(d.tcpAddress(), 2_000);
        assertThat(again.isConnected()).isTrue();
      }
      assertThat(d.isAlive()).isTrue();
      assertThat(Files.exists(d.logFile())).isTrue();
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  void closeEndsTheProcessAndIsIdempotent(Toxcore toxcore) {
    ToxBootstrapd d = ToxBootstrapd.start(toxcore);
    long pid = d.pid();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
    d.close();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(d.isAlive()).isFalse();
    assertThat(d.log()).contains("Received SIGTERM");
    d.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  void chainedDaemonBootstrapsFromTheFirst(Toxcore toxcore) {
    try (ToxBootstrapd first = ToxBootstrapd.start(toxcore);
        ToxBootstrapd second = ToxBootstrapd.start(toxcore, List.of(first))) {
      assertThat(second.publicKey()).isNotEqualTo(first.publicKey());
      second.awaitLog(
          "Successfully added bootstrap node #0: 127.0.0.1:"
              + first.udpPort()
              + " "
              + first.publicKeyHex(),
          Duration.ofSeconds(5));
      second.awaitLog(ToxBootstrapd.CONNECTED_TO_BOOTSTRAP_NODE, Duration.ofSeconds(20));
      assertThat(first.isAlive()).isTrue();
    }
  }

  private static void bindUdp(int port) throws IOException {
    try (DatagramSocket s = new DatagramSocket(null)) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(port));
    }
  }
}
