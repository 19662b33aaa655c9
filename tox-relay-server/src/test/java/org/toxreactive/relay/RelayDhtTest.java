package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
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
import org.toxreactive.dht.packet.BootstrapInfo;
import org.toxreactive.dht.packet.DhtPacketKind;

/** The relay's UDP socket is a DHT node with the relay's key (as tox-bootstrapd). */
class RelayDhtTest {
  private RunningRelay relay;
  private DhtNode node;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void stop() {
    if (node != null) {
      node.dispose();
    }
    if (relay != null) {
      relay.disposeNow(Duration.ofSeconds(5));
    }
  }

  @Test
  void aNodeBootstrappedFromTheRelayAndTheRelayLearnEachOther() throws Exception {
    KeyPair keys = KeyPair.generate();
    relay =
        RelayServer.create()
            .keys(keys)
            .host("127.0.0.1")
            .port(0)
            .udpPort(0)
            .metrics(registry)
            .dht(DhtConfig.defaults().withInfo(DhtConfig.motd("relay motd")))
            .bindNow();
    IpPort relayUdp = new IpPort(InetAddress.getLoopbackAddress(), relay.udpPort());
    node =
        DhtNode.bind(
            "127.0.0.1",
            0,
            KeyPair.generate(),
            DhtConfig.defaults()
                .withBootstrapNodes(
                    List.of(new DhtConfig.BootstrapNode(relayUdp, keys.publicKey()))),
            null);
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(relay.dhtCloseList()).contains(node.publicKey());
              assertThat(node.closeListKeys()).contains(keys.publicKey());
            });
    assertThat(relay.dht().closeListSize()).isGreaterThanOrEqualTo(1);
    assertThat(
            registry
                .get("tox.dht.packets")
                .tag("kind", DhtPacketKind.NODES_REQUEST.tag())
                .tag("direction", "in")
                .functionCounter()
                .count())
        .isPositive();
  }

  @Test
  void bootstrapInfoIsAnsweredOnTheRelayUdpPort() throws Exception {
    relay =
        RelayServer.create()
            .host("127.0.0.1")
            .port(0)
            .udpPort(0)
            .dht(DhtConfig.defaults().withInfo(DhtConfig.motd("relay motd")))
            .bindNow();
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      s.setSoTimeout(5000);
      byte[] req = new byte[BootstrapInfo.REQUEST_SIZE];
      req[0] = (byte) 0xF0;
      s.send(
          new DatagramPacket(req, req.length, new InetSocketAddress("127.0.0.1", relay.udpPort())));
      DatagramPacket p = new DatagramPacket(new byte[512], 512);
      s.receive(p);
      BootstrapInfo info =
          BootstrapInfo.decode(Unpooled.wrappedBuffer(Arrays.copyOf(p.getData(), p.getLength())));
      assertThat(info.version()).isEqualTo(1_000_002_018L);
      assertThat(info.motdText()).isEqualTo("relay motd");
      assertThat(ByteBufUtil.hexDump(info.motd())).endsWith("00");
    }
  }
}
