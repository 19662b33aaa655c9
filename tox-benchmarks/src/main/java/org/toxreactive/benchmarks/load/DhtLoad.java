package org.toxreactive.benchmarks.load;

import io.netty.buffer.ByteBuf;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.dht.CloseList;
import org.toxreactive.dht.DhtConfig;
import org.toxreactive.dht.DhtNode;
import org.toxreactive.dht.packet.DhtEnvelope;
import org.toxreactive.dht.packet.DhtPacketKind;
import org.toxreactive.dht.packet.NodesRequest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Load on a Tox DHT node (ours or tox-bootstrapd) over loopback: nodes requests (0x02) from many
 * keys and source addresses, counting the nodes responses (0x04). Bounded in time and in-flight
 * requests.
 *
 * <pre>{@code
 * java -cp tox-benchmarks/target/tox-benchmarks.jar org.toxreactive.benchmarks.load.DhtLoad serve --port 0
 * ... DhtLoad nodes --node 127.0.0.1:33445:KEY --seconds 10 --node-pid 1234
 * ... DhtLoad memory
 * ... DhtLoad sim --nodes 1000 --settle 120 --kill 20 --after 200
 * }</pre>
 */
@Command(
    name = "dht-load",
    mixinStandardHelpOptions = true,
    description = "Nodes-request load on a DHT node, our DHT node for another process, memory.",
    subcommands = {
      DhtLoad.Serve.class,
      DhtLoad.Nodes.class,
      DhtLoad.Memory.class,
      DhtSim.class,
      CommandLine.HelpCommand.class
    })
