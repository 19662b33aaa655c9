package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.dht.DhtConfig;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;

/**
 * A mixed network bootstrapped in a chain (issue 12): three of our relay nodes (DHT, onion and
 * relay on one key) and one c-toxcore 0.2.18 tox-bootstrapd, each bootstrapping only from its
 * neighbour ({@code ours1 <- ours2 <- ours3 <- tox-bootstrapd}). Two c-toxcore peers (UDP on) sit
 * at the opposite ends: one bootstrapped only from {@code ours1}, the other only from
 * tox-bootstrapd. They come online, find each other (DHT and onion across the chain), become
 * friends and exchange messages; tox-bootstrapd's log shows that it connected to its only bootstrap
 * node ({@code ours3}) and it gives out {@code ours1}, which it was never told about, when asked
 * for the nodes closest to that key.
 */
class MixedChainInteropTest {
  private final List<RunningRelay> ours = new ArrayList<>();
  private ToxBootstrapd daemon;
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
    if (daemon != null) {
      daemon.close();
    }
    for (RunningRelay r : ours) {
      r.disposeNow(Duration.ofSeconds(5));
    }
  }

  private static IpPort loopback(int port) {
    return new IpPort(InetAddress.getLoopbackAddress(), port);
  }

  /** One of our nodes on 127.0.0.1 (TCP and UDP ports free), bootstrapping from {@code from}. */
  private RunningRelay ourNode(RunningRelay from) {
    DhtConfig dht = DhtConfig.defaults();
    if (from != null) {
      dht =
          dht.withBootstrapNodes(
              List.of(new DhtConfig.BootstrapNode(loopback(from.udpPort()), from.publicKey())));
    }
    RunningRelay r =
        RelayServer.create()
            .keys(KeyPair.generate())
            .host("127.0.0.1")
            .port(0)
            .udpPort(0)
            .dht(dht)
            .bindNow();
    ours.add(r);
    return r;
  }

  @Test
  void peersAtOppositeEndsOfAChainOfOurNodesAndToxBootstrapdBecomeFriendsAndChat() {
    Interop.requireTool("tox-bootstrapd");
    Toxcore toxcore = Toxcore.system();
    RunningRelay ours1 = ourNode(null);
    RunningRelay ours2 = ourNode(ours1);
    RunningRelay ours3 = ourNode(ours2);
    daemon =
        ToxBootstrapd.startFrom(
            toxcore,
            List.of(
                new ToxBootstrapd.Node("127.0.0.1", ours3.udpPort(), ours3.publicKey().toHex())));

    // the chain is up before the peers start: each node knows its neighbour
    daemon.awaitLog(ToxBootstrapd.CONNECTED_TO_BOOTSTRAP_NODE, Duration.ofSeconds(30));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(ours1.dhtCloseList()).contains(ours2.publicKey());
              assertThat(ours2.dhtCloseList()).contains(ours1.publicKey(), ours3.publicKey());
              assertThat(ours3.dhtCloseList()).contains(ours2.publicKey(), daemon.publicKey());
            });

    KeyPair ka = KeyPair.generate();
    KeyPair kb = KeyPair.generate();
    int portA = Interop.freePort();
    int portB = Interop.freePort();
    a =
        CToxcorePeer.udp(
            toxcore,
            "chain-a",
            ka,
            kb.publicKey(),
            portA,
            List.of(
                "--bootstrap",
                "127.0.0.1:" + ours1.udpPort() + ":" + ours1.publicKey().toHex(),
                "--send",
                "3"));
    b =
        CToxcorePeer.udp(
            toxcore,
            "chain-b",
            kb,
            ka.publicKey(),
            portB,
            List.of(
                "--bootstrap",
                "127.0.0.1:" + daemon.udpPort() + ":" + daemon.publicKeyHex(),
                "--echo"));
    PublicKey dhtA = CToxcoreDhtThroughOurNodeTest.dhtKey(a);
    PublicKey dhtB = CToxcoreDhtThroughOurNodeTest.dhtKey(b);

    Duration limit = Duration.ofSeconds(100);
    a.await(l -> l.startsWith("SELF_CONNECTION ") && !l.endsWith(" NONE"), limit, "a online");
    b.await(l -> l.startsWith("SELF_CONNECTION ") && !l.endsWith(" NONE"), limit, "b online");
    a.await(l -> l.startsWith("FRIEND_CONNECTION 0 ") && !l.endsWith(" NONE"), limit, "a: friend");
    b.await(l -> l.startsWith("FRIEND_CONNECTION 0 ") && !l.endsWith(" NONE"), limit, "b: friend");
    a.await(l -> l.equals("RECV 0 msg-2"), Duration.ofSeconds(30), "the third echo");
    assertThat(b.received()).containsExactly("msg-0", "msg-1", "msg-2");

    // the ends learned each other through the chain: our first node knows a, and b (which was
    // only told of tox-bootstrapd) is known across the chain too
    assertThat(ours1.dhtCloseList()).contains(dhtA);
    assertThat(ours.stream().anyMatch(r -> r.dhtCloseList().contains(dhtB)))
        .as("b's DHT key reached one of our nodes")
        .isTrue();
    // tox-bootstrapd was only told of ours3; it learned ours1 through the DHT and gives it out
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(
                        CToxcoreDhtThroughOurNodeTest.closestTo(
                            daemon.udpPort(), daemon.publicKey(), ours1.publicKey()))
                    .contains(ours1.publicKey()));
    assertThat(ours.stream().mapToLong(RunningRelay::peakClients).sum())
        .as("no TCP client: UDP peers")
        .isZero();
    assertThat(daemon.isAlive()).isTrue();
  }
}
