package org.toxreactive.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.toxreactive.core.Nonce;
import org.toxreactive.netcrypto.packet.NonceWindow;

/**
 * The receiver's per-packet nonce expansion (docs/protocol.md 4.8): the full nonce for a data
 * packet's 2-byte fragment, into a new array ({@link #candidate}, as Session calls it) or a reused
 * one ({@link #candidateInto}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class NonceWindowBenchmark {
  private NonceWindow window;
  private final byte[] scratch = new byte[Nonce.SIZE];
  private int fragment;

  @Setup
  public void setup() {
    window = new NonceWindow(Nonce.random().toArray());
  }

  @Benchmark
  public byte[] candidate() {
    fragment = (fragment + 1) & 0xFFFF;
    return window.candidate(fragment);
  }

  @Benchmark
  public byte[] candidateInto() {
    fragment = (fragment + 1) & 0xFFFF;
    return window.candidate(fragment, scratch);
  }
}
