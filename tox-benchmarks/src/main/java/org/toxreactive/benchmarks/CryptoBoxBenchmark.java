package org.toxreactive.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.core.crypto.CryptoProvider;
import org.toxreactive.core.crypto.CryptoProviders;
import org.toxreactive.core.crypto.SodiumCryptoProvider;

/**
 * crypto_box seal/open with a precomputed key (returning new arrays, in place as the packet codecs
 * use it, and between pooled direct buffers as the relay uses it with libsodium), and the
 * X25519+HSalsa20 precomputation, on each crypto provider: {@code java} (Bouncy Castle), {@code
 * sodium} (libsodium via jnr-ffi, what tox-core ships) and {@code sodium-jna} (libsodium via JNA
 * direct mapping, the binding it was measured against).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CryptoBoxBenchmark {
  @Param({"64", "1400"})
  int size;

  @Param({"java", "sodium", "sodium-jna"})
  String provider;

  private CryptoBox box;
  private CryptoProvider crypto;
  private SharedKey key;
  private Nonce nonce;
  private byte[] plain;
  private byte[] sealed;
  private PublicKey peer;
  private KeyPair own;
  private byte[] nonceBytes;
  private byte[] work;
  private ByteBuf plainBuf;
  private ByteBuf sealedBuf;
  private ByteBuf outBuf;

  /** The provider a benchmark parameter names. */
  static CryptoProvider provider(String name) {
    return name.equals("sodium-jna")
        ? new SodiumCryptoProvider(JnaSodium.load())
        : CryptoProviders.named(name);
  }

  @Setup
  public void setup() {
    crypto = provider(provider);
    box = new CryptoBox(crypto);
    own = KeyPair.generate();
    peer = KeyPair.generate().publicKey();
    key = CryptoBox.beforenm(crypto, peer, own.secretKey());
    nonce = Nonce.random();
    plain = new byte[size];
    sealed = box.seal(key, nonce, plain);
    nonceBytes = nonce.toArray();
    work = new byte[CryptoBox.MAC_SIZE + size];
    PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    plainBuf = alloc.directBuffer(size).writeBytes(plain);
    sealedBuf = alloc.directBuffer(sealed.length).writeBytes(sealed);
    outBuf = alloc.directBuffer(sealed.length);
  }

  @TearDown
  public void tearDown() {
    plainBuf.release();
    sealedBuf.release();
    outBuf.release();
  }

  /** The packet encoders' path: plaintext behind a tag slot, sealed where it lies. */
  @Benchmark
  public byte[] sealInPlace() {
    box.sealInPlace(key, nonceBytes, work, 0, size);
    return work;
  }

  /** The decoders' path: a received box (copied in, as from a socket buffer) opened in place. */
  @Benchmark
  public boolean openInPlace() {
    System.arraycopy(sealed, 0, work, 0, sealed.length);
    return box.openInPlace(key, nonceBytes, work, 0, sealed.length);
  }

  /** Pooled direct buffer to pooled direct buffer (the relay's frame path with libsodium). */
  @Benchmark
  public ByteBuf sealDirect() {
    outBuf.clear();
    box.seal(key, nonceBytes, plainBuf, size, outBuf);
    return outBuf;
  }

  /** A received frame in a pooled direct buffer opened into another. */
  @Benchmark
  public boolean openDirect() {
    outBuf.clear();
    return box.open(key, nonceBytes, sealedBuf, sealed.length, outBuf);
  }

  @Benchmark
  public byte[] seal() {
    return box.seal(key, nonce, plain);
  }

  @Benchmark
  public byte[] open() {
    return box.open(key, nonce, sealed);
  }

  @Benchmark
  public SharedKey beforenm() {
    return CryptoBox.beforenm(crypto, peer, own.secretKey());
  }
}
