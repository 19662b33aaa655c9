package org.toxreactive.relay.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.toxreactive.core.KeyPair;
import org.toxreactive.dht.DhtConfig;
import org.toxreactive.dht.DhtNode;

/** The CLI's DHT settings: --motd, --bootstrap, and the config's lanDiscovery and bad nodes. */
class RelayMainDhtTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(RelayMain main, String... args) {
    return main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void motdAndBootstrapNodeReachTheDhtNode() throws Exception {
    DhtNode other = DhtNode.bind("127.0.0.1", 0, KeyPair.generate(), DhtConfig.defaults(), null);
    Path config = dir.resolve("c.json");
    Files.writeString(config, "{\"lanDiscovery\": true}");
    RelayMain main = new RelayMain();
    try {
      int code =
          run(
              main,
              "--config",
              config.toString(),
              "--keys",
              dir.resolve("k").toString(),
              "--host",
              "127.0.0.1",
              "--port",
              "0",
              "--udp-port",
              "0",
              "--motd",
              "hello operator",
              "--bootstrap",
              "127.0.0.1:" + other.port() + ":" + other.publicKey().toHex());
      assertThat(code).as(err.toString()).isZero();
      int udp = main.relay().udpPort();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> assertThat(other.closeListKeys()).contains(main.relay().publicKey()));
      try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
        s.setSoTimeout(5000);
        byte[] req = new byte[78];
        req[0] = (byte) 0xF0;
        s.send(new DatagramPacket(req, 78, new InetSocketAddress("127.0.0.1", udp)));
        DatagramPacket p = new DatagramPacket(new byte[512], 512);
        s.receive(p);
        byte[] motd = Arrays.copyOfRange(p.getData(), 5, p.getLength());
        assertThat(new String(motd, StandardCharsets.UTF_8)).isEqualTo("hello operator\0");
      }
    } finally {
      main.stop(new PrintWriter(out, true));
      other.dispose();
    }
  }

  /** A port free for both TCP and UDP on 127.0.0.1 when asked (another process may take it). */
  private static int freePort() throws Exception {
    try (DatagramSocket u = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        java.net.ServerSocket t = new java.net.ServerSocket()) {
      t.bind(new InetSocketAddress("127.0.0.1", u.getLocalPort()));
      return u.getLocalPort();
    } catch (java.net.BindException e) {
      return freePort();
    }
  }

  @Test
  void withoutUdpPortTheDhtNodeListensOnTheFirstTcpPort() throws Exception {
    for (int attempt = 0; ; attempt++) {
      int port = freePort();
      RelayMain main = new RelayMain();
      try {
        int code =
            run(
                main,
                "--keys",
                dir.resolve("k").toString(),
                "--host",
                "127.0.0.1",
                "--port",
                port + ",0");
        if (code == RelayMain.BIND && attempt < 3) {
          continue; // the port was taken between freePort() and the bind
        }
        assertThat(code).as(err.toString()).isZero();
        assertThat(main.relay().udpPort()).isEqualTo(port);
        assertThat(out.toString()).contains("tox-relay listening tcp=127.0.0.1:" + port + ",");
        assertThat(out.toString()).contains(" udp=" + port);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
          s.setSoTimeout(5000);
          byte[] req = new byte[78];
          req[0] = (byte) 0xF0; // bootstrap info: answered by the DHT node on that port
          s.send(new DatagramPacket(req, 78, new InetSocketAddress("127.0.0.1", port)));
          DatagramPacket p = new DatagramPacket(new byte[512], 512);
          s.receive(p);
          assertThat(p.getData()[0]).isEqualTo((byte) 0xF0);
        }
        return;
      } finally {
        main.stop(new PrintWriter(out, true));
      }
    }
  }

  @Test
  void aMalformedBootstrapNodeIsAOneLineError() {
    RelayMain main = new RelayMain();
    int code =
        run(
            main,
            "--keys",
            dir.resolve("k").toString(),
            "--port",
            "0",
            "--udp-port",
            "-1",
            "--bootstrap",
            "127.0.0.1:33445:abcd");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().trim())
        .isEqualTo("tox-relay: --bootstrap: public key must be 64 hex digits, got 4 characters")
        .doesNotContain("\n");
  }

  @Test
  void anOverlongMotdIsAOneLineError() throws Exception {
    Path config = dir.resolve("c.json");
    Files.writeString(config, "{\"motd\": \"" + "x".repeat(256) + "\"}");
    RelayMain main = new RelayMain();
    int code = run(main, "--config", config.toString(), "--keys", dir.resolve("k").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().trim())
        .isEqualTo(
            "tox-relay: config "
                + config
                + " line 1 column 2: motd is 256 bytes in UTF-8, at most 255");
  }
}
