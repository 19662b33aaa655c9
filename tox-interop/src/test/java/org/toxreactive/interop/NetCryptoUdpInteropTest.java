package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.examples.Examples;

/**
 * Our net_crypto and an unmodified c-toxcore 0.2.18 peer, directly over UDP on loopback, no DHT, no
 * onion: we know the peer's DHT key and port; it has our real key as a friend. Our chat example
 * connects, c-toxcore reports the friend online over UDP, and 1,000 messages go out and come back
 * (c-toxcore echoes) in order.
 */
class NetCryptoUdpInteropTest {
  @Test
  void ourNodeConnectsToCToxcoreOverUdpAndAThousandMessagesComeBackInOrder() {
    KeyPair ours = KeyPair.generate();
    KeyPair theirs = KeyPair.generate();
    int port = Interop.freePort();
    try (CToxcorePeer peer =
        CToxcorePeer.udp("echo", theirs, ours.publicKey(), port, List.of("--echo"))) {
      String ready = peer.await(l -> l.startsWith("READY "), Duration.ofSeconds(10), "READY");
      Matcher m = Pattern.compile("dht=([0-9A-F]{64})").matcher(ready);
      assertThat(m.find()).isTrue();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code =
          Examples.run(
              new PrintWriter(out, true),
              new PrintWriter(err, true),
              "chat",
              "--secret-key",
              ours.secretKey().toHexUnsafe(),
              "--peer",
              theirs.publicKey().toHex(),
              "--peer-dht",
              m.group(1),
              "--udp",
              "127.0.0.1:" + port,
              "--send",
              "1000",
              "--expect",
              "1000",
              "--seconds",
              "60");
      assertThat(code).as(err.toString()).isZero();
      peer.await(
          l -> l.equals("FRIEND_CONNECTION 0 UDP"),
          Duration.ofSeconds(5),
          "friend online over UDP");
      List<String> recv = new ArrayList<>();
      for (String line : out.toString().split("\n")) {
        if (line.startsWith("RECV ")) {
          recv.add(line.substring(5).trim());
        }
      }
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        expected.add("msg-" + i);
      }
      assertThat(recv).containsExactlyElementsOf(expected);
      assertThat(peer.received()).containsExactlyElementsOf(expected);
    }
  }
}
