package org.toxreactive.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;

/**
 * crypto_box seal/open with a precomputed key (returning new arrays, and in place as the packet
 * codecs use it), and the X25519+HSalsa20 precomputation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CryptoBoxBenchmark {
  @Param({"64", "1400"})
  int size;

  private final CryptoBox box = new CryptoBox();
  private SharedKey key;
  private Nonce nonce;
  private byte[] plain;
  private byte[] sealed;
  private PublicKey peer;
  private KeyPair own;
  private byte[] nonceBytes;
  private byte[] work;

  @Setup
  public void setup() {
    own = KeyPair.generate();
    peer = KeyPair.generate().publicKey();
    key = CryptoBox.beforenm(peer, own.secretKey());
    nonce = Nonce.random();
    plain = new byte[size];
    sealed = box.seal(key, nonce, plain);
    nonceBytes = nonce.toArray();
    work = new byte[CryptoBox.MAC_SIZE + size];
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
    return CryptoBox.beforenm(peer, own.secretKey());
  }
}
