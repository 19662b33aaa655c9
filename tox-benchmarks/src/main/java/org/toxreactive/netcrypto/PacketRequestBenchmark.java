package org.toxreactive.netcrypto;

import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.toxreactive.netcrypto.packet.PacketRequest;
import org.toxreactive.netcrypto.packet.PacketRing;

/**
 * The packet request (docs/protocol.md 4.10) for a {@value #WINDOW}-packet window with {@value
 * #HOLES} holes (1%) at fixed random positions, plus the frontier, as Session sends it. One
 * operation is one request.
 *
 * <ul>
 *   <li>{@link #encode}: the receiver encodes it from its receive ring (a new array, as Session
 *       sends it); {@link #encodeInto}: the same into a reused buffer.
 *   <li>{@link #decode}: the sender decodes it against its window into a {@link
 *       PacketRequest.Requested}; {@link #decodeInto}: into a reused array, as SendBuffer does.
 *   <li>{@link #apply}: one round of a sender with {@value #WINDOW} packets in flight: {@link
 *       SendBuffer#onRequest} (releases the ~1,000 packets the request shows arrived; the holes are
 *       younger than a round trip, so they are not resent yet), then the cumulative ack of the
 *       rest, then {@value #WINDOW} new packets queued and pumped. Per operation, so its B/op
 *       covers 1,024 packets.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PacketRequestBenchmark {
  static final int WINDOW = 1024;
  static final int HOLES = 10;

  private final PacketRing<byte[]> receiveRing = new PacketRing<>();
  private byte[] request;
  private final byte[] encoded = new byte[PacketRequest.MAX_DATA];
  private final int[] decoded = new int[PacketRequest.MAX_DATA];
  private int senderStart;

  private final byte[] payload = new byte[1301];
  private final SendBuffer<byte[]> sendBuffer = PacketRingBenchmark.openSendBuffer();
  private SendBuffer.Out<byte[]> out;
  private long now = 1;

  @Setup
  public void setup(Blackhole bh) {
    Random rnd = new Random(7);
    TreeSet<Integer> holes = new TreeSet<>();
    while (holes.size() < HOLES) {
      holes.add(rnd.nextInt(WINDOW - 1)); // the newest packet (end - 1) is there by definition
    }
    int start = 123_456;
    receiveRing.moveStart(start);
    for (int i = 0; i < WINDOW; i++) {
      if (!holes.contains(i)) {
        receiveRing.store(start + i, payload);
      }
    }
    request = PacketRequest.encode(receiveRing, true);
    senderStart = 987_654;
    PacketRequest.Requested r = PacketRequest.decode(request, senderStart, senderStart + WINDOW);
    if (r == null || r.requestedNumbers().length != HOLES) {
      throw new IllegalStateException("request does not decode to " + HOLES + " holes");
    }

    out = (num, data) -> bh.consume(data);
    for (int i = 0; i < 3; i++) {
      round(); // the first pump only has the initial tokens; from the third round on it is steady
    }
    int released = round();
    if (released != WINDOW || sendBuffer.unacked() != WINDOW || sendBuffer.retransmissions() != 0) {
      throw new IllegalStateException("not steady: released " + released + ", " + sendBuffer);
    }
  }

  @Benchmark
  public byte[] encode() {
    return PacketRequest.encode(receiveRing, true);
  }

  @Benchmark
  public int encodeInto() {
    return PacketRequest.encode(receiveRing, true, encoded);
  }

  @Benchmark
  public PacketRequest.@Nullable Requested decode() {
    return PacketRequest.decode(request, senderStart, senderStart + WINDOW);
  }

  @Benchmark
  public int decodeInto() {
    return PacketRequest.decode(request, senderStart, senderStart + WINDOW, decoded);
  }

  @Benchmark
  public int apply() {
    return round();
  }

  private int round() {
    SendBuffer<byte[]> sb = sendBuffer;
    now += 10;
    int released = sb.onRequest(request, now);
    released += sb.ack(sb.end(), now);
    for (int i = 0; i < WINDOW; i++) {
      sb.queue(payload);
    }
    sb.pump(now, out);
    return released;
  }
}
