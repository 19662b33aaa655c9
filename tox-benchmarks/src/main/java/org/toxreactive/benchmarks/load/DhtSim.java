package org.toxreactive.benchmarks.load;

import io.netty.buffer.ByteBuf;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.dht.DhtConfig;
import org.toxreactive.dht.DhtCore;
import org.toxreactive.dht.Distance;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A loopback-free simulation of a DHT of our nodes on virtual time: {@code --nodes} {@link
 * DhtCore}s on a loss-free in-memory network (real packets, real crypto), each bootstrapped from
 * one of the first few nodes, started all at once or one after another over {@code --join} virtual
 * seconds; after {@code --settle} virtual seconds, lookups of random keys walk the nodes' answers
 * (each step asks the closest node not yet asked for its 4 closest to the key) and count the hops
 * until no closer node is found, and whether the walk ended at the closest live node. Then {@code
 * --kill} percent of the nodes stop, the rest run {@code --after} more virtual seconds, and the
 * lookups are repeated. Bounded by the virtual times given.
 */
@Command(name = "sim", description = "Simulate a DHT of our nodes on virtual time; lookup hops.")
final class DhtSim implements Callable<Integer> {
  @Option(names = "--nodes", defaultValue = "1000")
  int nodes;

  @Option(names = "--settle", defaultValue = "120", description = "Virtual seconds before lookups.")
  int settle;

  @Option(names = "--after", defaultValue = "200", description = "Virtual seconds after the kill.")
  int after;

  @Option(names = "--kill", defaultValue = "20", description = "Percent of nodes stopped.")
  int kill;

  @Option(names = "--lookups", defaultValue = "200")
  int lookups;

  @Option(
      names = "--width",
      defaultValue = "8",
      description = "A lookup ends when this many closest known nodes have all been asked.")
  int width;

  @Option(names = "--seed", defaultValue = "1")
  long seed;

  @Option(
      names = "--every",
      defaultValue = "0",
      description =
          "Also look up (and print the diagnosis) every this many virtual seconds while settling"
              + " (0: only at the end).")
  int every;

  @Option(
      names = "--ask-unstorable",
      description =
          "Counter-experiment: nodes ask every node a nodes response names, not only those their"
              + " close list could store (c-toxcore's ping_node_from_getnodes_ok rule relaxed;"
              + " storing unchanged).")
  boolean askUnstorable;

  @Option(
      names = "--track",
      defaultValue = "0",
      description =
          "Also find the keys as c-toxcore finds a friend (0: off): after each round of walks,"
              + " --lookups live nodes each track a random key (DhtCore.track, the per-key list of"
              + " 8 closest), the network runs this many virtual seconds, and a lookup counts as"
              + " found when the closest live node to its key is a good node of that list; the"
              + " keys are untracked afterwards.")
  int track;

  @Option(
      names = "--refresh",
      defaultValue = "0",
      description =
          "Experiment: milliseconds between the nodes' sparse-bucket refreshes"
              + " (DhtCore.refreshInterval, e.g. 5000; 0, the default: off, the nodes do what"
              + " c-toxcore does).")
  long refresh;

  @Option(
      names = "--join",
      defaultValue = "0",
      description =
          "Virtual seconds over which the nodes start, one after another in equal steps (0: all"
              + " at once); counted in --settle.")
  int join;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private record Packet(ByteBuf data, IpPort from, IpPort to) {}

