package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.examples.Examples;
import org.toxreactive.interop.CToxcoreTcpOnlyThroughRelaysTest.TimedLines;

/**
 * The relay carrying a live stream between our chat and an unmodified TCP-only c-toxcore 0.2.18
 * echo peer is killed (SIGKILL) ten times, each time with another relay up and routing us to
 * c-toxcore. After each kill the stream must pause less than 1.5 s, every echo must arrive once and
 * in order, and c-toxcore must never report the friend offline.
 *
 * <p>Twelve relays (separate processes) are started first and given to both; a killed relay is not
 * restarted. Restarting one on its port and key did not work: c-toxcore reconnects once, at once,
 * to the relay whose link died; that attempt, refused while the relay is down, stays pending until
 * its 10 s timeout ({@code TCP_client.c} {@code kill_at}) and the relay is then forgotten, and in
 * three runs the restarted relays carried routes again only 30-35 s after their kill. Here the
 * relays are already up and connected to both, and our chat repeats SHARE_RELAYS (naming the relays
 * its links are up to) every 2 s ({@code --share-relays-every 2}), since c-toxcore attaches a relay
 * it is told of only while it is routed to us on fewer than 3, on at most 6. See the reason in
 * {@code @Disabled} for what still fails.
 *
 * <p>What makes it hard: c-toxcore's echoes and acks in flight are lost with the dead relay, and it
 * needs a few hundred milliseconds to give that relay up and send on another one. Our node must
 * neither take that silence for a dead survivor nor go back to the relay whose link closed.
 */
class RelayKillsUnderAStreamInteropTest {
  private static final int KILLS = 10;
  private static final long MAX_PAUSE_MS = 1_500;

  /** Two more than the kills: before the last kill two are still up. */
  private static final int RELAYS = KILLS + 2;

