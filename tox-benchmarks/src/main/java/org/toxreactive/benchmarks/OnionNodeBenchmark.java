package org.toxreactive.benchmarks;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PackedNode;
import org.toxreactive.onion.ClosestNodes;
import org.toxreactive.onion.OnionNode;
import org.toxreactive.onion.OnionPath;
import org.toxreactive.onion.packet.AnnouncePlain;
import org.toxreactive.onion.packet.OnionSizes;

/**
 * The onion node's per-packet work (docs/protocol.md 13), with the senders' shared keys cached:
 * {@link #announce} answers an announce request (open, ping id, store lookup, seal the reply);
 * {@link #hop} peels one onion layer as node 1 (open, seal the return block). The rate limit is set
 * out of the way.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OnionNodeBenchmark {
  private static final int SENDERS = 64;

  private OnionNode node;
  private IpPort from;
  private byte[][] announces;
  private byte[][] onions;
  private int next;
  private int sent;

  @Setup
  public void setup() throws Exception {
    KeyPair self = KeyPair.generate();
    from = new IpPort(InetAddress.getByName("127.0.0.1"), 33445);
    node =
        new OnionNode(
            self,
            ClosestNodes.NONE,
            (datagram, to) -> sent += datagram.length,
            new OnionNode.Limits(160, 300_000, 7_200_000, 4096, 1e12, Integer.MAX_VALUE, 16, 16),
            0);
    PackedNode me = PackedNode.udp(from, self.publicKey());
    announces = new byte[SENDERS][];
    onions = new byte[SENDERS][];
    for (int i = 0; i < SENDERS; i++) {
      KeyPair k = KeyPair.generate();
      AnnouncePlain plain =
          new AnnouncePlain(
              Bytes.of(new byte[32]),
              k.publicKey(),
              k.publicKey(),
              Bytes.of(new byte[8]),
              Bytes.EMPTY);
      byte[] inner = OnionPath.announceRequest(k, self.publicKey(), plain, false);
      announces[i] = Arrays.copyOf(inner, inner.length + OnionSizes.RETURN_3);
      onions[i] = OnionPath.create(k, me, me, me).wrap(from, inner);
    }
  }

  @Benchmark
  public OnionNode.Outcome announce() {
    next = (next + 1) % SENDERS;
    return node.onUdp(announces[next], from, 1);
  }

  @Benchmark
  public OnionNode.Outcome hop() {
    next = (next + 1) % SENDERS;
    return node.onUdp(onions[next], from, 1);
  }
}