  private final Map<IpPort, DhtCore> net = new HashMap<>();
  private final List<IpPort> addresses = new ArrayList<>();
  private final ArrayDeque<Packet> queue = new ArrayDeque<>();
  private final Set<IpPort> down = new HashSet<>();
  private final Set<IpPort> running = new HashSet<>();
  private int started;
  private long now = 1_000_000;
  private long packets;
  private int elapsed;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (nodes < 10 || nodes > 5000 || kill < 0 || kill > 90 || settle < 1 || after < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "bad --nodes/--kill/--settle/--after");
    }
    if (join < 0 || join >= settle || refresh < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--join must be 0.." + (settle - 1) + " (below --settle) and --refresh >= 0");
    }
    SplittableRandom random = new SplittableRandom(seed);
    long wall = System.nanoTime();
    List<KeyPair> keys = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      keys.add(KeyPair.generate());
      addresses.add(
          new IpPort(
              InetAddress.getByAddress(new byte[] {1, 0, (byte) (i >> 8), (byte) i}), 33445));
    }
    for (int i = 0; i < nodes; i++) {
      IpPort a = addresses.get(i);
      // each joins through one of the first 4 nodes, configured as its bootstrap node (so it
      // retries every 10 s while it has no good node, as the relay does)
      int via = i == 0 ? 1 : random.nextInt(Math.min(4, i));
      DhtConfig config =
          DhtConfig.defaults()
              .withBootstrapNodes(
                  List.of(
                      new DhtConfig.BootstrapNode(addresses.get(via), keys.get(via).publicKey())));
      DhtCore core =
          new DhtCore(
              keys.get(i), config, (p, to) -> queue.add(new Packet(p, a, to)), random.split(), now);
      core.askUnstorable(askUnstorable);
      core.refreshInterval(refresh);
      net.put(a, core);
    }
    startDue();
    int settled = 0;
    while (every > 0 && settled + every < settle) {
      advance(every);
      settled += every;
      Result r = lookups(random);
      out.printf(
          "t=%d s: found the closest %d of %d, hops mean %.2f; %s%n",
          settled, r.found, lookups, r.meanHops(), r.diagnosis());
      out.flush();
    }
    advance(settle - settled);
    Result before = lookups(random);
    out.printf("t=%d s: %s%n", settle, before.diagnosis());
    out.printf("t=%d s: %s%n", settle, neighbourhoods());
    out.printf("t=%d s: drops %s%n", settle, drops());
    out.printf(
        "nodes=%d after %d s: close lists %.0f keys on average, %d nodes known by another;"
            + " lookups %d: found the closest %d, hops mean %.2f max %d (log2 n = %.1f); %d"
            + " packets%n",
        nodes,
        settle,
        meanList(),
        knownByOthers(),
        lookups,
        before.found,
        before.meanHops(),
        before.maxHops,
        Math.log(nodes) / Math.log(2),
        packets);
    int trackedBefore = tracked(random, out, "before the kill");
    List<IpPort> shuffled = new ArrayList<>(addresses);
    java.util.Collections.shuffle(shuffled, new java.util.Random(seed));
    for (int i = 0; i < nodes * kill / 100; i++) {
      down.add(shuffled.get(i));
    }
    advance(after);
    Result afterKill = lookups(random);
    out.printf(
        "%d%% stopped, %d s later: lookups %d: found the closest live node %d, hops mean %.2f max %d%n",
        kill, after, lookups, afterKill.found, afterKill.meanHops(), afterKill.maxHops);
    int trackedAfter = tracked(random, out, "after the kill");
    out.printf(
        "RESULT mode=dht-sim nodes=%d ask_unstorable=%b refresh_ms=%d join_s=%d refreshes=%d"
            + " track_s=%d tracked_found_before=%d"
            + " tracked_found_after=%d found_before=%d hops_mean_before=%.2f hops_max_before=%d"
            + " found_after_kill=%d hops_mean_after=%.2f hops_max_after=%d lookups=%d packets=%d"
            + " wall_s=%.1f%n",
        nodes,
        askUnstorable,
        refresh,
        join,
        refreshes(),
        track,
        trackedBefore,
        trackedAfter,
        before.found,
        before.meanHops(),
        before.maxHops,
        afterKill.found,
        afterKill.meanHops(),
        afterKill.maxHops,
        lookups,
        packets,
        (System.nanoTime() - wall) / 1e9);
    out.flush();
    for (Packet p : queue) {
      p.data().release();
    }
    return 0;
  }

  /**
   * Lookups as c-toxcore finds a friend's DHT key: {@link #lookups} live nodes each track a random
   * key for {@link #track} virtual seconds; found when the closest live node is a good entry of the
   * tracking node's list for that key. Returns -1 when {@code --track} is 0.
   */
  private int tracked(SplittableRandom random, PrintWriter out, String when) {
    if (track <= 0) {
      return -1;
    }
    List<IpPort> live = addresses.stream().filter(a -> !down.contains(a)).toList();
    List<DhtCore> starts = new ArrayList<>();
    List<PublicKey> targets = new ArrayList<>();
    for (int l = 0; l < lookups; l++) {
      byte[] t = new byte[32];
      random.nextBytes(t);
      DhtCore start = net.get(live.get(random.nextInt(live.size())));
      PublicKey target = PublicKey.of(t);
      start.track(target, now);
      starts.add(start);
      targets.add(target);
    }
    advance(track);
    int found = 0;
    for (int l = 0; l < lookups; l++) {
      PublicKey target = targets.get(l);
      PublicKey best = null;
      for (IpPort a : live) {
        PublicKey k = net.get(a).publicKey();
        if (best == null || Distance.compare(target, k, best) < 0) {
          best = k;
        }
      }
      DhtCore start = starts.get(l);
      for (org.toxreactive.dht.DhtFriend f : start.tracked()) {
        if (f.key().equals(target)) {
          for (org.toxreactive.dht.NodeEntry e : f.clients()) {
            if (best.equals(e.key()) && !e.isBad(now)) {
              found++;
              break;
            }
          }
          break;
        }
      }
      start.untrack(target);
    }
    out.printf(
        "tracked lookups %s: %d of %d lists held the closest live node after %d s%n",
        when, found, lookups, track);
    out.flush();
    return found;
  }

  /** Live nodes that are in at least one other live node's close list. */
  private int knownByOthers() {
    Set<PublicKey> known = new HashSet<>();
    for (IpPort a : addresses) {
      if (!down.contains(a)) {
        known.addAll(net.get(a).closeList().keys());
      }
    }
    int n = 0;
    for (IpPort a : addresses) {
      if (!down.contains(a) && known.contains(net.get(a).publicKey())) {
        n++;
      }
    }
    return n;
  }

  private long refreshes() {
    long n = 0;
    for (IpPort a : addresses) {
      n += net.get(a).stats().refreshesSent();
    }
    return n;
  }

  private double meanList() {
    long n = 0;
    for (IpPort a : addresses) {
      n += net.get(a).closeList().size();
    }
    return n / (double) addresses.size();
  }

  /** Starts the waiting nodes whose turn has come ({@code --join}): node i at i * join / n s. */
  private void startDue() {
    while (started < nodes && (long) started * join / nodes <= elapsed) {
      IpPort a = addresses.get(started++);
      running.add(a);
      net.get(a).start(now);
    }
  }

  private void advance(int seconds) {
    for (int s = 0; s < seconds; s++) {
      now += 1000;
      elapsed++;
      startDue();
      for (IpPort a : addresses.subList(0, started)) {
        if (!down.contains(a)) {
          net.get(a).tick(now);
        }
      }
      int budget = 5_000_000;
      while (!queue.isEmpty() && budget-- > 0) {
        Packet p = queue.poll();
        try {
          DhtCore to = net.get(p.to());
          if (to != null && running.contains(p.to()) && !down.contains(p.to())) {
            packets++;
            to.receive(p.data(), p.from(), now);
          }
        } finally {
          p.data().release();
        }
      }
    }
  }

  /**
   * How well the nodes know their own neighbourhood: for each live node, which of its 8 nearest
   * live nodes (by XOR distance to its key) are in its close list, and whether it is in theirs.
   */
  private String neighbourhoods() {
    List<IpPort> live = addresses.stream().filter(a -> !down.contains(a)).toList();
    List<PublicKey> keys = live.stream().map(a -> net.get(a).publicKey()).toList();
    long knows = 0;
    long knownBy = 0;
    long nearestKnown = 0;
    long total = 0;
    for (IpPort a : live) {
      DhtCore n = net.get(a);
      PublicKey self = n.publicKey();
      List<PublicKey> near =
          keys.stream()
              .filter(k -> !k.equals(self))
              .sorted((x, y) -> Distance.compare(self, x, y))
              .limit(8)
              .toList();
      Set<PublicKey> mine = new HashSet<>(n.closeList().keys());
      for (PublicKey k : near) {
        total++;
        if (mine.contains(k)) {
          knows++;
        }
      }
      if (mine.contains(near.get(0))) {
        nearestKnown++;
      }
    }
    Map<PublicKey, DhtCore> byKey = new HashMap<>();
    for (IpPort a : live) {
      byKey.put(net.get(a).publicKey(), net.get(a));
    }
    for (IpPort a : live) {
      PublicKey self = net.get(a).publicKey();
      PublicKey nearest =
          keys.stream()
              .filter(k -> !k.equals(self))
              .min((x, y) -> Distance.compare(self, x, y))
              .orElseThrow();
      if (byKey.get(nearest).closeList().find(self) != null) {
        knownBy++;
      }
    }
    return String.format(
        "neighbourhoods: %.1f%% of each node's 8 nearest are in its close list; %d of %d nodes"
            + " have their nearest; %d of %d are in their nearest's",
        100.0 * knows / total, nearestKnown, live.size(), knownBy, live.size());
  }

  /** Inbound drops of all nodes, by reason. */
  private String drops() {
    StringBuilder b = new StringBuilder();
    for (org.toxreactive.dht.DhtDrop d : org.toxreactive.dht.DhtDrop.values()) {
      long n = 0;
      for (IpPort a : addresses) {
        n += net.get(a).stats().dropped(d);
      }
      if (n > 0) {
        b.append(d.tag()).append('=').append(n).append(' ');
      }
    }
    return b.length() == 0 ? "none" : b.toString().trim();
  }

  private static final class Result {
    int found;
    long hops;
    int maxHops;
    int count;

    /** Misses where the closest node is in the close list of a node the walk asked. */
    int missKnownByAsked;

    /** Misses where the closest node is in the close list of one of the 8 closest to the key. */
    int missKnownByNear;

    /** Misses where none of the 8 nodes closest to the key (after it) stores it. */
    int missUnknownNear;

    /** ... and of those, how many times its bucket in such a node was full of good nodes. */
    int missBucketFull;

    String diagnosis() {
      int miss = count - found;
      return String.format(
          "misses %d: the closest was in the close list of a node asked %d, of one of the 8"
              + " nodes next closest to the key %d, of none of them %d (bucket full of good nodes"
              + " in %d of those 8-node checks)",
          miss, missKnownByAsked, missKnownByNear, missUnknownNear, missBucketFull);
    }

    double meanHops() {
      return count == 0 ? 0 : hops / (double) count;
    }
  }

  /** Iterative lookups from random live nodes for random keys, over the nodes' current answers. */
  private Result lookups(SplittableRandom random) {
    Result r = new Result();
    List<IpPort> live = addresses.stream().filter(a -> !down.contains(a)).toList();
    Map<PublicKey, IpPort> byKey = new HashMap<>();
    for (IpPort a : live) {
      byKey.put(net.get(a).publicKey(), a);
    }
    for (int l = 0; l < lookups; l++) {
      byte[] t = new byte[32];
      random.nextBytes(t);
      PublicKey target = PublicKey.of(t);
      PublicKey best = null;
      for (PublicKey k : byKey.keySet()) {
        if (best == null || Distance.compare(target, k, best) < 0) {
          best = k;
        }
      }
      DhtCore start = net.get(live.get(random.nextInt(live.size())));
      Set<PublicKey> asked = new HashSet<>();
      Set<PublicKey> known = new HashSet<>(keys(start.closestNodes(target, true, now)));
      int hops = 0;
      PublicKey closest = null;
      while (hops < 64) {
        // Kademlia's end: the `width` closest known live nodes have all been asked
        List<PublicKey> top =
            known.stream()
                .filter(byKey::containsKey)
                .sorted((x, y) -> Distance.compare(target, x, y))
                .limit(width)
                .toList();
        PublicKey next = top.stream().filter(k -> !asked.contains(k)).findFirst().orElse(null);
        if (!top.isEmpty()) {
          closest = top.get(0);
        }
        if (next == null) {
          break;
        }
        asked.add(next);
        hops++;
        known.addAll(keys(net.get(byKey.get(next)).closestNodes(target, true, now)));
      }
      r.count++;
      r.hops += hops;
      r.maxHops = Math.max(r.maxHops, hops);
      if (best.equals(closest)) {
        r.found++;
      } else {
        PublicKey t0 = best;
        boolean byAsked =
            asked.stream().anyMatch(k -> net.get(byKey.get(k)).closeList().find(t0) != null);
        List<PublicKey> near =
            byKey.keySet().stream()
                .filter(k -> !k.equals(t0))
                .sorted((x, y) -> Distance.compare(target, x, y))
                .limit(8)
                .toList();
        boolean byNear = false;
        for (PublicKey k : near) {
          DhtCore n = net.get(byKey.get(k));
          if (n.closeList().find(t0) != null) {
            byNear = true;
          } else if (!n.closeList().addable(t0, now)) {
            r.missBucketFull++;
          }
        }
        if (byAsked) {
          r.missKnownByAsked++;
        } else if (byNear) {
          r.missKnownByNear++;
        } else {
          r.missUnknownNear++;
        }
      }
    }
    return r;
  }

  private static List<PublicKey> keys(List<PackedNode> nodes) {
    return nodes.stream().map(PackedNode::key).toList();
  }
}
