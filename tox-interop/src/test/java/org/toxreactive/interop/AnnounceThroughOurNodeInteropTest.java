package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;

/**
 * announce.c's data search (0x93/0x94, docs/protocol.md 13.8) between our node and an unmodified
 * tox-bootstrapd. Every c-toxcore DHT node sends a 0x93 to each node it adds to its close list and
 * gives out, in its own 0x94 answers, only the nodes whose 0x94 it could open and whose echo it
 * recognised ({@code CHECK_ANNOUNCE_NODE} in DHT.c). So: tox-bootstrapd knows two of our relays,
 * one with forwarding (and so announce.c) on, one with it off; both appear in its nodes responses
 * (0x04), but its data search answers list only the first, which is what shows that our 0x94
 * answers are the ones c-toxcore expects.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AnnounceThroughOurNodeInteropTest {

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  void toxBootstrapdListsOurNodeAsAnAnnounceNodeOnlyWhenItAnswersDataSearches(Toxcore toxcore)
      throws Exception {
    toxcore.require();
    RunningRelay on = relay(true);
    RunningRelay off = relay(false);
    try (ToxBootstrapd daemon =
            ToxBootstrapd.startFrom(
                toxcore,
                List.of(
                    new ToxBootstrapd.Node("127.0.0.1", on.udpPort(), on.publicKey().toHex()),
                    new ToxBootstrapd.Node("127.0.0.1", off.udpPort(), off.publicKey().toHex())));
        DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      IpPort d = new IpPort(InetAddress.getLoopbackAddress(), daemon.udpPort());
      on.dhtBootstrap(d, daemon.publicKey());
      off.dhtBootstrap(d, daemon.publicKey());
      probe.setSoTimeout(500);
      KeyPair me = KeyPair.generate();
      SharedKey k = CryptoBox.beforenm(daemon.publicKey(), me.secretKey());

      // 1. both relays are in tox-bootstrapd's lists: its nodes responses name both
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      List<PublicKey> known = List.of();
      while (System.nanoTime() < deadline && !known.containsAll(keys(on, off))) {
        known = keysOf(exchange(probe, d, me, k, 0x02, KeyPair.generate().publicKey(), 1));
      }
      assertThat(known).as("tox-bootstrapd's nodes response").containsAll(keys(on, off));

      // 2. its data search answers come to list the relay that answers 0x93, never the other
      List<PublicKey> announceNodes = List.of();
      int searches = 0;
      deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline && !announceNodes.contains(on.publicKey())) {
        announceNodes = keysOf(exchange(probe, d, me, k, 0x93, on.publicKey(), 2));
        searches++;
      }
      assertThat(announceNodes)
          .as("announce nodes in tox-bootstrapd's 0x94 after %d searches", searches)
          .contains(on.publicKey())
          .doesNotContain(off.publicKey());
      for (int i = 0; i < 5; i++) {
        assertThat(keysOf(exchange(probe, d, me, k, 0x93, off.publicKey(), 2)))
            .as("a search for the relay without announce.c")
            .doesNotContain(off.publicKey());
      }
      long answered =
          (long)
              on.metrics()
                  .get("tox.relay.onion.node")
                  .tag("outcome", "answered")
                  .functionCounter()
                  .count();
      assertThat(answered).as("requests our node answered").isPositive();
      System.out.printf(
          "%s: tox-bootstrapd lists our announce.c node after %d searches; nodes it knows %d,"
              + " announce nodes %d%n",
          toxcore, searches, known.size(), announceNodes.size());
      assertThat(daemon.isAlive()).isTrue();
    } finally {
      on.disposeNow(Duration.ofSeconds(5));
      off.disposeNow(Duration.ofSeconds(5));
    }
  }

  /**
   * The other direction: our node's own 0x94 answers list only nodes that answered its 0x93 (as
   * c-toxcore 0.2.20's {@code get_close_nodes(..., want_announce)}). Our hub relay knows
   * tox-bootstrapd and two of our relays, one with forwarding (announce.c) on, one off; its nodes
   * responses name all three, its data search answers only tox-bootstrapd and the first relay.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  void ourNodeListsAsAnnounceNodesOnlyNodesThatAnswerItsDataSearches(Toxcore toxcore)
      throws Exception {
    toxcore.require();
    RunningRelay hub = relay(true);
    RunningRelay on = relay(true);
    RunningRelay off = relay(false);
    IpPort h = new IpPort(InetAddress.getLoopbackAddress(), hub.udpPort());
    on.dhtBootstrap(h, hub.publicKey());
    off.dhtBootstrap(h, hub.publicKey());
    try (ToxBootstrapd daemon =
            ToxBootstrapd.startFrom(
                toxcore,
                List.of(
                    new ToxBootstrapd.Node("127.0.0.1", hub.udpPort(), hub.publicKey().toHex())));
        DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      probe.setSoTimeout(500);
      KeyPair me = KeyPair.generate();
      SharedKey k = CryptoBox.beforenm(hub.publicKey(), me.secretKey());
      List<PublicKey> all = List.of(daemon.publicKey(), on.publicKey(), off.publicKey());

      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      List<PublicKey> known = List.of();
      while (System.nanoTime() < deadline && !known.containsAll(all)) {
        // a target near each in turn, so all three get into the 4 answered
        for (PublicKey t : all) {
          List<PublicKey> got = keysOf(exchange(probe, h, me, k, 0x02, t, 1));
          known = new ArrayList<>(known);
          known.addAll(got);
        }
      }
      assertThat(known).as("our hub's nodes responses").containsAll(all);

      List<PublicKey> announceNodes = new ArrayList<>();
      deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline
          && !announceNodes.containsAll(List.of(daemon.publicKey(), on.publicKey()))) {
        for (PublicKey t : all) {
          announceNodes.addAll(keysOf(exchange(probe, h, me, k, 0x93, t, 2)));
        }
      }
      assertThat(announceNodes)
          .as("announce nodes in our hub's 0x94")
          .contains(daemon.publicKey(), on.publicKey())
          .doesNotContain(off.publicKey());
      assertThat(hub.dht().announcePingsSent()).as("0x93 our hub sent").isGreaterThanOrEqualTo(3);
      assertThat(daemon.isAlive()).isTrue();
    } finally {
      hub.disposeNow(Duration.ofSeconds(5));
      on.disposeNow(Duration.ofSeconds(5));
      off.disposeNow(Duration.ofSeconds(5));
    }
  }

  private static List<PublicKey> keys(RunningRelay... relays) {
    return Arrays.stream(relays).map(RunningRelay::publicKey).toList();
  }

  private static RunningRelay relay(boolean forwarding) {
    return RelayServer.create()
        .keys(KeyPair.generate())
        .host("127.0.0.1")
        .port(0)
        .udpPort(0)
        .forwarding(forwarding)
        .bindNow();
  }

  /**
   * Sends a nodes request (0x02: key ‖ ping id) or a data search (0x93: key ‖ echo) for {@code
   * target} and returns the packed nodes of the answer (0x04 or 0x94), empty if none came in 500
   * ms.
   */
  private static List<PackedNode> exchange(
      DatagramSocket s, IpPort to, KeyPair me, SharedKey k, int type, PublicKey target, long echo)
      throws Exception {
    CryptoBox box = new CryptoBox();
    byte[] plain = ByteBuffer.allocate(40).put(target.toArray()).putLong(echo).array();
    Nonce n = Nonce.random();
    byte[] sealed = box.seal(k, n, plain);
    byte[] req =
        ByteBuffer.allocate(57 + sealed.length)
            .put((byte) type)
            .put(me.publicKey().toArray())
            .put(n.toArray())
            .put(sealed)
            .array();
    s.send(new DatagramPacket(req, req.length, new InetSocketAddress(to.address(), to.port())));
    int want = type == 0x02 ? 0x04 : 0x94;
    long end = System.nanoTime() + 500_000_000L;
    byte[] buf = new byte[2048];
    while (System.nanoTime() < end) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        s.receive(p);
      } catch (SocketTimeoutException e) {
        break;
      }
      if (p.getLength() < 57 + 16 || (buf[0] & 0xFF) != want) {
        continue; // e.g. tox-bootstrapd pinging the probe
      }
      byte[] r =
          box.open(
              k,
              Nonce.of(Arrays.copyOfRange(buf, 33, 57)),
              Arrays.copyOfRange(buf, 57, p.getLength()));
      if (r == null || ByteBuffer.wrap(r, r.length - 8, 8).getLong() != echo) {
        continue;
      }
      int at;
      if (want == 0x04) {
        at = 0;
      } else {
        // data key ‖ stored [‖ hash] ‖ token ‖ would accept ‖ count ‖ nodes
        at = 32 + 1 + (r[32] != 0 ? 32 : 0) + 32 + 1;
      }
      int count = r[at] & 0xFF;
      ByteBuf in = Unpooled.wrappedBuffer(r, at + 1, r.length - at - 1 - 8);
      try {
        return PackedNode.readAll(in, count);
      } finally {
        in.release();
      }
    }
    return List.of();
  }

  private static List<PublicKey> keysOf(List<PackedNode> nodes) {
    List<PublicKey> out = new ArrayList<>();
    for (PackedNode p : nodes) {
      out.add(p.key());
    }
    return out;
  }
}
