package org.toxreactive.benchmarks.load;

import io.netty.buffer.Unpooled;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.onion.ClosestNodes;
import org.toxreactive.onion.OnionNode;
import org.toxreactive.onion.OnionPath;
import org.toxreactive.onion.packet.AnnouncePlain;
import org.toxreactive.onion.packet.AnnounceResponse;
import org.toxreactive.onion.packet.OnionPacket;
import org.toxreactive.onion.packet.OnionSizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Heap of the onion node's announce store: {@code --nodes} in-memory {@link OnionNode}s, each
 * filled with 160 announces (the store's size), measured with {@link HeapMeter} before and after.
 */
@Command(
    name = "onion-heap",
    mixinStandardHelpOptions = true,
    description = {
      "Heap per stored onion announce.",
      "",
      "Creates --nodes onion nodes (no sockets), measures the heap, announces 160 keys to each"
          + " (a zero ping id, then the returned one: stored), measures again. The store's slots"
          + " are allocated with the node, so the first figure (per slot) is what a full store"
          + " costs; the second is what storing adds (the return address and the shared key"
          + " cached for the announcer).",
      "",
      "Prints 'RESULT mode=onion_heap bytes_per_slot=.. bytes_per_stored=.. stored=..'."
    })
final class OnionHeapCommand implements Callable<Integer> {
  private static final int SLOTS = OnionNode.Limits.DEFAULT.announceEntries();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--nodes",
      defaultValue = "50",
      description = "Nodes (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    LoadCli.require(spec, nodes >= 1 && nodes <= 1000, "--nodes", nodes, "1..1000");
    List<KeyPair> senders = new ArrayList<>();
    for (int i = 0; i < SLOTS; i++) {
      senders.add(KeyPair.generate());
    }
    byte[][] last = new byte[1][];
    OnionNode.Out sink = (datagram, to) -> last[0] = datagram;
    long before = HeapMeter.usedAfterGc();
    List<OnionNode> list = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      list.add(
          new OnionNode(KeyPair.generate(), ClosestNodes.NONE, sink, OnionNode.Limits.DEFAULT, 0));
    }
    long empty = HeapMeter.usedAfterGc();
    InetAddress lo = InetAddress.getLoopbackAddress();
    long stored = 0;
    for (OnionNode node : list) {
      for (int i = 0; i < senders.size(); i++) {
        KeyPair s = senders.get(i);
        IpPort from = new IpPort(InetAddress.getByAddress(lo.getAddress()), 10_000 + i);
        Bytes ping = Bytes.of(new byte[32]);
        for (int round = 0; round < 2; round++) {
          AnnouncePlain plain =
              new AnnouncePlain(
                  ping, s.publicKey(), s.publicKey(), Bytes.of(new byte[8]), Bytes.EMPTY);
          byte[] inner = OnionPath.announceRequest(s, node.publicKey(), plain, false);
          node.onUdp(Arrays.copyOf(inner, inner.length + OnionSizes.RETURN_3), from, 1);
          byte[] resp = Arrays.copyOfRange(last[0], 1 + OnionSizes.RETURN_3, last[0].length);
          AnnounceResponse r = (AnnounceResponse) OnionPacket.decode(Unpooled.wrappedBuffer(resp));
          ping = OnionPath.openAnnounceResponse(s, node.publicKey(), r).pingIdOrKey();
        }
      }
      stored += node.announced(1);
    }
    long full = HeapMeter.usedAfterGc();
    double perSlot = (double) (empty - before) / ((long) nodes * SLOTS);
    double perStored = stored == 0 ? 0 : (double) (full - empty) / stored;
    out.printf(
        Locale.ROOT,
        "onion-heap: %d nodes, %d announces stored; %.0f B per slot (allocated with the node),"
            + " %.0f B more per stored announce%n",
        nodes,
        stored,
        perSlot,
        perStored);
    out.printf(
        Locale.ROOT,
        "RESULT mode=onion_heap bytes_per_slot=%.0f bytes_per_stored=%.0f stored=%d nodes=%d%n",
        perSlot,
        perStored,
        stored,
        nodes);
    out.flush();
    if (list.size() != nodes) { // keeps the nodes reachable until the last read
      return 1;
    }
    return stored == (long) nodes * SLOTS ? 0 : 1;
  }
}
