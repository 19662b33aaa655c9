package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.toxreactive.core.KeyPair;
import org.toxreactive.examples.Examples;

/**
 * How many packet requests (net_crypto data id 1: acks, hole reports, keepalives) each side sends
 * per other data packet in one exchange between our chat and an unmodified c-toxcore echo peer
 * (each of {@link Toxcore#versions()}) over UDP on loopback. Both sides are counted by our node:
 * ours as it sends them, c-toxcore's as they decrypt on our side (every packet of c-toxcore's
 * reaches us: loopback, one path), and chat prints the counts on exit.
 *
 * <p>c-toxcore sends a request at least once a second, and more often only in the 50 ms after a
 * sample that saw lossless packets arrive at more than 4 a second: then at intervals of {@code
 * min(12.5 * (rate + 1) / (holes span + 1), 4000 / rate + 50)} ms, clamped to 50..1000 ms.
 */
class RequestRateInteropTest {
  private static final Pattern STATS =
      Pattern.compile(
          "STATS requests_sent=(\\d+) data_sent=(\\d+) requests_received=(\\d+)"
              + " data_received=(\\d+)");

  /**
   * Our chat sends 150 messages and c-toxcore echoes them; chat keeps {@code window} messages
   * unanswered (a new one per echo): 1 is a ping-pong, 32 is chat's default.
   */
  static Stream<Arguments> versionsAndWindows() {
    return Toxcore.versions().flatMap(t -> Stream.of(Arguments.of(t, 1), Arguments.of(t, 32)));
  }

  @ParameterizedTest(name = "{0}, window {1}")
  @MethodSource("versionsAndWindows")
  void weSendRequestsAtMostTwiceAsOftenPerDataPacketAsCToxcoreInTheSameExchange(
      Toxcore toxcore, int window) {
    KeyPair ours = KeyPair.generate();
    KeyPair theirs = KeyPair.generate();
    int port = Interop.freePort();
    int n = 150;
    try (CToxcorePeer peer =
        CToxcorePeer.udp(toxcore, "rate", theirs, ours.publicKey(), port, List.of("--echo"))) {
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
              "--window",
              String.valueOf(window),
              "--send",
              String.valueOf(n),
              "--expect",
              String.valueOf(n),
              "--seconds",
              "40");
      assertThat(code).as(err.toString()).isZero();
      List<String> recv = new ArrayList<>();
      String stats = null;
      for (String line : out.toString().split("\n")) {
        if (line.startsWith("RECV ")) {
          recv.add(line.substring(5).trim());
        } else if (line.startsWith("STATS ")) {
          stats = line.trim();
        }
      }
      assertThat(recv).hasSize(n);
      assertThat(stats).as(out.toString()).isNotNull();
      Matcher s = STATS.matcher(stats);
      assertThat(s.matches()).as(stats).isTrue();
      long ourRequests = Long.parseLong(s.group(1));
      long ourData = Long.parseLong(s.group(2));
      long theirRequests = Long.parseLong(s.group(3));
      long theirData = Long.parseLong(s.group(4));
      assertThat(ourData).as("our messages and friend packets").isGreaterThanOrEqualTo(n);
      assertThat(theirData).as("c-toxcore's echoes and friend packets").isGreaterThanOrEqualTo(n);
      assertThat(theirRequests).as("c-toxcore's requests").isPositive();
      double ourRatio = (double) ourRequests / ourData;
      double theirRatio = (double) theirRequests / theirData;
      System.out.printf(
          "%s, window %d: requests per other data packet: ours %d/%d = %.2f, c-toxcore's %d/%d ="
              + " %.2f (%.1fx)%n",
          toxcore,
          window,
          ourRequests,
          ourData,
          ourRatio,
          theirRequests,
          theirData,
          theirRatio,
          ourRatio / theirRatio);
      assertThat(ourRatio).as("our requests per data packet").isLessThanOrEqualTo(2 * theirRatio);
    }
  }
}
