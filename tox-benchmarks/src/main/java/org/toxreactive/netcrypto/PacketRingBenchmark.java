package org.toxreactive.netcrypto;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.toxreactive.netcrypto.packet.PacketRing;

/**
 * net_crypto's packet rings in a steady-state loop; one operation is one packet (each invocation
 * moves {@value #BATCH}). In this package because {@link SendBuffer} is package-private.
 *
 * <ul>
 *   <li>{@link #sendRing}: {@link PacketRing} as the send array: store at end, release up to the
 *       peer's buffer_start (remove + moveStart) once {@value #WINDOW} are outstanding.
 *   <li>{@link #receiveRing}: {@link PacketRing} as the receive array: store in a shuffled order
 *       within each batch, hand up every consecutive packet from start (remove + moveStart).
 *   <li>{@link #sendBuffer}: the sender's lossless path, {@link SendBuffer}: queue, pump (sent
 *       through an Out that consumes), cumulative ack.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PacketRingBenchmark {
  static final int BATCH = 32;
  static final int WINDOW = 1024;

  private final byte[] payload = new byte[1301];
  private final PacketRing<byte[]> sendRing = new PacketRing<>();
  private final PacketRing<byte[]> receiveRing = new PacketRing<>();
  private final int[] order = new int[BATCH];
  private int receiveBase;

  private final SendBuffer<byte[]> sendBuffer = openSendBuffer();
  private SendBuffer.Out<byte[]> out;
  private long now = 1;

  @Setup
  public void setup(Blackhole bh) {
    // a fixed shuffle: packets of a batch arrive out of order
    Random rnd = new Random(42);
    for (int i = 0; i < BATCH; i++) {
      order[i] = i;
    }
    for (int i = BATCH - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    sendRing.moveStart(-WINDOW / 2); // across the u32 wrap during the run
    receiveRing.moveStart(-WINDOW / 2);
    receiveBase = receiveRing.start();
    out = (num, data) -> bh.consume(data);
  }

  /**
   * A send buffer whose congestion window is grown to its maximum, so that only the code under test
   * limits.
   */
  static SendBuffer<byte[]> openSendBuffer() {
    RttEstimator rtt = new RttEstimator();
    WindowCongestion cc = new WindowCongestion(rtt, 10);
    for (int i = 0; i < WindowCongestion.MAX_WINDOW; i++) {
      cc.acked(WindowCongestion.MAX_WINDOW);
    }
    if (cc.window() != WindowCongestion.MAX_WINDOW) {
      throw new IllegalStateException("window " + cc.window());
    }
    return new SendBuffer<>(cc, rtt);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int sendRing() {
    PacketRing<byte[]> r = sendRing;
    for (int i = 0; i < BATCH; i++) {
      r.store(r.end(), payload);
    }
    if (r.span() >= WINDOW) {
      int upTo = r.start() + BATCH;
      while (r.start() != upTo) {
        r.remove(r.start());
        r.moveStart(r.start() + 1);
      }
    }
    return r.span();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int receiveRing(Blackhole bh) {
    PacketRing<byte[]> r = receiveRing;
    int base = receiveBase;
    for (int i = 0; i < BATCH; i++) {
      r.store(base + order[i], payload);
      byte[] d;
      while ((d = r.get(r.start())) != null) {
        r.remove(r.start());
        r.moveStart(r.start() + 1);
        bh.consume(d);
      }
    }
    receiveBase = base + BATCH;
    return r.start();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int sendBuffer() {
    SendBuffer<byte[]> sb = sendBuffer;
    for (int i = 0; i < BATCH; i++) {
      sb.queue(payload);
    }
    sb.pump(now, out);
    int released = sb.ack(sb.end(), now);
    now++;
    return released;
  }
}
