package org.toxreactive.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.LinkStatus;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;
import org.toxreactive.transport.tcp.RelayAddress;

/** {@code chat} through relays only: arguments, SHARE_RELAYS, two chats over in-process relays. */
class ChatCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Examples.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  /**
   * A PATH line for every status a connection shows: after the data path died, "unreachable" until
   * the peer is heard on the new one, so the last PATH line does not go on naming the dead path.
   */
  @Test
  void everyStatusButConnectingAndOfflineHasAPathLabel() {
    PublicKey relay = KeyPair.generate().publicKey();
    PublicKey peer = KeyPair.generate().publicKey();
    assertThat(
            ChatCommand.pathLabel(new LinkStatus(LinkStatus.Kind.RELAYED, Path.relay(relay, peer))))
        .isEqualTo("relay:" + relay.toHex().substring(0, 8));
    assertThat(
            ChatCommand.pathLabel(
                new LinkStatus(
                    LinkStatus.Kind.DIRECT,
                    Path.udp(new java.net.InetSocketAddress("127.0.0.1", 33445)))))
        .isEqualTo("udp");
    assertThat(ChatCommand.pathLabel(new LinkStatus(LinkStatus.Kind.UNREACHABLE, null)))
        .isEqualTo("unreachable");
    assertThat(ChatCommand.pathLabel(new LinkStatus(LinkStatus.Kind.CONNECTING, null))).isNull();
    assertThat(ChatCommand.pathLabel(new LinkStatus(LinkStatus.Kind.OFFLINE, null))).isNull();
  }

  @Test
  void noUdpNeedsARelayAndExcludesUdp() {
    String relay = "127.0.0.1:33445:" + KeyPair.generate().publicKey().toHex();
    assertThat(run("chat", "--no-udp")).isEqualTo(2);
    assertThat(err.toString()).contains("--no-udp needs at least one --relay");
    assertThat(run("chat", "--no-udp", "--relay", relay, "--udp", "127.0.0.1:1")).isEqualTo(2);
    assertThat(err.toString()).contains("exclude each other");
    assertThat(run("chat", "--relay", "127.0.0.1:33445")).isEqualTo(2);
    assertThat(err.toString()).contains("'--relay'");
    String peer = KeyPair.generate().publicKey().toHex();
    assertThat(run("chat", "--peer", peer, "--peer-dht", peer)).isEqualTo(2);
    assertThat(err.toString()).contains("--peer needs --peer-dht and --udp or --relay");
  }

  @Test
  void toxIdModeOptionsForRelaysAndTheUdpGateAreChecked() {
    String key = KeyPair.generate().publicKey().toHex();
    assertThat(run("chat", "--no-udp", "--bootstrap", "127.0.0.1:33445:" + key)).isEqualTo(2);
    assertThat(err.toString())
        .contains("--no-udp needs at least one --relay or a --bootstrap node with TCP ports");
    assertThat(run("chat", "--bootstrap", "127.0.0.1:33445:" + key + ":70000")).isEqualTo(2);
    assertThat(err.toString())
        .contains("'--bootstrap'")
        .contains("a bootstrap node's TCP port must be 1..65535, got '70000'");
    assertThat(
            run(
                "chat",
                "--no-udp",
                "--udp-after",
                "3",
                "--bootstrap",
                "127.0.0.1:33445:" + key + ":3389"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--udp-after and --no-udp exclude each other");
    assertThat(run("chat", "--udp-after", "-1", "--bootstrap", "127.0.0.1:33445:" + key))
        .isEqualTo(2);
    assertThat(err.toString()).contains("'--udp-after'");
    assertThat(run("chat", "--udp-after", "3")).isEqualTo(2);
    assertThat(err.toString()).contains("--udp-after is a Tox ID mode option");
    err.getBuffer().setLength(0);
    assertThat(run("chat", "--help")).isZero();
    assertThat(out.toString()).contains("--udp-after").contains("HOST:PORT:KEY[:TCP_PORT,...]");
  }

  /** Packed nodes as c-toxcore's unpack_nodes reads them: 130, IPv4, port (BE), key; 3 a packet. */
  @Test
  void shareRelaysPacksThreeTcpNodesAPacket() {
    List<RelayAddress> relays = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      relays.add(RelayAddress.of("127.0.0." + (i + 1), 33445 + i, KeyPair.generate().publicKey()));
    }
    List<Bytes> packets = ChatCommand.shareRelaysPayloads(relays);
    assertThat(packets).hasSize(2);
    assertThat(packets.get(0).length()).isEqualTo(3 * 39);
    assertThat(packets.get(1).length()).isEqualTo(39);
    Bytes first = packets.get(0);
    assertThat(first.slice(0, 7)).isEqualTo(Bytes.ofHex("827f00000182a5"));
    assertThat(first.slice(7, 39)).isEqualTo(Bytes.of(relays.get(0).publicKey().toArray()));
    assertThat(packets.get(1).slice(0, 7)).isEqualTo(Bytes.ofHex("827f00000482a8"));
  }

  /**
   * Two chats, no UDP, through two in-process relays: one accepts (fixed keys), the other connects
   * with both relays as hints; 50 messages go out and are echoed back.
   */
  @Test
  void twoChatsTalkThroughRelaysOnly() throws Exception {
    KeyPair k1 = KeyPair.generate();
    KeyPair k2 = KeyPair.generate();
    RunningRelay r1 = RelayServer.create().keys(k1).host("127.0.0.1").port(0).udpPort(-1).bindNow();
    RunningRelay r2 = RelayServer.create().keys(k2).host("127.0.0.1").port(0).udpPort(-1).bindNow();
    try {
      String relay1 = Chats.relaySpec(r1, k1);
      String relay2 = Chats.relaySpec(r2, k2);
      KeyPair bReal = KeyPair.generate();
      KeyPair bDht = KeyPair.generate();
      StringWriter bOut = new StringWriter();
      StringWriter bErr = new StringWriter();
      CompletableFuture<Integer> b =
          Chats.start(
              bOut,
              bErr,
              "chat",
              "--secret-key",
              bReal.secretKey().toHexUnsafe(),
              "--dht-secret-key",
              bDht.secretKey().toHexUnsafe(),
              "--no-udp",
              "--relay",
              relay1,
              "--relay",
              relay2,
              "--expect",
              "50",
              "--seconds",
              "30");
      int code =
          run(
              "chat",
              "--peer",
              bReal.publicKey().toHex(),
              "--peer-dht",
              bDht.publicKey().toHex(),
              "--no-udp",
              "--relay",
              relay1,
              "--relay",
              relay2,
              "--send",
              "50",
              "--expect",
              "50",
              "--seconds",
              "30");
      assertThat(code).as(err.toString()).isZero();
      assertThat(b.get(30, TimeUnit.SECONDS)).as(bErr.toString()).isZero();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        expected.add("msg-" + i);
      }
      assertThat(recv(out.toString())).containsExactlyElementsOf(expected);
      assertThat(recv(bOut.toString())).containsExactlyElementsOf(expected);
      assertThat(out.toString()).contains("KEYS ").contains(" port=0").contains("PATH relay:");
    } finally {
      r1.disposeNow(Duration.ofSeconds(5));
      r2.disposeNow(Duration.ofSeconds(5));
    }
  }

  /**
   * A listener (no --peer) over UDP serves two chats at once and then a third: each gets exactly
   * its own five echoes (none of the other's), and the first two leaving (each sends a kill) ends
   * only their sessions, so the third is still served and the listener exits 0 after all 15.
   */
  @Test
  void aListenerEchoesToEachSenderOnlyAndOutlivesAPeersKill() throws Exception {
    KeyPair lReal = KeyPair.generate();
    KeyPair lDht = KeyPair.generate();
    StringWriter lOut = new StringWriter();
    StringWriter lErr = new StringWriter();
    CompletableFuture<Integer> listener =
        Chats.start(
            lOut,
            lErr,
            "chat",
            "--secret-key",
            lReal.secretKey().toHexUnsafe(),
            "--dht-secret-key",
            lDht.secretKey().toHexUnsafe(),
            "--expect",
            "15",
            "--seconds",
            "40");
    Pattern keysLine = Pattern.compile("KEYS .* port=(\\d+)");
    Matcher port =
        Awaitility.await("the listener's KEYS line")
            .atMost(Duration.ofSeconds(10))
            .until(() -> keysLine.matcher(lOut.toString()), Matcher::find);
    String udp = "127.0.0.1:" + port.group(1);
    List<String> expected = List.of("msg-0", "msg-1", "msg-2", "msg-3", "msg-4");

    List<StringWriter> outs = new ArrayList<>();
    List<StringWriter> errs = new ArrayList<>();
    List<CompletableFuture<Integer>> callers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      callers.add(caller(lReal, lDht, udp, outs, errs));
    }
    for (int i = 0; i < 2; i++) {
      assertThat(callers.get(i).get(30, TimeUnit.SECONDS)).as(errs.get(i).toString()).isZero();
      assertThat(recv(outs.get(i).toString())).containsExactlyElementsOf(expected);
    }
    assertThat(listener).as("both peers' kills left the listener running").isNotDone();
    CompletableFuture<Integer> third = caller(lReal, lDht, udp, outs, errs);
    assertThat(third.get(30, TimeUnit.SECONDS)).as(errs.get(2).toString()).isZero();
    assertThat(recv(outs.get(2).toString())).containsExactlyElementsOf(expected);
    assertThat(listener.get(30, TimeUnit.SECONDS)).as(lErr.toString()).isZero();
    assertThat(recv(lOut.toString())).hasSize(15);
    assertThat(lOut.toString().lines().filter(l -> l.startsWith("CONNECTED "))).hasSize(3);
  }

  /** A chat that calls the listener over UDP, sends five messages and expects five back. */
  private static CompletableFuture<Integer> caller(
      KeyPair lReal, KeyPair lDht, String udp, List<StringWriter> outs, List<StringWriter> errs) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    outs.add(o);
    errs.add(e);
    return Chats.start(
        o,
        e,
        "chat",
        "--peer",
        lReal.publicKey().toHex(),
        "--peer-dht",
        lDht.publicKey().toHex(),
        "--udp",
        udp,
        "--send",
        "5",
        "--expect",
        "5",
        "--seconds",
        "20");
  }

  private static List<String> recv(String text) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("RECV ")) {
        out.add(line.substring(5).trim());
      }
    }
    return out;
  }
}
