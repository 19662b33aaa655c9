package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.onion.OnionNode;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;

/**
 * Two unmodified c-toxcore 0.2.18 clients, UDP disabled, whose only node is OUR relay (its TCP port
 * as their relay, its UDP port and key as their bootstrap node), with no tox-bootstrapd anywhere:
 * they come online, find each other and chat.
 *
 * <p>Everything onion runs on our node (docs/protocol.md 13): a TCP-only client's onion path is our
 * relay (node 1, TCP packet 8) then its bootstrap node twice (nodes 2 and 3, our UDP port, the hops
 * to ourselves skip the socket), announcing to that same node. So the clients' announces (0x83,
 * answered with 0x84 through 0x8C/0x8D/0x8E and TCP packet 9), their friend searches, and the
 * DHT-PK announcements they send each other as onion data (0x85 delivered as 0x86 along the
 * announcer's stored return path) all pass through our onion node, built from c-toxcore's wire
 * format only. Then they route to each other on our relay.
 */
class CToxcoreOnionThroughOurNodeTest {
  @Test
  void twoTcpOnlyCToxcoreClientsWhoseOnlyNodeIsOursComeOnlineBecomeFriendsAndChat() {
    Interop.requireTool("gcc");
    KeyPair a = KeyPair.generate();
    KeyPair b = KeyPair.generate();
    RunningRelay relay = RelayServer.create().host("127.0.0.1").port(0).udpPort(0).bindNow();
    try {
      String relayArg = "127.0.0.1:" + relay.port() + ":" + relay.publicKey().toHex();
      List<String> bootstrap =
          List.of("--bootstrap", "127.0.0.1:" + relay.udpPort() + ":" + relay.publicKey().toHex());
      try (CToxcorePeer pa =
              CToxcorePeer.tcpOnly(
                  Toxcore.system(),
                  "onion-a",
                  a,
                  b.publicKey(),
                  relayArg,
                  List.of(),
                  concat(bootstrap, "--send", "3"));
          CToxcorePeer pb =
              CToxcorePeer.tcpOnly(
                  Toxcore.system(),
                  "onion-b",
                  b,
                  a.publicKey(),
                  relayArg,
                  List.of(),
                  concat(bootstrap, "--echo"))) {
        Duration limit = Duration.ofSeconds(60);
        pa.await(l -> l.equals("SELF_CONNECTION TCP"), limit, "a online (announced on our node)");
        pb.await(l -> l.equals("SELF_CONNECTION TCP"), limit, "b online (announced on our node)");
        pa.await(l -> l.equals("FRIEND_CONNECTION 0 TCP"), limit, "friend connection (a)");
        pb.await(l -> l.equals("FRIEND_CONNECTION 0 TCP"), limit, "friend connection (b)");
        pa.await(l -> l.equals("RECV 0 msg-2"), Duration.ofSeconds(20), "the third echo");
        assertThat(pb.received()).containsExactly("msg-0", "msg-1", "msg-2");
        assertThat(relay.onionOutcomes(OnionNode.Outcome.ANSWERED))
            .as("announce requests answered")
            .isPositive();
        assertThat(relay.onionOutcomes(OnionNode.Outcome.DELIVERED))
            .as("onion responses and data delivered")
            .isPositive();
      }
    } finally {
      relay.disposeNow(Duration.ofSeconds(5));
    }
  }

  /**
   * The same with a tox-bootstrapd as a second bootstrap node: the clients' paths now mix our node
   * and c-toxcore's (nodes 2 and 3 are drawn from both), so onion layers, return blocks and
   * responses cross between the two implementations over real UDP in both directions, and the
   * clients announce to either.
   */
  @Test
  void pathsMixingOurNodeAndToxBootstrapdWork() {
    Interop.requireTool("tox-bootstrapd");
    KeyPair a = KeyPair.generate();
    KeyPair b = KeyPair.generate();
    try (ToxBootstrapd dht = ToxBootstrapd.start(Toxcore.system())) {
      RunningRelay relay = RelayServer.create().host("127.0.0.1").port(0).udpPort(0).bindNow();
      try {
        String relayArg = "127.0.0.1:" + relay.port() + ":" + relay.publicKey().toHex();
        List<String> ours =
            List.of(
                "--bootstrap", "127.0.0.1:" + relay.udpPort() + ":" + relay.publicKey().toHex());
        try (CToxcorePeer pa =
                CToxcorePeer.tcpOnly(
                    Toxcore.system(),
                    "mixed-a",
                    a,
                    b.publicKey(),
                    relayArg,
                    List.of(dht),
                    concat(ours, "--send", "3"));
            CToxcorePeer pb =
                CToxcorePeer.tcpOnly(
                    Toxcore.system(),
                    "mixed-b",
                    b,
                    a.publicKey(),
                    relayArg,
                    List.of(dht),
                    concat(ours, "--echo"))) {
          Duration limit = Duration.ofSeconds(60);
          pa.await(l -> l.equals("FRIEND_CONNECTION 0 TCP"), limit, "friend connection (a)");
          pb.await(l -> l.equals("FRIEND_CONNECTION 0 TCP"), limit, "friend connection (b)");
          pa.await(l -> l.equals("RECV 0 msg-2"), Duration.ofSeconds(20), "the third echo");
          assertThat(pb.received()).containsExactly("msg-0", "msg-1", "msg-2");
          assertThat(relay.onionOutcomes(OnionNode.Outcome.FORWARDED))
              .as("onion hops on our node")
              .isPositive();
        }
      } finally {
        relay.disposeNow(Duration.ofSeconds(5));
      }
    }
  }

  private static List<String> concat(List<String> a, String... more) {
    List<String> out = new java.util.ArrayList<>(a);
    out.addAll(List.of(more));
    return out;
  }
}
