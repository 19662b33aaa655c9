package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.toxreactive.core.KeyPair;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;

/**
 * Two unmodified c-toxcore clients, UDP disabled, whose only TCP relay is OUR relay server, become
 * friends and exchange messages both ways: both of one version (each of {@link
 * Toxcore#versions()}), and one of each of two versions (mixed: a 0.2.18 client and a 0.2.20 client
 * on the same relay, as users of several releases meet on public relays).
 *
 * <p>Smallest setup that works: one tox-bootstrapd as the UDP DHT node (LAN discovery off, no
 * bootstrap nodes) that both clients {@code tox_bootstrap} to, and our relay on other ports. The
 * clients find each other through the onion: their onion requests travel over our relay (TCP id 8),
 * which bridges them to the DHT node over UDP (0x81) and returns the answers (0x8E -> id 9). Once
 * the friends know each other's DHT keys they route to each other on our relay and net_crypto runs
 * over it. Measured on loopback: friend connection after about 8-12 s.
 */
class CToxcoreThroughOurRelayTest {
  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  void twoCToxcoreClientsBecomeFriendsAndChatThroughOurRelay(Toxcore toxcore) {
    chat(toxcore, toxcore, toxcore);
  }

  // no pairs when only one version is selected
  @ParameterizedTest(name = "{0} sends, {1} echoes (DHT node {1})", allowZeroInvocations = true)
  @MethodSource("org.toxreactive.interop.Toxcore#mixedPairs")
  void clientsOfTwoVersionsBecomeFriendsAndChatThroughOurRelay(Toxcore older, Toxcore newer) {
    chat(older, newer, newer);
  }

  /**
   * Client a ({@code va}) sends 5 messages, client b ({@code vb}) echoes; DHT node of {@code vd}.
   */
  private static void chat(Toxcore va, Toxcore vb, Toxcore vd) {
    va.require();
    vb.require();
    KeyPair a = KeyPair.generate();
    KeyPair b = KeyPair.generate();
    try (ToxBootstrapd dht = ToxBootstrapd.start(vd)) {
      RunningRelay relay = RelayServer.create().host("127.0.0.1").port(0).udpPort(0).bindNow();
      try {
        String relayArg = "127.0.0.1:" + relay.port() + ":" + relay.publicKey().toHex();
        try (CToxcorePeer pa =
                CToxcorePeer.tcpOnly(
                    va, "a", a, b.publicKey(), relayArg, List.of(dht), List.of("--send", "5"));
            CToxcorePeer pb =
                CToxcorePeer.tcpOnly(
                    vb, "b", b, a.publicKey(), relayArg, List.of(dht), List.of("--echo"))) {
          Duration limit = Duration.ofSeconds(60);
          pa.await(
              l -> l.equals("FRIEND_CONNECTION 0 TCP"), limit, "friend connection over TCP (a)");
          pb.await(
              l -> l.equals("FRIEND_CONNECTION 0 TCP"), limit, "friend connection over TCP (b)");
          pa.await(l -> l.equals("RECV 0 msg-4"), Duration.ofSeconds(20), "the fifth echo");
          assertThat(pb.received()).containsExactly("msg-0", "msg-1", "msg-2", "msg-3", "msg-4");
          assertThat(pa.received()).containsExactly("msg-0", "msg-1", "msg-2", "msg-3", "msg-4");
          assertThat(relay.peakClients()).isGreaterThanOrEqualTo(2);
          assertThat(relay.metrics().counter("tox.relay.onion", "direction", "to_udp").count())
              .as("onion requests bridged to UDP")
              .isPositive();
        }
      } finally {
        relay.disposeNow(Duration.ofSeconds(5));
      }
    }
  }
}