  @Test
  @Disabled(
      "not working yet: with restarted relays c-toxcore routed to us on them again only 30-35 s"
          + " after their kill (three runs); with twelve fresh relays the first five kills pass"
          + " (about 100 echoes between kills, the stream moving to a routed relay each time), but"
          + " once 5 of its 6 relays for us have died c-toxcore attaches none of the 6 others it"
          + " is told of (SHARE_RELAYS every 2 s) within 30 s, so no sixth kill finds two relays"
          + " routing to it")
  void theStreamPausesLessThanOneAndAHalfSecondsAfterEachOfTenRelayKills() throws Exception {
    KeyPair[] keys = new KeyPair[RELAYS];
    for (int i = 0; i < RELAYS; i++) {
      keys[i] = KeyPair.generate();
    }
    RelayProcess[] relays = new RelayProcess[keys.length];
    List<String> specs = new ArrayList<>();
    KeyPair ours = KeyPair.generate();
    KeyPair theirs = KeyPair.generate();
    TimedLines out = new TimedLines();
    StringWriter err = new StringWriter();
    Thread chat = null;
    List<Long> killedAt = new ArrayList<>();
    List<String> killed = new ArrayList<>();
    try {
      startAll(relays, keys);
      for (RelayProcess r : relays) {
        specs.add(r.spec());
      }
      try (CToxcorePeer peer =
          CToxcorePeer.tcpOnly(
              Toxcore.system(),
              "kills",
              theirs,
              ours.publicKey(),
              specs,
              List.of(),
              List.of("--echo", "--spacing", "10"))) {
        String ready = peer.await(l -> l.startsWith("READY "), Duration.ofSeconds(10), "READY");
        Matcher m = Pattern.compile("dht=([0-9A-F]{64})").matcher(ready);
        assertThat(m.find()).isTrue();
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
                    "--share-relays-every",
                    "2",
                    "--send",
                    "100000",
                    "--expect",
                    "100000",
                    "--seconds",
                    "85"));
        for (String spec : specs) {
          args.addAll(List.of("--relay", spec));
        }
        chat =
            new Thread(
                () ->
                    Examples.run(
                        new PrintWriter(out, true),
                        new PrintWriter(err, true),
                        args.toArray(String[]::new)),
                "chat");
        chat.setDaemon(true);
        chat.start();
        peer.awaitIndex(
            0, "FRIEND_CONNECTION 0 TCP"::equals, Duration.ofSeconds(30), "friend online over TCP");
        int lastKillRecv = 0;
        for (int k = 0; k < KILLS; k++) {
          int from = lastKillRecv;
          // 100 echoes since the last kill, our data on a relay that routes us to c-toxcore, and
          // another relay that does too
          out.await(
              l ->
                  out.count(x -> x.startsWith("RECV ")) >= from + 100
                      && routesUp(out, keys) >= 2
                      && routeUp(out, carrier(out)),
              Duration.ofSeconds(30),
              err);
          String prefix = carrier(out);
          int victim = -1;
          for (int i = 0; i < keys.length; i++) {
            if (keys[i].publicKey().toHex().startsWith(prefix)) {
              victim = i;
            }
          }
          assertThat(victim).as("the relay with key prefix " + prefix).isNotNegative();
          lastKillRecv = out.count(l -> l.startsWith("RECV "));
          killedAt.add(System.nanoTime());
          killed.add(prefix);
          relays[victim].kill();
        }
        int atLastKill = lastKillRecv;
        out.await(
            l -> out.count(x -> x.startsWith("RECV ")) >= atLastKill + 100,
            Duration.ofSeconds(20),
            err);
        chat.interrupt(); // it would go on until --expect; it stops on the interrupt
        chat.join(15_000);

        List<String> recv = out.prefixed("RECV ");
        for (int i = 0; i < recv.size(); i++) {
          assertThat(recv.get(i)).as("echo %d", i).isEqualTo("msg-" + i);
        }
        long[] pauses = new long[KILLS];
        for (int k = 0; k < KILLS; k++) {
          long end = k + 1 < KILLS ? killedAt.get(k + 1) : Long.MAX_VALUE;
          pauses[k] = out.longestRecvGapBetween(killedAt.get(k), end) / 1_000_000;
        }
        long longest = Arrays.stream(pauses).max().orElseThrow();
        System.out.printf(
            "%d kills of the carrying relay (%s): pauses %s ms, longest %d ms; %d echoes in"
                + " order%n",
            KILLS, killed, Arrays.toString(pauses), longest, recv.size());
        System.out.println("our chat:\n" + out.summary() + "\nstderr: " + err);
        assertThat(peer.lines())
            .filteredOn(l -> l.startsWith("FRIEND_CONNECTION 0 "))
            .as("c-toxcore never lost the friend")
            .containsExactly("FRIEND_CONNECTION 0 TCP");
        assertThat(longest).as("the longest pause after a kill (ms)").isLessThan(MAX_PAUSE_MS);
      }
    } finally {
      if (chat != null && chat.isAlive()) {
        chat.interrupt();
      }
      for (RelayProcess r : relays) {
        if (r != null) {
          r.close();
        }
      }
    }
  }

  /** Starts one relay process per key, several at a time (each JVM takes a second or two). */
  private static void startAll(RelayProcess[] relays, KeyPair[] keys) throws Exception {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<RelayProcess>> started = new ArrayList<>();
      for (int i = 0; i < keys.length; i++) {
        KeyPair k = keys[i];
        String name = "k" + i;
        started.add(pool.submit(() -> RelayProcess.start(name, k)));
      }
      for (int i = 0; i < keys.length; i++) {
        relays[i] = started.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdown();
    }
  }

  /** The key prefix of the relay our chat last said its data goes through ("" before any). */
  private static String carrier(TimedLines out) {
    String path = out.last(l -> l.startsWith("PATH relay:"));
    return path == null ? "" : path.substring("PATH relay:".length());
  }

  /** Whether our chat's last ROUTE line about the relay with key prefix {@code prefix} says up. */
  private static boolean routeUp(TimedLines out, String prefix) {
    String last = prefix.isEmpty() ? null : out.last(l -> l.startsWith("ROUTE relay:" + prefix));
    return last != null && last.endsWith(" up");
  }

  private static int routesUp(TimedLines out, KeyPair[] relays) {
    int n = 0;
    for (KeyPair k : relays) {
      if (routeUp(out, k.publicKey().toHex().substring(0, 8))) {
        n++;
      }
    }
    return n;
  }
}
