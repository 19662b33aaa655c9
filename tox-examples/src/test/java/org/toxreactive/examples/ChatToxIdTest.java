package org.toxreactive.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;

/** {@code chat}'s Tox ID mode: its arguments, and two chats that meet by Tox ID on our relay. */
class ChatToxIdTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Examples.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void badToxIdModeArgumentsAreOneLineErrors() {
    String key = KeyPair.generate().publicKey().toHex();
    assertThat(run("chat", "--friend", key)).isEqualTo(2);
    assertThat(err.toString()).contains("a Tox ID is 76 hex digits, got 64 characters");
    assertThat(run("chat", "--friend", key + "000000000000")).isEqualTo(2);
    assertThat(err.toString()).contains("checksum");
    assertThat(run("chat", "--bootstrap", "127.0.0.1:33445")).isEqualTo(2);
    assertThat(err.toString()).contains("'--bootstrap'");
    assertThat(run("chat", "--bootstrap", "127.0.0.1:0:" + key)).isEqualTo(2);
    assertThat(err.toString()).contains("port must be 1..65535");
    assertThat(run("chat", "--bootstrap", "127.0.0.1:1:" + key, "--peer", key)).isEqualTo(2);
    assertThat(err.toString()).contains("exclude each other");
    assertThat(run("chat", "--accept-requests", "--no-udp")).isEqualTo(2);
    assertThat(err.toString()).contains("--no-udp needs at least one --relay");
    assertThat(run("chat", "--accept-requests", "--request-message", "")).isEqualTo(2);
    assertThat(err.toString()).contains("--request-message must be 1..1016 bytes");
    assertThat(err.toString().lines().filter(l -> l.contains("\tat "))).isEmpty();
  }

  /**
   * Two TCP-only chats whose only node is our relay (its TCP port as their relay, its UDP port as
   * their bootstrap node, which is a DHT and onion node too): one accepts requests and echoes, the
   * other adds it by the Tox ID it printed, sends 5 messages and gets the 5 echoes.
   */
  @Test
  void twoChatsMeetByToxIdThroughOurRelayOnly() throws Exception {
    KeyPair relayKeys = KeyPair.generate();
    RunningRelay relay =
        RelayServer.create().keys(relayKeys).host("127.0.0.1").port(0).udpPort(0).bindNow();
    try {
      String relayArg = "127.0.0.1:" + relay.port() + ":" + relayKeys.publicKey().toHex();
      String bootstrap = "127.0.0.1:" + relay.udpPort() + ":" + relayKeys.publicKey().toHex();
      StringWriter bOut = new StringWriter();
      StringWriter bErr = new StringWriter();
      CompletableFuture<Integer> b =
          CompletableFuture.supplyAsync(
              () ->
                  Examples.run(
                      new PrintWriter(bOut, true),
                      new PrintWriter(bErr, true),
                      "chat",
                      "--no-udp",
                      "--relay",
                      relayArg,
                      "--bootstrap",
                      bootstrap,
                      "--accept-requests",
                      "--expect",
                      "5",
                      "--seconds",
                      "60"));
      Matcher id =
          Awaitility.await("b's TOXID line")
              .atMost(Duration.ofSeconds(10))
              .until(
                  () ->
                      Pattern.compile("^TOXID ([0-9A-F]{76})$", Pattern.MULTILINE)
                          .matcher(bOut.toString()),
                  Matcher::find);
      assertThat(bOut.toString()).startsWith("TOXID ");
      int code =
          run(
              "chat",
              "--no-udp",
              "--relay",
              relayArg,
              "--bootstrap",
              bootstrap,
              "--friend",
              id.group(1),
              "--request-message",
              "hello from a",
              "--send",
              "5",
              "--expect",
              "5",
              "--seconds",
              "60");
      assertThat(code).as(out + "\n" + err + "\n--- b:\n" + bOut + bErr).isZero();
      assertThat(b.get(30, TimeUnit.SECONDS)).as(bErr.toString()).isZero();
      List<String> expected = List.of("msg-0", "msg-1", "msg-2", "msg-3", "msg-4");
      assertThat(recv(out.toString())).containsExactlyElementsOf(expected);
      assertThat(recv(bOut.toString())).containsExactlyElementsOf(expected);
      assertThat(bOut.toString()).contains("FRIEND_REQUEST ").contains(" hello from a");
      assertThat(out.toString()).contains(" RELAYED");
    } finally {
      relay.disposeNow(Duration.ofSeconds(5));
    }
  }

  private static List<String> recv(String output) {
    return output.lines().filter(l -> l.startsWith("RECV ")).map(l -> l.substring(5)).toList();
  }
}
