package org.toxreactive.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
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

  @Test
  void noUdpNeedsARelayAndExcludesUdp() {
    String relay = "127.0.0.1:33445:" + KeyPair.generate().publicKey().toHex();
    assertThat(run("chat", "--no-udp")).isEqualTo(2);
    assertThat(err.toString()).contains("--no-udp needs at least one --relay");
    assertThat(run("chat", "--no-udp", "--relay", relay, "--udp", "127.0.0.1:1")).isEqualTo(2);
    assertThat(err.toString()).contains("exclude each other");
    assertThat(run("chat", "--relay", "127.0.0.1:33445")).isEqualTo(2);
    assertThat(err.toString()).contains("--relay:");
    String peer = KeyPair.generate().publicKey().toHex();
    assertThat(run("chat", "--peer", peer, "--peer-dht", peer)).isEqualTo(2);
    assertThat(err.toString()).contains("--peer needs --peer-dht and --udp or --relay");
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
      String relay1 = "127.0.0.1:" + r1.port() + ":" + k1.publicKey().toHex();
      String relay2 = "127.0.0.1:" + r2.port() + ":" + k2.publicKey().toHex();
      KeyPair bReal = KeyPair.generate();
      KeyPair bDht = KeyPair.generate();
      StringWriter bOut = new StringWriter();
      StringWriter bErr = new StringWriter();
      CompletableFuture<Integer> b =
          CompletableFuture.supplyAsync(
              () ->
                  Examples.run(
                      new PrintWriter(bOut, true),
                      new PrintWriter(bErr, true),
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
                      "30"));
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
