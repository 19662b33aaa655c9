package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.examples.Examples;
import org.toxreactive.examples.TimedLines;

/**
 * Our chat example reaches an unmodified c-toxcore 0.2.18 peer that has UDP disabled, through TCP
 * relays only ({@code chat --no-udp --relay R1 --relay R2}): no DHT, no onion. We know the peer's
 * DHT key; the peer knows only its relays ({@code tox_add_tcp_relay}) and our real key (a friend
 * without request). Messages go out and c-toxcore echoes them; mid-stream the relay our data goes
 * through is killed (SIGKILL) and the rest still arrive, in order, exactly once, and c-toxcore
 * never reports the friend offline. Once against two of our relays (separate processes of the
 * shaded jar), once against two tox-bootstrapd daemons; then our chat as the accepting side.
 *
 * <p>What c-toxcore does (read in TCP_connection.c, net_crypto.c, friend_connection.c; seen here):
 *
 * <ul>
 *   <li>Our cookie request arrives out of band (OOB) on both relays; c-toxcore answers each OOB on
 *       the same relay (stateless). Our handshake also arrives on both: the first one is a new
 *       connection (friend without a crypto connection: accepted), which attaches that relay and
 *       sends a routing request there; the second finds the connection NOT_CONFIRMED and is
 *       dropped. Its handshake comes back on the accepting relay; our data must go there too: data
 *       that reaches it OOB on the other relay (not attached to the connection) is dropped.
 *   <li>c-toxcore 0.2.18 does not share its relays: {@code tcp_copy_connected_relays_index} copies
 *       nothing when it has at most 3 relays ({@code end == start}), so SHARE_RELAYS is never sent
 *       and the other relay is never attached. Killing the accepting relay then ended the
 *       connection (nothing more got through; our chat timed out with 100 of 300). Our chat
 *       therefore sends SHARE_RELAYS (17) naming its relays: c-toxcore attaches each and routes to
 *       us there, ~0.1-0.2 s after the first.
 *   <li>On the kill, the peer's link to the dead relay is reset; c-toxcore reconnects once, fails,
 *       deletes the relay and sends on its other ONLINE relay. Echoes stall ~0.5 s: a packet
 *       requested over TCP is resent only if sent more than DEFAULT_TCP_PING_CONNECTION (500 ms)
 *       ago. The friend stays online.
 *   <li>Timing (loopback, 2 busy cores): friend online over TCP 0.25-0.75 s after our chat printed
 *       KEYS (the first relay link and cookie round trip included), ~0.1 s after our side was
 *       connected; 300 messages there and back in 6.5-7 s (tox_peer sends one echo per 20 ms).
 * </ul>
 */
