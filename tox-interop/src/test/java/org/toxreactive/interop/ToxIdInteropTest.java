package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.toxreactive.examples.Examples;

/**
 * Issue 13's interop cases: our {@code chat} in Tox ID mode and an unmodified c-toxcore client
 * ({@code src/test/c/tox_friend_peer.c}) meet by Tox ID on a loopback network whose only node is
 * one tox-bootstrapd (its UDP port the DHT bootstrap node, its TCP port the relay of both). Each
 * case prints how long each side took from its start to the friend online ({@code FIGURE ...} on
 * stdout, collected in BENCHMARKS.md item 7).
 */
class ToxIdInteropTest {
  private static final Duration ONLINE_LIMIT = Duration.ofSeconds(60);
  private static final List<String> TWENTY =
      IntStream.range(0, 20).mapToObj(i -> "msg-" + i).toList();

  /** Our chat, run in this JVM, with its output lines timestamped. */
  private static final class OurChat implements AutoCloseable {
    final Lines out = new Lines();
    final Lines err = new Lines();
    final long startNanos = System.nanoTime();
    final CompletableFuture<Integer> exit;

    OurChat(List<String> args) {
      List<String> all = new ArrayList<>(List.of("chat", "--host", "127.0.0.1"));
      all.addAll(args);
      exit =
          CompletableFuture.supplyAsync(
              () ->
                  Examples.run(
                      new PrintWriter(out, true),
                      new PrintWriter(err, true),
                      all.toArray(String[]::new)));
    }

