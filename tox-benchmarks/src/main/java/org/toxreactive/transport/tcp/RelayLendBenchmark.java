package org.toxreactive.transport.tcp;

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
import org.toxreactive.core.BytesPool;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.packet.Data;

/**
 * The relay pool's two per-packet steps without a copy into new arrays, beside {@code
 * org.toxreactive.benchmarks.RelayFrameBenchmark}'s {@code decode} and {@code sealFrame} (the same
 * 1,401-byte data packet, whose payload here starts with 0x1B, a net_crypto data packet). In this
 * package because {@link PayloadLender} and the sealing of an encoded packet are the pool's own.
 *
 * <ul>
 *   <li>{@link #lend}: an opened data packet decoded with its payload lent from the pool's {@link
 *       BytesPool}, then the loan ended, as net_crypto does once it has opened the packet.
 *   <li>{@link #sealBorrowed}: the borrowed offer's path, a caller's array copied behind the
 *       connection id into a pooled buffer, sealed from there into a pooled frame ({@link
 *       SecureSession#sealEncoded}) and opened by the other end, both buffers released.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RelayLendBenchmark {
  private static final int PAYLOAD = 1400;

  private final byte[] payload = new byte[PAYLOAD];
  private final PayloadLender lender = new PayloadLender(1024);
  private ByteBuf encoded;
  private SecureSession client;
  private SecureSession relay;

  @Setup
  public void setup() {
    payload[0] = 0x1B;
    encoded = PooledByteBufAllocator.DEFAULT.heapBuffer(1 + PAYLOAD);
    encoded.writeByte(16).writeBytes(payload);
    lender.start(this);
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

  @TearDown
  public void tearDown() {
    encoded.release();
  }

  /** An opened data packet decoded with its payload on loan, then the loan ended. */
  @Benchmark
  public int lend() {
    Data data = lender.lend(encoded.duplicate());
    if (data == null) {
      throw new IllegalStateException("not lent");
    }
    int length = data.payload().length();
    BytesPool.release(data.payload());
    return length;
  }

  /** A borrowed array sealed as one relayed frame by the sender's link, opened by the relay. */
  @Benchmark
  public int sealBorrowed() {
    ByteBuf plaintext = PooledByteBufAllocator.DEFAULT.buffer(1 + PAYLOAD);
    ByteBuf frame;
    try {
      plaintext.writeByte(16).writeBytes(payload, 0, PAYLOAD);
      frame = client.sealEncoded(plaintext, PooledByteBufAllocator.DEFAULT);
    } finally {
      plaintext.release();
    }
    try {
      frame.skipBytes(2);
      ByteBuf opened = relay.openFrame(frame);
      if (opened == null) {
        throw new IllegalStateException("frame did not open");
      }
      return opened.readableBytes();
    } finally {
      frame.release();
    }
  }
}
