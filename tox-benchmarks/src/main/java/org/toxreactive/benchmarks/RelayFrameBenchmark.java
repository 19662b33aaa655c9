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
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.ClientHandshake;
import org.toxreactive.transport.tcp.SecureSession;
import org.toxreactive.transport.tcp.ServerHandshake;
import org.toxreactive.transport.tcp.packet.Data;
import org.toxreactive.transport.tcp.packet.RelayPacket;

/**
 * Relay packet codec on the hot path: a 1401-byte relayed net_crypto data packet, decoded and
 * encoded, and as a whole frame: encoded, sealed into a pooled frame by one end of a link and
 * opened by the other ({@link SecureSession#sealFrame} / {@link SecureSession#openFrame}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RelayFrameBenchmark {
  private Data packet;
  private ByteBuf encoded;
  private SecureSession client;
  private SecureSession relay;

  @Setup
  public void setup() {
    packet = new Data(16, Bytes.of(new byte[1400]));
    encoded = PooledByteBufAllocator.DEFAULT.heapBuffer(packet.encodedLength());
    packet.encode(encoded);
    KeyPair relayKeys = KeyPair.generate();
    ClientHandshake hs = new ClientHandshake(KeyPair.generate(), relayKeys.publicKey());
    ByteBuf hello = PooledByteBufAllocator.DEFAULT.heapBuffer();
    ByteBuf response = PooledByteBufAllocator.DEFAULT.heapBuffer();
    try {
      hs.writeHello(hello);
      relay = ServerHandshake.accept(relayKeys, hello, response).session();
      client = hs.readResponse(response);
    } finally {
      hello.release();
      response.release();
    }
  }

  /** One relayed frame: sealed by the sender's link, opened by the relay (two boxes). */
  @Benchmark
  public int sealFrame() {
    ByteBuf frame = client.sealFrame(packet, PooledByteBufAllocator.DEFAULT);
    try {
      frame.skipBytes(2);
      return relay.openFrame(frame).readableBytes();
    } finally {
      frame.release();
    }
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
