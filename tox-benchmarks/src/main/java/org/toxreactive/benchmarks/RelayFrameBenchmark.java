package org.toxreactive.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.toxreactive.core.Bytes;
import org.toxreactive.transport.tcp.packet.Data;
import org.toxreactive.transport.tcp.packet.RelayPacket;

/** Relay packet codec on the hot path: a 1401-byte relayed net_crypto data packet. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RelayFrameBenchmark {
  private Data packet;
  private ByteBuf encoded;

  @Setup
  public void setup() {
    packet = new Data(16, Bytes.of(new byte[1400]));
    encoded = PooledByteBufAllocator.DEFAULT.heapBuffer(packet.encodedLength());
    packet.encode(encoded);
  }

  @TearDown
  public void tearDown() {
    encoded.release();
  }

  @Benchmark
  public int encode() {
    ByteBuf out = PooledByteBufAllocator.DEFAULT.heapBuffer(packet.encodedLength());
    try {
      packet.encode(out);
      return out.readableBytes();
    } finally {
      out.release();
    }
  }

  @Benchmark
  public RelayPacket decode() {
    return RelayPacket.decode(encoded.duplicate());
  }
}
