package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.dht.DhtConfig;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;

/**
 * The relay with {@code ipv6: true} listening on {@code ::1} only (loopback): two c-toxcore 0.2.18
 * peers with IPv6 on (dual-stack socket) whose only bootstrap node is {@code [::1]:UDP_PORT} come
 * online through our DHT and onion node over IPv6, become friends over UDP and chat. Our node has
 * no IPv4 socket at all, so every packet the peers exchanged with it (pings, nodes requests whose
 * answers carry IPv6 packed nodes, onion announces) went over ::1.
 */
class Ipv6NodeInteropTest {
  private RunningRelay relay;
  private CToxcorePeer a;
  private CToxcorePeer b;

  @AfterEach
  void stop() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
    if (relay != null) {
      relay.disposeNow(Duration.ofSeconds(5));
    }
  }

  @Test
  void ipv6PeersWhoseOnlyNodeIsOursOnLoopbackIpv6BecomeFriendsAndChat() {
    Toxcore toxcore = Toxcore.system();
    toxcore.require();
    relay =
        RelayServer.create()
            .keys(KeyPair.generate())
            .host("::1")
            .port(0)
            .udpPort(0)
            .dht(DhtConfig.defaults().withIpv6(true))
            .bindNow();
    assertThat(relay.addresses()).allSatisfy(x -> assertThat(x.getHostString()).contains(":"));
    String bootstrap = "[::1]:" + relay.udpPort() + ":" + relay.publicKey().toHex();
    KeyPair ka = KeyPair.generate();
    KeyPair kb = KeyPair.generate();
    a =
        CToxcorePeer.udp(
            toxcore,
            "v6-a",
            ka,
            kb.publicKey(),
            Interop.freePort(),
            List.of("--ipv6", "on", "--bootstrap", bootstrap, "--send", "3"));
    b =
        CToxcorePeer.udp(
            toxcore,
            "v6-b",
            kb,
            ka.publicKey(),
            Interop.freePort(),
            List.of("--ipv6", "on", "--bootstrap", bootstrap, "--echo"));
    PublicKey dhtA = CToxcoreDhtThroughOurNodeTest.dhtKey(a);
    PublicKey dhtB = CToxcoreDhtThroughOurNodeTest.dhtKey(b);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(relay.dhtCloseList()).contains(dhtA, dhtB));
    Duration limit = Duration.ofSeconds(90);
    a.await(l -> l.startsWith("SELF_CONNECTION ") && !l.endsWith(" NONE"), limit, "a online");
    b.await(l -> l.startsWith("SELF_CONNECTION ") && !l.endsWith(" NONE"), limit, "b online");
    a.await(l -> l.equals("FRIEND_CONNECTION 0 UDP"), limit, "friend connection over UDP (a)");
    b.await(l -> l.equals("FRIEND_CONNECTION 0 UDP"), limit, "friend connection over UDP (b)");
    a.await(l -> l.equals("RECV 0 msg-2"), Duration.ofSeconds(20), "the third echo");
    assertThat(b.received()).containsExactly("msg-0", "msg-1", "msg-2");
    assertThat(relay.onionOutcomes(org.toxreactive.onion.OnionNode.Outcome.ANSWERED))
        .as("announce requests our node answered over IPv6")
        .isPositive();
  }
}
