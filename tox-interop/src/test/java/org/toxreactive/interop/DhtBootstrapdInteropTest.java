package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.dht.DhtConfig;
import org.toxreactive.dht.DhtNode;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;

/**
 * Our relay's DHT node and c-toxcore 0.2.18's tox-bootstrapd on loopback: each bootstraps from the
 * other, and each answers the bootstrap-info request the same way (docs/protocol.md, DHT section).
 */
class DhtBootstrapdInteropTest {
  private RunningRelay relay;
  private ToxBootstrapd daemon;
  private DhtNode probe;

  @AfterEach
  void stop() {
    if (probe != null) {
      probe.dispose();
    }
    if (daemon != null) {
      daemon.close();
    }
    if (relay != null) {
      relay.disposeNow(Duration.ofSeconds(5));
    }
  }

  private RunningRelay ourRelay() {
    return RelayServer.create()
        .keys(KeyPair.generate())
        .host("127.0.0.1")
        .port(0)
        .udpPort(0)
        .dht(DhtConfig.defaults().withInfo(DhtConfig.motd(ToxBootstrapd.MOTD)))
        .bindNow();
  }

  private static IpPort loopback(int port) {
    return new IpPort(InetAddress.getLoopbackAddress(), port);
  }

  @Test
  void toxBootstrapdAndOurNodeBootstrapFromEachOther() {
    Interop.requireTool("tox-bootstrapd");
    relay = ourRelay();
    daemon =
        ToxBootstrapd.startFrom(
            Toxcore.system(),
            List.of(
                new ToxBootstrapd.Node("127.0.0.1", relay.udpPort(), relay.publicKey().toHex())));
    relay.dhtBootstrap(loopback(daemon.udpPort()), daemon.publicKey());

    // tox-bootstrapd's only bootstrap node is ours: it logs this once a node of its close list
    // answered it, i.e. once it has stored us.
    daemon.awaitLog(ToxBootstrapd.CONNECTED_TO_BOOTSTRAP_NODE, Duration.ofSeconds(30));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(relay.dhtCloseList()).contains(daemon.publicKey()));

    // A third node that knows only tox-bootstrapd learns our node from it: tox-bootstrapd gives
    // our node out in its nodes responses.
    probe =
        DhtNode.bind(
            "127.0.0.1",
            0,
            KeyPair.generate(),
            DhtConfig.defaults()
                .withBootstrapNodes(
                    List.of(
                        new DhtConfig.BootstrapNode(
                            loopback(daemon.udpPort()), daemon.publicKey()))),
            null);
    await()
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(
            () ->
                assertThat(probe.closeListKeys()).contains(daemon.publicKey(), relay.publicKey()));
    assertThat(daemon.isAlive()).isTrue();
  }

  @Test
  void bootstrapInfoAnswerIsByteForByteTheOneOfToxBootstrapd() throws Exception {
    Interop.requireTool("tox-bootstrapd");
    relay = ourRelay();
    daemon = ToxBootstrapd.start(Toxcore.system());
    byte[] theirs = info(daemon.udpPort());
    byte[] ours = info(relay.udpPort());
    // 0xF0, version 1000002018 big-endian, the MOTD and its NUL
    assertThat(theirs[0]).isEqualTo((byte) 0xF0);
    assertThat(theirs).hasSize(5 + ToxBootstrapd.MOTD.length() + 1);
    assertThat(ours).isEqualTo(theirs);
  }

  private static byte[] info(int port) throws Exception {
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      s.setSoTimeout(2000);
      byte[] req = new byte[78];
      req[0] = (byte) 0xF0;
      DatagramPacket answer = new DatagramPacket(new byte[1024], 1024);
      for (int attempt = 0; ; attempt++) { // UDP: a bounded number of retries
        s.send(new DatagramPacket(req, req.length, new InetSocketAddress("127.0.0.1", port)));
        try {
          s.receive(answer);
          return Arrays.copyOf(answer.getData(), answer.getLength());
        } catch (java.net.SocketTimeoutException e) {
          if (attempt == 4) {
            throw new AssertionError("no bootstrap-info answer from port " + port + " in 5 tries");
          }
        }
      }
    }
  }
}