class CToxcoreTcpOnlyThroughRelaysTest {
  private static final int MESSAGES = 300;
  private static final int KILL_AFTER = 100;

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  void ourNodeReachesATcpOnlyCToxcorePeerThroughOurRelay(Toxcore toxcore) throws Exception {
    toxcore.require();
    KeyPair[] keys = {KeyPair.generate(), KeyPair.generate()};
    // R1 sorts first: our PathTable prefers relays in key order, so our data starts on R1.
    Arrays.sort(
        keys, (a, b) -> Arrays.compareUnsigned(a.publicKey().toArray(), b.publicKey().toArray()));
    try (RelayProcess r1 = RelayProcess.start("r1", keys[0]);
        RelayProcess r2 = RelayProcess.start("r2", keys[1])) {
      Map<PublicKey, Runnable> killers = new LinkedHashMap<>();
      killers.put(r1.publicKey(), r1::kill);
      killers.put(r2.publicKey(), r2::kill);
      Result r = exchange(toxcore, "ours", List.of(r1.spec(), r2.spec()), killers);
      assertThat(r.killed).isNotNull();
      System.out.println(toxcore + " TCP-only through our relays (separate processes): " + r);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  void ourNodeReachesATcpOnlyCToxcorePeerThroughToxBootstrapd(Toxcore toxcore) throws Exception {
    try (ToxBootstrapd b1 = ToxBootstrapd.start(toxcore);
        ToxBootstrapd b2 = ToxBootstrapd.start(toxcore)) {
      Map<PublicKey, Runnable> killers = new LinkedHashMap<>();
      for (ToxBootstrapd b : List.of(b1, b2)) {
        killers.put(
            b.publicKey(),
            () -> {
              ProcessHandle.of(b.pid()).ifPresent(ProcessHandle::destroyForcibly);
              org.awaitility.Awaitility.await()
                  .atMost(Duration.ofSeconds(10))
                  .until(() -> !b.isAlive());
            });
      }
      Result r =
          exchange(
              toxcore,
              "bootstrapd",
              List.of(
                  "127.0.0.1:" + b1.tcpPort() + ":" + b1.publicKeyHex(),
                  "127.0.0.1:" + b2.tcpPort() + ":" + b2.publicKeyHex()),
              killers);
      System.out.println(toxcore + " TCP-only through tox-bootstrapd relays: " + r);
    }
  }

  /**
   * Our chat as the accepting side through relays. c-toxcore cannot be given our DHT key, so we
   * first connect (a few messages, then a clean exit: our kill packet). c-toxcore's
   * friend_connection then reconnects by itself: it still knows our DHT key, and the relays our
   * SHARE_RELAYS named are stored for us, so its new connection is attached to them and its cookie
   * requests go out of band to our DHT key there. Our chat starts again WITHOUT {@code --peer},
   * with the same real and DHT keys and relays, no UDP: it answers the OOB cookie request, accepts
   * the OOB handshake, and echoes the messages c-toxcore sends once the friend is online again.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  void cToxcoreReconnectsThroughTheRelaysToOurAcceptingChat(Toxcore toxcore) throws Exception {
    toxcore.require();
    KeyPair[] keys = {KeyPair.generate(), KeyPair.generate()};
    try (RelayProcess r1 = RelayProcess.start("r1", keys[0]);
        RelayProcess r2 = RelayProcess.start("r2", keys[1])) {
      KeyPair ours = KeyPair.generate();
      KeyPair ourDht = KeyPair.generate();
      KeyPair theirs = KeyPair.generate();
      int n = 200;
      List<String> relays = List.of(r1.spec(), r2.spec());
      try (CToxcorePeer peer =
          CToxcorePeer.tcpOnly(
              toxcore,
              "accept",
              theirs,
              ours.publicKey(),
              relays,
              List.of(),
              List.of(
                  "--echo",
                  "--send",
                  String.valueOf(n),
                  "--send-on-connection",
                  "2",
                  "--spacing",
                  "2"))) {
        String ready = peer.await(l -> l.startsWith("READY "), Duration.ofSeconds(10), "READY");
        Matcher m = Pattern.compile("dht=([0-9A-F]{64})").matcher(ready);
        assertThat(m.find()).isTrue();
        List<String> identity =
            new ArrayList<>(
                List.of(
                    "chat",
                    "--secret-key",
                    ours.secretKey().toHexUnsafe(),
                    "--dht-secret-key",
                    ourDht.secretKey().toHexUnsafe(),
                    "--no-udp"));
        for (String r : relays) {
          identity.addAll(List.of("--relay", r));
        }
        // 1. We connect through the relays, 5 messages round-trip, clean exit.
        List<String> run1 = new ArrayList<>(identity);
        run1.addAll(
            List.of(
                "--peer",
                theirs.publicKey().toHex(),
                "--peer-dht",
                m.group(1),
                "--send",
                "5",
                "--expect",
                "5",
                "--seconds",
                "20"));
        StringWriter out1 = new StringWriter();
        StringWriter err1 = new StringWriter();
        int code1 =
            Examples.run(
                new PrintWriter(out1, true),
                new PrintWriter(err1, true),
                run1.toArray(String[]::new));
        assertThat(code1).as(err1.toString()).isZero();
        int online1 =
            peer.awaitIndex(
                0, "FRIEND_CONNECTION 0 TCP"::equals, Duration.ofSeconds(5), "friend online");
        int offline =
            peer.awaitIndex(
                online1 + 1,
                "FRIEND_CONNECTION 0 NONE"::equals,
                Duration.ofSeconds(5),
                "friend offline after our kill packet");

        // 2. The accepting chat: same keys and relays, no --peer.
        List<String> run2 = new ArrayList<>(identity);
        run2.addAll(List.of("--expect", String.valueOf(n), "--seconds", "40"));
        TimedLines out2 = new TimedLines();
        StringWriter err2 = new StringWriter();
        long restarted = System.nanoTime();
        CompletableFuture<Integer> acceptor =
            CompletableFuture.supplyAsync(
                () ->
                    Examples.run(
                        new PrintWriter(out2, true),
                        new PrintWriter(err2, true),
                        run2.toArray(String[]::new)));
        int online2 =
            peer.awaitIndex(
                offline + 1,
                "FRIEND_CONNECTION 0 TCP"::equals,
                Duration.ofSeconds(25),
                "friend online over TCP again (c-toxcore reconnecting through the relays)");
        long reconnectMs =
            (peer.nanosOf(online2) - out2.nanosOf(l -> l.startsWith("KEYS "))) / 1_000_000;
        int code2;
        try {
          code2 = acceptor.get(50, TimeUnit.SECONDS);
        } finally {
          System.out.println(
              "our accepting chat:\n" + out2.summary(restarted) + "\nstderr: " + err2);
          System.out.println("c-toxcore (accept):\n" + peerSummary(peer, restarted));
        }
        long doneMs = (System.nanoTime() - restarted) / 1_000_000;
        assertThat(code2).as(err2.toString()).isZero();
        assertThat(out2.prefixed("CONNECTED ")).containsExactly(theirs.publicKey().toHex());
        assertThat(out2.prefixed("RECV ")).containsExactlyElementsOf(numbered(n));
        peer.awaitIndex(
            online2 + 1, ("RECV 0 msg-" + (n - 1))::equals, Duration.ofSeconds(5), "last echo");
        List<String> lines = peer.lines();
        List<String> after = lines.subList(online2 + 1, lines.size());
        assertThat(prefixed(after, "RECV 0 ")).containsExactlyElementsOf(numbered(n));
        System.out.printf(
            "c-toxcore: online over TCP again %d ms after our accepting chat printed KEYS (relays"
                + " only); %d messages there and back %d ms after it started%n",
            reconnectMs, n, doneMs);
      }
    }
  }

  /**
   * Why our chat sends SHARE_RELAYS: without it ({@code --no-share-relays}) c-toxcore 0.2.18 is
   * routed to us only on the relay it accepted our handshake on (its own SHARE_RELAYS is empty, see
   * the class javadoc), so our route comes up on that relay alone, and once that relay dies nothing
   * gets through any more: c-toxcore has no relay left for us, and our packets reaching it out of
   * band on the other relay are dropped. c-toxcore still calls the friend online for a while; in a
   * manual run it reported it offline 30.3 s after the kill (its 32 s ALIVE timeout).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("org.toxreactive.interop.Toxcore#versions")
  void withoutShareRelaysCToxcoreIsRoutedOnlyOnTheAcceptingRelayAndItsDeathCutsUsOff(
      Toxcore toxcore) throws Exception {
    toxcore.require();
    try (RelayProcess r1 = RelayProcess.start("r1", KeyPair.generate());
        RelayProcess r2 = RelayProcess.start("r2", KeyPair.generate())) {
      KeyPair ours = KeyPair.generate();
      KeyPair theirs = KeyPair.generate();
      try (CToxcorePeer peer =
          CToxcorePeer.tcpOnly(
              toxcore,
              "noshare",
              theirs,
              ours.publicKey(),
              List.of(r1.spec(), r2.spec()),
              List.of(),
              List.of("--echo"))) {
        String ready = peer.await(l -> l.startsWith("READY "), Duration.ofSeconds(10), "READY");
        Matcher m = Pattern.compile("dht=([0-9A-F]{64})").matcher(ready);
        assertThat(m.find()).isTrue();
        TimedLines out = new TimedLines();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> chat =
            CompletableFuture.supplyAsync(
                () ->
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
                        "--no-udp",
                        "--no-share-relays",
                        "--relay",
                        r1.spec(),
                        "--relay",
                        r2.spec(),
                        "--send",
                        "1000",
                        "--expect",
                        "1000",
                        "--seconds",
                        "15"));
        out.await(("RECV msg-" + (KILL_AFTER - 1))::equals, Duration.ofSeconds(12), err);
        List<String> up = out.prefixed("ROUTE ").stream().filter(l -> l.endsWith(" up")).toList();
        assertThat(up).as("routes up before the kill").hasSize(1);
        String prefix = up.get(0).substring("relay:".length(), "relay:".length() + 8);
        RelayProcess accepting = r1.publicKey().toHex().startsWith(prefix) ? r1 : r2;
        accepting.kill();
        int atKill = out.count(l -> l.startsWith("RECV "));
        int code = chat.get(30, TimeUnit.SECONDS);
        System.out.println("our chat (noshare):\n" + out.summary() + "\nstderr: " + err);
        assertThat(code).as("our chat timed out").isEqualTo(4);
        assertThat(out.prefixed("ROUTE ").stream().filter(l -> l.endsWith(" up")))
            .as("the surviving relay never routed us to c-toxcore")
            .hasSize(1);
        int total = out.count(l -> l.startsWith("RECV "));
        assertThat(total - atKill)
            .as("echoes after the kill (at most those in flight)")
            .isLessThan(3);
        assertThat(out.prefixed("RECV ")).containsExactlyElementsOf(numbered(total));
        assertThat(peer.lines())
            .as("c-toxcore has not timed the friend out yet (32 s without ALIVE)")
            .doesNotContain("FRIEND_CONNECTION 0 NONE");
        System.out.printf(
            "without SHARE_RELAYS: routed only on relay %s; after its death %d more echoes until our"
                + " chat gave up (--seconds 15)%n",
            prefix, total - atKill);
      }
    }
  }

  /** What one run measured (times from our chat's KEYS line: its in-process start-up excluded). */
  record Result(
      long connectedMs,
      long onlineMs,
      long totalMs,
      String killed,
      long killAtRecv,
      long stallMs,
      long peerStallMs,
      List<String> paths) {
    @Override
    public String toString() {
      return String.format(
          "our chat connected %d ms and c-toxcore reported the friend online over TCP %d ms after"
              + " our chat printed KEYS; %d messages there and back %d ms after KEYS; killed relay"
              + " %s after %d echoes; longest gap between two echoes after the kill %d ms (between"
              + " two messages c-toxcore received: %d ms); our data paths %s",
          connectedMs,
          onlineMs,
          MESSAGES,
          totalMs,
          killed,
          killAtRecv,
          stallMs,
          peerStallMs,
          paths);
    }
  }

  /**
   * Starts the TCP-only c-toxcore echo peer on {@code relays}, runs our chat to it through the same
   * relays (no UDP), kills (through {@code killers}, by relay key) the relay our chat's data goes
   * through once {@link #KILL_AFTER} echoes are back, and checks that every message arrives in
   * order exactly once on both sides and that c-toxcore never dropped the friend.
   */
  private Result exchange(
      Toxcore toxcore, String name, List<String> relays, Map<PublicKey, Runnable> killers)
      throws Exception {
    KeyPair ours = KeyPair.generate();
    KeyPair theirs = KeyPair.generate();
    try (CToxcorePeer peer =
        CToxcorePeer.tcpOnly(
            toxcore, name, theirs, ours.publicKey(), relays, List.of(), List.of("--echo"))) {
      String ready = peer.await(l -> l.startsWith("READY "), Duration.ofSeconds(10), "READY");
      Matcher m = Pattern.compile("dht=([0-9A-F]{64})").matcher(ready);
      assertThat(m.find()).isTrue();
      TimedLines out = new TimedLines();
      StringWriter err = new StringWriter();
      List<String> args =
          new ArrayList<>(
              List.of(
                  "chat",
                  "--secret-key",
                  ours.secretKey().toHexUnsafe(),
                  "--peer",
                  theirs.publicKey().toHex(),
                  "--peer-dht",
                  m.group(1),
                  "--no-udp",
                  "--send",
                  String.valueOf(MESSAGES),
                  "--expect",
                  String.valueOf(MESSAGES),
                  "--seconds",
                  "45"));
      for (String r : relays) {
        args.addAll(List.of("--relay", r));
      }
      long started = System.nanoTime();
      CompletableFuture<Integer> chat =
          CompletableFuture.supplyAsync(
              () ->
                  Examples.run(
                      new PrintWriter(out, true),
                      new PrintWriter(err, true),
                      args.toArray(String[]::new)));
      int online =
          peer.awaitIndex(
              0,
              "FRIEND_CONNECTION 0 TCP"::equals,
              Duration.ofSeconds(30),
              "friend online over TCP");
      long keysAt = out.nanosOf(l -> l.startsWith("KEYS "));
      long onlineMs = (peer.nanosOf(online) - keysAt) / 1_000_000;

      String killed = null;
      long killedAt = 0;
      int recvAtKill = 0;
      if (!killers.isEmpty()) {
        out.await(("RECV msg-" + (KILL_AFTER - 1))::equals, Duration.ofSeconds(30), err);
        String path = out.last(l -> l.startsWith("PATH relay:"));
        assertThat(path).as("our data path before the kill").isNotNull();
        String prefix = path.substring("PATH relay:".length());
        for (Map.Entry<PublicKey, Runnable> k : killers.entrySet()) {
          if (k.getKey().toHex().startsWith(prefix)) {
            killedAt = System.nanoTime();
            recvAtKill = out.count(l -> l.startsWith("RECV "));
            k.getValue().run();
            killed = prefix;
          }
        }
        assertThat(killed).as("a relay with key prefix " + prefix).isNotNull();
      }

      int code;
      try {
        code = chat.get(60, TimeUnit.SECONDS);
      } finally {
        System.out.println(
            "our chat (" + name + "):\n" + out.summary(started) + "\nstderr: " + err);
        System.out.println("c-toxcore (" + name + "):\n" + peerSummary(peer, started));
      }
      long totalMs = (System.nanoTime() - keysAt) / 1_000_000;
      long connectedMs = (out.nanosOf(l -> l.startsWith("CONNECTED ")) - keysAt) / 1_000_000;
      assertThat(code).as(err.toString()).isZero();
      assertThat(out.prefixed("RECV ")).containsExactlyElementsOf(numbered(MESSAGES));
      int last =
          peer.awaitIndex(
              online + 1,
              ("RECV 0 msg-" + (MESSAGES - 1))::equals,
              Duration.ofSeconds(5),
              "the last message");
      List<String> lines = peer.lines();
      List<String> during = lines.subList(0, last + 1);
      assertThat(prefixed(during, "RECV 0 ")).containsExactlyElementsOf(numbered(MESSAGES));
      assertThat(during)
          .as("c-toxcore's friend status while messages flowed")
          .filteredOn(l -> l.startsWith("FRIEND_CONNECTION 0 "))
          .containsExactly("FRIEND_CONNECTION 0 TCP");
      long stallMs = killedAt == 0 ? 0 : out.longestRecvGapAfter(killedAt) / 1_000_000;
      long peerStallMs = 0;
      if (killedAt != 0) {
        long prev = killedAt;
        for (int i = 0; i <= last; i++) {
          long at = peer.nanosOf(i);
          if (at >= killedAt && lines.get(i).startsWith("RECV 0 ")) {
            peerStallMs = Math.max(peerStallMs, (at - prev) / 1_000_000);
            prev = at;
          }
        }
      }
      return new Result(
          connectedMs,
          onlineMs,
          totalMs,
          killed,
          recvAtKill,
          stallMs,
          peerStallMs,
          out.prefixed("PATH "));
    }
  }

  /** c-toxcore's lines other than RECV and SENT, with their time since {@code t0}. */
  private static String peerSummary(CToxcorePeer peer, long t0) {
    StringBuilder b = new StringBuilder();
    List<String> lines = peer.lines();
    int recv = 0;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.startsWith("RECV ")) {
        recv++;
      }
      if ((!l.startsWith("RECV ") && !l.startsWith("SENT "))
          || (recv == 1 && l.startsWith("RECV "))) {
        b.append(
            String.format(
                "%+6d ms  %s (after %d RECV)%n", (peer.nanosOf(i) - t0) / 1_000_000, l, recv));
      }
    }
    return b.append(recv).append(" RECV lines").toString();
  }

  private static List<String> numbered(int n) {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expected.add("msg-" + i);
    }
    return expected;
  }

  private static List<String> prefixed(List<String> lines, String prefix) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith(prefix)) {
        out.add(line.substring(prefix.length()).trim());
      }
    }
    return out;
  }
}
