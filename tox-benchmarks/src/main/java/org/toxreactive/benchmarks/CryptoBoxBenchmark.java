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

/** crypto_box seal/open with a precomputed key, and the X25519+HSalsa20 precomputation. */
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

  @Setup
  public void setup() {
    own = KeyPair.generate();
    peer = KeyPair.generate().publicKey();
    key = CryptoBox.beforenm(peer, own.secretKey());
    nonce = Nonce.random();
    plain = new byte[size];
    sealed = box.seal(key, nonce, plain);
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