    /** Waits (bounded) for a line matching {@code regex}; its matcher. */
    Matcher await(String regex, Duration limit, String what) {
      Pattern p = Pattern.compile(regex);
      long deadline = System.nanoTime() + limit.toNanos();
      while (System.nanoTime() < deadline) {
        for (String l : out.lines()) {
          Matcher m = p.matcher(l);
          if (m.matches()) {
            return m;
          }
        }
        if (exit.isDone()) {
          break;
        }
        try {
          exit.get(20, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          // not done yet
        }
      }
      throw new AssertionError(
          "our chat never printed " + what + "; output:\n" + out + "\nstderr:\n" + err);
    }

    /** Milliseconds from our start to the first line matching {@code regex}. */
    long millisTo(String regex) {
      return out.millisTo(Pattern.compile(regex), startNanos);
    }

    List<String> received() {
      return out.lines().stream()
          .filter(l -> l.startsWith("RECV "))
          .map(l -> l.substring(5))
          .toList();
    }

    int exitCode(Duration limit) throws Exception {
      return exit.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws Exception {
      exit.get(60, TimeUnit.SECONDS); // every case's chat ends by itself (--seconds)
    }
  }

  /** A Writer that keeps whole lines with the time each one ended. */
  private static final class Lines extends Writer {
    private final StringBuilder partial = new StringBuilder();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<Long> nanos = new CopyOnWriteArrayList<>();

    @Override
    public synchronized void write(char[] cbuf, int off, int len) {
      for (int i = off; i < off + len; i++) {
        if (cbuf[i] == '\n') {
          nanos.add(System.nanoTime());
          lines.add(partial.toString());
          partial.setLength(0);
        } else {
          partial.append(cbuf[i]);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    List<String> lines() {
      return List.copyOf(lines);
    }

    long millisTo(Pattern p, long startNanos) {
      for (int i = 0; i < lines.size(); i++) {
        if (p.matcher(lines.get(i)).matches()) {
          return TimeUnit.NANOSECONDS.toMillis(nanos.get(i) - startNanos);
        }
      }
      return -1;
    }

    @Override
    public String toString() {
      return String.join("\n", lines) + "\n" + partial;
    }
  }

  private static String node(ToxBootstrapd d) {
    return "127.0.0.1:" + d.udpPort() + ":" + d.publicKeyHex();
  }

  private static String relay(ToxBootstrapd d) {
    return "127.0.0.1:" + d.tcpPort() + ":" + d.publicKeyHex();
  }

  private static long cToxcoreMillisTo(CToxcorePeer peer, long startNanos, String line) {
    List<String> lines = peer.lines();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).equals(line)) {
        return TimeUnit.NANOSECONDS.toMillis(peer.nanosOf(i) - startNanos);
      }
    }
    return -1;
  }

  private static void figure(String name, Toxcore toxcore, long ours, long theirs) {
    System.out.printf(
        "FIGURE %s %s: ours %d ms to friend online, c-toxcore %d ms%n",
        name, toxcore, ours, theirs);
  }

  /** We add the c-toxcore peer by its Tox ID; it accepts and echoes our 20 messages. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void weBefriendACToxcorePeerByItsToxIdAnd20MessagesGoBothWays(Toxcore toxcore) throws Exception {
    try (ToxBootstrapd d = ToxBootstrapd.start(toxcore)) {
      long peerStart = System.nanoTime();
      try (CToxcorePeer peer =
          CToxcorePeer.friendPeer(
              toxcore,
              "accepts",
              List.of(
                  "--bootstrap",
                  node(d),
                  "--tcp-relay",
                  relay(d),
                  "--accept",
                  "--echo",
                  "--seconds",
                  "90"))) {
        String ready = peer.await(l -> l.startsWith("READY "), Duration.ofSeconds(10), "READY");
        Matcher address = Pattern.compile("address=([0-9A-F]{76})").matcher(ready);
        assertThat(address.find()).isTrue();
        try (OurChat chat =
            new OurChat(
                List.of(
                    "--bootstrap",
                    node(d),
                    "--relay",
                    relay(d),
                    "--friend",
                    address.group(1),
                    "--request-message",
                    "hi from tox-reactive",
                    "--send",
                    "20",
                    "--expect",
                    "20",
                    "--seconds",
                    "80"))) {
          chat.await("TOXID [0-9A-F]{76}", Duration.ofSeconds(10), "TOXID");
          assertThat(chat.out.lines().get(0)).matches("TOXID [0-9A-F]{76}");
          peer.await(
              l -> l.startsWith("FRIEND_REQUEST ") && l.endsWith(" hi from tox-reactive"),
              ONLINE_LIMIT,
              "our friend request");
          assertThat(chat.exitCode(Duration.ofSeconds(90))).as(chat.out + "\n" + chat.err).isZero();
          assertThat(chat.received()).containsExactlyElementsOf(TWENTY);
          assertThat(peer.received()).containsExactlyElementsOf(TWENTY);
          figure(
              "we-add",
              toxcore,
              chat.millisTo("FRIEND [0-9A-F]{64} (RELAYED|DIRECT)"),
              cToxcoreMillisTo(peer, peerStart, "FRIEND_CONNECTION 0 UDP"));
        }
      }
    }
  }

  /** The c-toxcore peer adds us by the Tox ID our chat printed; we accept and echo its 20. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aCToxcorePeerBefriendsUsByOurPrintedToxId(Toxcore toxcore) throws Exception {
    try (ToxBootstrapd d = ToxBootstrapd.start(toxcore)) {
      try (OurChat chat =
          new OurChat(
              List.of(
                  "--bootstrap",
                  node(d),
                  "--relay",
                  relay(d),
                  "--accept-requests",
                  "--expect",
                  "20",
                  "--seconds",
                  "80"))) {
        Matcher id = chat.await("TOXID ([0-9A-F]{76})", Duration.ofSeconds(10), "TOXID");
        assertThat(chat.out.lines().get(0)).startsWith("TOXID ");
        try (CToxcorePeer peer =
            CToxcorePeer.friendPeer(
                toxcore,
                "adds",
                List.of(
                    "--bootstrap",
                    node(d),
                    "--tcp-relay",
                    relay(d),
                    "--add",
                    id.group(1),
                    "--message",
                    "c-toxcore here",
                    "--send",
                    "20",
                    "--seconds",
                    "90"))) {
          chat.await("FRIEND_REQUEST [0-9A-F]{64} c-toxcore here", ONLINE_LIMIT, "its request");
          assertThat(chat.exitCode(Duration.ofSeconds(90))).as(chat.out + "\n" + chat.err).isZero();
          assertThat(chat.received()).containsExactlyElementsOf(TWENTY);
          peer.await(l -> l.equals("RECV 0 msg-19"), Duration.ofSeconds(20), "the last echo");
          assertThat(peer.received()).containsExactlyElementsOf(TWENTY);
        }
      }
    }
  }

  /**
   * The first case with our node TCP-only: no UDP socket at all, the DHT-PK, the request and the
   * friend connection all go through the bootstrapd's relay (the onion through relay packets 8/9).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void ourTcpOnlyNodeBefriendsACToxcorePeerThroughTheRelay(Toxcore toxcore) throws Exception {
    try (ToxBootstrapd d = ToxBootstrapd.start(toxcore)) {
      long peerStart = System.nanoTime();
      try (CToxcorePeer peer =
          CToxcorePeer.friendPeer(
              toxcore,
              "accepts-tcp",
              List.of(
                  "--bootstrap",
                  node(d),
                  "--tcp-relay",
                  relay(d),
                  "--accept",
                  "--echo",
                  "--seconds",
                  "90"))) {
        String ready = peer.await(l -> l.startsWith("READY "), Duration.ofSeconds(10), "READY");
        Matcher address = Pattern.compile("address=([0-9A-F]{76})").matcher(ready);
        assertThat(address.find()).isTrue();
        try (OurChat chat =
            new OurChat(
                List.of(
                    "--no-udp",
                    "--bootstrap",
                    node(d),
                    "--relay",
                    relay(d),
                    "--friend",
                    address.group(1),
                    "--send",
                    "20",
                    "--expect",
                    "20",
                    "--seconds",
                    "80"))) {
          assertThat(chat.exitCode(Duration.ofSeconds(90))).as(chat.out + "\n" + chat.err).isZero();
          assertThat(chat.received()).containsExactlyElementsOf(TWENTY);
          assertThat(peer.received()).containsExactlyElementsOf(TWENTY);
          assertThat(chat.out.lines()).noneMatch(l -> l.endsWith(" DIRECT"));
          assertThat(chat.out.lines().stream().filter(l -> l.startsWith("KEYS ")))
              .singleElement()
              .satisfies(l -> assertThat(l).endsWith(" port=0"));
          figure(
              "tcp-only",
              toxcore,
              chat.millisTo("FRIEND [0-9A-F]{64} RELAYED"),
              cToxcoreMillisTo(peer, peerStart, "FRIEND_CONNECTION 0 TCP"));
        }
      }
    }
  }

  /**
   * The relayed-then-direct upgrade (issue 13 item 6), made deterministic: our chat holds direct
   * UDP back from net_crypto until 20 echoes have come over the relay ({@code --udp-after 20},
   * docs/protocol.md 14.6), so its friend status is exactly OFFLINE, RELAYED, DIRECT, and each of
   * the 200 messages arrives once and in order both ways across the switch. Our only relay is the
   * bootstrap node's TCP port, given as the 4th field of {@code --bootstrap} (docs/protocol.md
   * 14.5).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void theConnectionIsRelayedThenDirectWithoutALostMessage(Toxcore toxcore) throws Exception {
    try (ToxBootstrapd d = ToxBootstrapd.start(toxcore)) {
      try (CToxcorePeer peer =
          CToxcorePeer.friendPeer(
              toxcore,
              "upgrade",
              List.of(
                  "--bootstrap",
                  node(d),
                  "--tcp-relay",
                  relay(d),
                  "--accept",
                  "--echo",
                  "--seconds",
                  "90"))) {
        String ready = peer.await(l -> l.startsWith("READY "), Duration.ofSeconds(10), "READY");
        Matcher address = Pattern.compile("address=([0-9A-F]{76})").matcher(ready);
        assertThat(address.find()).isTrue();
        List<String> many = IntStream.range(0, 200).mapToObj(i -> "msg-" + i).toList();
        try (OurChat chat =
            new OurChat(
                List.of(
                    "--bootstrap",
                    node(d) + ":" + d.tcpPort(),
                    "--friend",
                    address.group(1),
                    "--udp-after",
                    "20",
                    "--window",
                    "1",
                    "--send",
                    "200",
                    "--expect",
                    "200",
                    "--seconds",
                    "80"))) {
          chat.await("FRIEND [0-9A-F]{64} DIRECT", ONLINE_LIMIT, "DIRECT");
          assertThat(chat.exitCode(Duration.ofSeconds(90))).as(chat.out + "\n" + chat.err).isZero();
          List<String> lines = chat.out.lines();
          List<String> statuses =
              lines.stream()
                  .filter(l -> l.matches("FRIEND [0-9A-F]{64} (OFFLINE|RELAYED|DIRECT)"))
                  .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                  .toList();
          assertThat(statuses)
              .as(chat.out.toString())
              .containsExactly("OFFLINE", "RELAYED", "DIRECT");
          // the 20th echo came over the relay, before DIRECT was printed
          int relayed =
              lines.indexOf(
                  lines.stream().filter(l -> l.endsWith(" RELAYED")).findFirst().orElseThrow());
          int direct =
              lines.indexOf(
                  lines.stream().filter(l -> l.endsWith(" DIRECT")).findFirst().orElseThrow());
          assertThat(
                  lines.subList(relayed, direct).stream()
                      .filter(l -> l.startsWith("RECV "))
                      .count())
              .as("echoes received between RELAYED and DIRECT")
              .isGreaterThanOrEqualTo(20);
          System.out.printf(
              "FIGURE relayed-then-direct %s: RELAYED at %d ms, echo 20 at %d ms, DIRECT at %d ms,"
                  + " echo 200 at %d ms%n",
              toxcore,
              chat.millisTo("FRIEND [0-9A-F]{64} RELAYED"),
              chat.millisTo("RECV msg-19"),
              chat.millisTo("FRIEND [0-9A-F]{64} DIRECT"),
              chat.millisTo("RECV msg-199"));
          assertThat(chat.received()).containsExactlyElementsOf(many);
          assertThat(peer.received()).containsExactlyElementsOf(many);
        }
      }
    }
  }
}
