package org.toxreactive.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.core.crypto.CryptoProvider;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A paired A/B of two crypto providers in one JVM, for a machine shared with other builds: the two
 * run in alternating time slices (A B A B ...), so a slice of A and the next slice of B see the
 * same machine load; the figure to quote is the median of the per-pair ratios B/A. One thread.
 *
 * <pre>{@code
 * java -cp tox-benchmarks/target/tox-benchmarks.jar org.toxreactive.benchmarks.CryptoAb \
 *     --a sodium --b sodium-jna --op seal --slices 20 --slice-ms 250
 * }</pre>
 */
@Command(
    name = "crypto-ab",
    mixinStandardHelpOptions = true,
    description =
        "Paired A/B of two crypto providers (java, sodium, sodium-jna) in alternating slices.")
public final class CryptoAb implements Callable<Integer> {
  @Option(names = "--a", defaultValue = "sodium", description = "Provider A (${DEFAULT-VALUE}).")
  String a;

  @Option(
      names = "--b",
      defaultValue = "sodium-jna",
      description = "Provider B (${DEFAULT-VALUE}).")
  String b;

  @Option(
      names = "--op",
      defaultValue = "seal",
      description =
          "seal | open (pooled direct buffers, 1 box per op) | beforenm (${DEFAULT-VALUE}).")
  String op;

  @Option(
      names = "--size",
      defaultValue = "1400",
      description = "Plaintext bytes (${DEFAULT-VALUE}).")
  int size;

  @Option(
      names = "--slices",
      defaultValue = "20",
      description = "Slices of each (${DEFAULT-VALUE}).")
  int slices;

  @Option(
      names = "--slice-ms",
      defaultValue = "250",
      description = "Slice length (${DEFAULT-VALUE}).")
  long sliceMs;

  /** One provider's fixture: a box, a key, pooled direct buffers. */
  private final class Side implements AutoCloseable {
    final CryptoProvider provider;
    final CryptoBox box;
    final SharedKey key;
    final PublicKey peer = KeyPair.generate().publicKey();
    final KeyPair own = KeyPair.generate();
    final byte[] nonce = Nonce.random().toArray();
    final ByteBuf plain = PooledByteBufAllocator.DEFAULT.directBuffer(size).writeZero(size);
    final ByteBuf sealed = PooledByteBufAllocator.DEFAULT.directBuffer(size + 16);
    final ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(size + 16);
    long sink;

    Side(String name) {
      provider = CryptoBoxBenchmark.provider(name);
      box = new CryptoBox(provider);
      key = CryptoBox.beforenm(provider, peer, own.secretKey());
      box.seal(key, nonce, plain, size, sealed);
    }

    /** Operations per second over one slice. */
    double slice() {
      long end = System.nanoTime() + sliceMs * 1_000_000;
      long start = System.nanoTime();
      long n = 0;
      long now;
      do {
        for (int i = 0; i < 64; i++) {
          switch (op) {
            case "seal" -> {
              out.clear();
              box.seal(key, nonce, plain, size, out);
              sink += out.getByte(0);
            }
            case "open" -> {
              out.clear();
              sink += box.open(key, nonce, sealed, size + 16, out) ? 1 : 0;
            }
            case "beforenm" ->
                sink += CryptoBox.beforenm(provider, peer, own.secretKey()).hashCode();
            default ->
                throw new CommandLine.ParameterException(
                    new CommandLine(CryptoAb.this),
                    "--op must be seal, open or beforenm, got " + op);
          }
        }
        n += 64;
        now = System.nanoTime();
      } while (now < end);
      return n * 1e9 / (now - start);
    }

    @Override
    public void close() {
      plain.release();
      sealed.release();
      out.release();
    }
  }

  @Override
  public Integer call() {
    try (Side sa = new Side(a);
        Side sb = new Side(b)) {
      for (int w = 0; w < 4; w++) { // warm-up: both compiled before anything counts
        sa.slice();
        sb.slice();
      }
      double[] ra = new double[slices];
      double[] rb = new double[slices];
      double[] ratio = new double[slices];
      for (int i = 0; i < slices; i++) {
        ra[i] = sa.slice();
        rb[i] = sb.slice();
        ratio[i] = rb[i] / ra[i];
      }
      System.out.printf(
          Locale.ROOT,
          "RESULT op=%s size=%d a=%s b=%s a_median_ops=%.0f b_median_ops=%.0f ratio_b_a_median=%.3f"
              + " ratio_min=%.3f ratio_max=%.3f slices=%d sink=%d%n",
          op,
          size,
          sa.provider.description().replace(' ', '_'),
          sb.provider.description().replace(' ', '_'),
          median(ra),
          median(rb),
          median(ratio),
          Arrays.stream(ratio).min().orElse(0),
          Arrays.stream(ratio).max().orElse(0),
          slices,
          (sa.sink + sb.sink) & 1);
    }
    return 0;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new CryptoAb()).execute(args));
  }
}