public final class DhtLoad implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new DhtLoad()).execute(args));
  }

  /** Our DHT node on 127.0.0.1; prints {@code DHT 127.0.0.1:PORT:KEY} and runs until killed. */
  @Command(name = "serve", description = "Run our DHT node on 127.0.0.1.")
  static final class Serve implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "0")
    int port;

    @Option(
        names = "--answers-per-second",
        defaultValue = "1000000",
        description =
            "Per-source answer budget (default: effectively unlimited, to measure capacity).")
    int perSource;

    @Option(names = "--max-seconds", defaultValue = "1800")
    int maxSeconds;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      DhtConfig config =
          DhtConfig.defaults()
              .withInfo(DhtConfig.motd("tox-reactive-compare"))
              .withAnswerLimits(perSource, perSource, Math.max(perSource, 1_000_000));
      DhtNode node = DhtNode.bind("127.0.0.1", port, KeyPair.generate(), config, null);
      PrintWriter out = spec.commandLine().getOut();
      out.println("DHT 127.0.0.1:" + node.port() + ":" + node.publicKey().toHex());
      out.flush();
      CountDownLatch never = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    out.println("STATS " + node.stats());
                    out.flush();
                    node.dispose();
                  }));
      never.await(maxSeconds, TimeUnit.SECONDS);
      return 0;
    }
  }

  /**
   * Nodes requests as fast as the node answers them, at most {@code window} in flight per source.
   */
  @Command(name = "nodes", description = "Send nodes requests; count the answers.")
  static final class Nodes implements Callable<Integer> {
    @Option(names = "--node", required = true, paramLabel = "HOST:PORT:KEY")
    String node;

    @Option(names = "--seconds", defaultValue = "10")
    int seconds;

    @Option(names = "--warmup", defaultValue = "2")
    int warmup;

    @Option(names = "--keys", defaultValue = "1024", description = "Sender DHT keys.")
    int keys;

    @Option(
        names = "--sources",
        defaultValue = "8",
        description = "Source addresses 127.0.3.1 .. 127.0.3.N, one socket each.")
    int sources;

    @Option(names = "--window", defaultValue = "64", description = "In-flight requests per source.")
    int window;

    @Option(names = "--node-pid", description = "The node's PID, for its CPU per answer.")
    Long nodePid;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      String[] f = node.split(":");
      if (f.length != 3) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--node HOST:PORT:KEY");
      }
      InetSocketAddress to = new InetSocketAddress(f[0], Integer.parseInt(f[1]));
      PublicKey nodeKey = PublicKey.fromHex(f[2]);
      if (sources < 1 || sources > 250 || keys < 1 || window < 1 || seconds < 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "bad --sources/--keys/--window/--seconds");
      }
      KeyPair[] senders = new KeyPair[keys];
      SharedKey[] shared = new SharedKey[keys];
      for (int i = 0; i < keys; i++) {
        senders[i] = KeyPair.generate();
        shared[i] = CryptoBox.beforenm(nodeKey, senders[i].secretKey());
      }
      PublicKey[] targets = new PublicKey[64];
      for (int i = 0; i < targets.length; i++) {
        targets[i] = KeyPair.generate().publicKey();
      }
      List<DatagramChannel> channels = new ArrayList<>();
      for (int i = 0; i < sources; i++) {
        DatagramChannel ch = DatagramChannel.open();
        ch.bind(
            new InetSocketAddress(
                InetAddress.getByAddress(new byte[] {127, 0, 3, (byte) (i + 1)}), 0));
        ch.configureBlocking(false);
        channels.add(ch);
      }
      CryptoBox box = new CryptoBox();
      byte[] nonce = new byte[Nonce.SIZE];
      new SplittableRandom().nextBytes(nonce);
      long[] sent = new long[sources];
      long[] received = new long[sources];
      long[] lastProgress = new long[sources];
      long[] inFlight = new long[sources];
      ByteBuffer rx = ByteBuffer.allocateDirect(2048);
      long start = System.nanoTime();
      long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
      long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
      long sentMeasured = 0;
      long answeredMeasured = 0;
      long nodesInAnswers = 0;
      long cpuBefore = -1;
      boolean measuring = false;
      int k = 0;
      long id = 1;
      while (true) {
        long now = System.nanoTime();
        if (now >= end) {
          break;
        }
        if (!measuring && now >= measureFrom) {
          measuring = true;
          cpuBefore = ProcessCpu.nanos(nodePid);
        }
        boolean idle = true;
        for (int s = 0; s < sources; s++) {
          DatagramChannel ch = channels.get(s);
          while (true) {
            rx.clear();
            if (ch.receive(rx) == null) {
              break;
            }
            idle = false;
            rx.flip();
            if (rx.remaining() >= 82 && (rx.get(0) & 0xFF) == DhtPacketKind.NODES_RESPONSE.id()) {
              received[s]++;
              inFlight[s] = Math.max(0, inFlight[s] - 1);
              lastProgress[s] = now;
              if (measuring) {
                answeredMeasured++;
                nodesInAnswers += (rx.remaining() - 82) / 39 > 0 ? 1 : 0;
              }
            }
          }
          if (now - lastProgress[s] > 100_000_000L) { // 100 ms without an answer: count as lost
            inFlight[s] = 0;
            lastProgress[s] = now;
          }
          while (inFlight[s] < window) {
            Nonce.incrementInPlace(nonce);
            int key = k++ % keys;
            NodesRequest req = new NodesRequest(targets[(int) (id & 63)], id++);
            ByteBuf p =
                DhtEnvelope.seal(
                    box,
                    DhtPacketKind.NODES_REQUEST,
                    senders[key].publicKey(),
                    shared[key],
                    Nonce.of(nonce),
                    req.plaintext());
            try {
              if (ch.send(p.nioBuffer(), to) == 0) {
                break;
              }
            } finally {
              p.release();
            }
            idle = false;
            sent[s]++;
            inFlight[s]++;
            if (measuring) {
              sentMeasured++;
            }
          }
        }
        if (idle) {
          LockSupport.parkNanos(20_000);
        }
      }
      long cpuAfter = ProcessCpu.nanos(nodePid);
      for (DatagramChannel ch : channels) {
        ch.close();
      }
      double perS = answeredMeasured / (double) seconds;
      double cpu = ProcessCpu.microsPer(cpuBefore, cpuAfter, answeredMeasured);
      out.printf(
          "nodes requests: sent %d, answered %d in %d s (%.0f/s), %d answers carried nodes%n",
          sentMeasured, answeredMeasured, seconds, perS, nodesInAnswers);
      out.printf(
          "RESULT mode=dht-nodes answered_per_s=%.0f sent_per_s=%.0f answered=%d sent=%d"
              + " with_nodes=%d node_cpu_us_per_answer=%s sources=%d keys=%d window=%d%n",
          perS,
          sentMeasured / (double) seconds,
          answeredMeasured,
          sentMeasured,
          nodesInAnswers,
          cpu < 0 ? "n/a" : String.format("%.1f", cpu),
          sources,
          keys,
          window);
      out.flush();
      return answeredMeasured > 0 ? 0 : 1;
    }
  }

  /** Heap per close-list entry: lists filled to all 1024 slots, measured after GC. */
  @Command(name = "memory", description = "Heap bytes per DHT close-list entry.")
  static final class Memory implements Callable<Integer> {
    @Option(names = "--lists", defaultValue = "100")
    int lists;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      SplittableRandom random = new SplittableRandom(1);
      long empty = HeapMeter.usedAfterGc();
      List<CloseList> emptyLists = new ArrayList<>();
      for (int l = 0; l < lists; l++) {
        emptyLists.add(new CloseList(KeyPair.generate().publicKey()));
      }
      long withEmpty = HeapMeter.usedAfterGc();
      long stored = 0;
      long now = 1_000_000;
      int port = 1;
      for (CloseList c : emptyLists) {
        byte[] self = c.self().toArray();
        for (int bucket = 0; bucket < 128; bucket++) {
          for (int slot = 0; slot < 8; slot++) {
            // a key sharing exactly `bucket` leading bits with the owner: its bucket
            byte[] key = new byte[32];
            random.nextBytes(key);
            for (int bit = 0; bit <= bucket; bit++) {
              int mask = 0x80 >>> (bit & 7);
              boolean same = bit < bucket;
              boolean ownerBit = (self[bit >> 3] & mask) != 0;
              key[bit >> 3] =
                  (byte) ((same == ownerBit) ? key[bit >> 3] | mask : key[bit >> 3] & ~mask);
            }
            IpPort a =
                new IpPort(
                    InetAddress.getByAddress(
                        new byte[] {10, (byte) (port >> 16), (byte) (port >> 8), (byte) port}),
                    33445);
            port++;
            if (c.update(PublicKey.of(key), a, now) == CloseList.Update.ADDED) {
              stored++;
            }
          }
        }
      }
      long filled = HeapMeter.usedAfterGc();
      double perSlotEmpty = (withEmpty - empty) / (double) (lists * 1024L);
      double perEntry = (filled - withEmpty) / (double) stored;
      out.printf(
          "close lists: %d; empty list %.0f bytes per slot; %d entries stored, %.0f more bytes each"
              + " (key, its bytes, address); a filled slot about %.0f bytes%n",
          lists, perSlotEmpty, stored, perEntry, perSlotEmpty + perEntry);
      out.printf(
          "RESULT mode=dht-memory empty_slot_bytes=%.0f entry_extra_bytes=%.0f entry_bytes=%.0f stored=%d%n",
          perSlotEmpty, perEntry, perSlotEmpty + perEntry, stored);
      out.flush();
      if (emptyLists.isEmpty()) {
        return 1;
      }
      return 0;
    }
  }
}
