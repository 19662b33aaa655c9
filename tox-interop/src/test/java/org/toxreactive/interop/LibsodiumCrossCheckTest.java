package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SecretKey;
import org.toxreactive.core.SharedKey;

/**
 * Cross-checks tox-core's crypto against libsodium (the library c-toxcore 0.2.18 uses) and against
 * an independent C implementation of c-toxcore's big-endian nonce arithmetic: {@code
 * src/test/c/sodium_oracle.c}, compiled with the system's gcc and libsodium when the test class
 * starts and driven over stdin/stdout.
 *
 * <p>Every case is seeded ({@code -Dtox.interop.seed=N} replays another seed); failure messages
 * name the seed and the case. Missing gcc, pkg-config or libsodium-dev skips the class locally and
 * fails it with {@code -Dtox.interop.required=true}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LibsodiumCrossCheckTest {
  private static final long SEED = Long.getLong("tox.interop.seed", 0x70C5_0218L);
  private static final int MAX_LEN = 2100;
  private static final int[] SPECIAL_LENGTHS = {
    0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 1024, 1373, 1400, 2031, 2032, 2033, 2048,
    MAX_LEN
  };
  private static final int[] SPECIAL_ADDENDS = {
    0,
    1,
    2,
    0xFF,
    0x100,
    0xFFFF,
    0x10000,
    0xFFFFFF,
    0x1000000,
    0x7FFFFFFF,
    0x80000000,
    0xFFFFFFFE,
    0xFFFFFFFF,
    0x1F5,
    0x12345678
  };

  /**
   * Curve25519 points of small order (libsodium's blacklist, plus the same with bit 255 set, which
   * X25519 ignores): a shared secret with any of them is all zeros.
   */
  private static final List<String> LOW_ORDER_POINTS =
      List.of(
          "0000000000000000000000000000000000000000000000000000000000000000",
          "0100000000000000000000000000000000000000000000000000000000000000",
          "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
          "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
          "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
          "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
          "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
          "0000000000000000000000000000000000000000000000000000000000000080",
          "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
          "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7",
          "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");

  private static final HexFormat HEX = HexFormat.of();

  private static Oracle oracle;

  @BeforeAll
  static void compileAndStartOracle(@TempDir Path dir) throws Exception {
    Interop.requireTool("gcc");
    Interop.requireTool("pkg-config");
    Run flags = run(dir, List.of("pkg-config", "--cflags", "--libs", "libsodium"), 30);
    if (flags.status != 0) {
      Interop.unavailable(
          "libsodium-dev (pkg-config libsodium failed: " + flags.output.trim() + ")");
    }
    Path source = moduleDir().resolve("src/test/c/sodium_oracle.c");
    assertThat(source).as("oracle source").exists();
    Path binary = dir.resolve("sodium_oracle");
    List<String> gcc = new ArrayList<>(List.of("gcc", "-O2", "-Wall", "-o", binary.toString()));
    gcc.add(source.toString());
    gcc.addAll(Arrays.asList(flags.output.trim().split("\\s+")));
    Run compiled = run(dir, gcc, 120);
    assertThat(compiled.status).as("gcc failed:\n%s", compiled.output).isZero();
    oracle = new Oracle(binary, dir.resolve("oracle.stderr"));
  }

  @AfterAll
  static void stopOracle() {
    if (oracle != null) {
      oracle.close();
      oracle = null;
    }
  }

  @Test
  void oracleReproducesCToxcoreNonceVectors() {
    // c-toxcore crypto_core_test.cc (docs/protocol.md section 1): anchors the oracle itself.
    byte[] n = oracle.incr(new byte[24]);
    assertThat(HEX.formatHex(n)).isEqualTo("00".repeat(23) + "01");
    for (int i = 0; i < 0x1F4; i++) {
      n = oracle.incr(n);
    }
    assertThat(HEX.formatHex(n)).endsWith("01f5");
    byte[] m = oracle.addnum(oracle.addnum(new byte[24], 0x1F5), 0x1F5);
    assertThat(HEX.formatHex(m)).isEqualTo("00".repeat(22) + "03ea");
    assertThat(HEX.formatHex(oracle.addnum(m, 0x12345678))).isEqualTo("00".repeat(20) + "12345a62");
    assertThat(oracle.incr(filled(24, 0xFF))).isEqualTo(new byte[24]);
  }

  @Test
  void publicKeysMatch() {
    Random rnd = new Random(SEED);
    List<byte[]> secrets = new ArrayList<>();
    secrets.add(new byte[32]);
    secrets.add(filled(32, 0xFF));
    secrets.add(filled(32, 0x80));
    secrets.add(filled(32, 0x07));
    for (int i = 0; i < 400; i++) {
      secrets.add(random(rnd, 32));
    }
    for (int i = 0; i < secrets.size(); i++) {
      byte[] sk = secrets.get(i);
      byte[] java = KeyPair.fromSecretKey(SecretKey.of(sk)).publicKey().toArray();
      assertThat(HEX.formatHex(java))
          .as("public key, case %d, seed %x", i, SEED)
          .isEqualTo(HEX.formatHex(oracle.pub(sk)));
    }
  }

  @Test
  void sharedKeysMatchAndAreSymmetric() {
    Random rnd = new Random(SEED + 1);
    for (int i = 0; i < 300; i++) {
      KeyPair a = KeyPair.fromSecretKey(SecretKey.of(random(rnd, 32)));
      KeyPair b = KeyPair.fromSecretKey(SecretKey.of(random(rnd, 32)));
      byte[] java = CryptoBox.beforenm(b.publicKey(), a.secretKey()).toArray();
      byte[] sodium = oracle.beforenm(b.publicKey().toArray(), secretBytes(a));
      assertThat(sodium).as("libsodium refused a valid key, case %d, seed %x", i, SEED).isNotNull();
      assertThat(HEX.formatHex(java))
          .as("beforenm, case %d, seed %x", i, SEED)
          .isEqualTo(HEX.formatHex(sodium));
      assertThat(CryptoBox.beforenm(a.publicKey(), b.secretKey()).toArray())
          .as("beforenm symmetry, case %d", i)
          .isEqualTo(java);
    }
  }

  @Test
  void lowOrderPublicKeysAreRefusedByBoth() {
    Random rnd = new Random(SEED + 2);
    for (String point : LOW_ORDER_POINTS) {
      byte[] sk = random(rnd, 32);
      byte[] pk = HEX.parseHex(point);
      assertThat(oracle.beforenm(pk, sk)).as("libsodium beforenm with %s", point).isNull();
      assertThatThrownBy(() -> CryptoBox.beforenm(PublicKey.of(pk), SecretKey.of(sk)))
          .as("Java beforenm with %s", point)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void boxesAreByteIdenticalAndOpenAcrossImplementations() {
    Random rnd = new Random(SEED + 3);
    CryptoBox box = new CryptoBox(); // one instance: engines and scratch are reused across cases
    int cases = 2000;
    for (int i = 0; i < cases; i++) {
      int len =
          i < SPECIAL_LENGTHS.length * 4
              ? SPECIAL_LENGTHS[i % SPECIAL_LENGTHS.length]
              : rnd.nextInt(MAX_LEN + 1);
      SharedKey key =
          i % 5 == 0
              ? CryptoBox.beforenm(
                  KeyPair.fromSecretKey(SecretKey.of(random(rnd, 32))).publicKey(),
                  SecretKey.of(random(rnd, 32)))
              : SharedKey.of(random(rnd, 32));
      Nonce nonce = Nonce.of(i % 3 == 0 ? nearCarryNonce(rnd) : random(rnd, 24));
      byte[] msg = random(rnd, len);
      String what = String.format("case %d, seed %x, length %d", i, SEED, len);

      byte[] javaBox = box.seal(key, nonce, msg);
      byte[] sodiumBox = oracle.seal(key.toArray(), nonce.toArray(), msg);
      assertThat(javaBox).as("seal length, %s", what).hasSize(len + CryptoBox.MAC_SIZE);
      assertThat(HEX.formatHex(javaBox)).as("seal, %s", what).isEqualTo(HEX.formatHex(sodiumBox));
      assertThat(sealWithByteBuf(box, key, nonce, msg))
          .as("ByteBuf seal, %s", what)
          .isEqualTo(javaBox);

      assertThat(oracle.open(key.toArray(), nonce.toArray(), javaBox))
          .as("libsodium opens the Java box, %s", what)
          .isEqualTo(msg);
      assertThat(box.open(key, nonce, sodiumBox))
          .as("Java opens the libsodium box, %s", what)
          .isEqualTo(msg);
      assertThat(openWithByteBuf(box, key, nonce, sodiumBox))
          .as("Java ByteBuf open of the libsodium box, %s", what)
          .isEqualTo(msg);

      byte[] tampered = javaBox.clone();
      int bit = rnd.nextInt(tampered.length * 8);
      tampered[bit / 8] ^= (byte) (1 << (bit % 8));
      String flipped = what + ", flipped bit " + bit;
      assertThat(box.open(key, nonce, tampered)).as("Java rejects, %s", flipped).isNull();
      assertThat(openWithByteBuf(box, key, nonce, tampered))
          .as("Java ByteBuf rejects, %s", flipped)
          .isNull();
      assertThat(oracle.open(key.toArray(), nonce.toArray(), tampered))
          .as("libsodium rejects, %s", flipped)
          .isNull();

      if (i % 10 == 0) {
        Nonce next = nonce.increment();
        assertThat(box.open(key, next, javaBox))
            .as("Java rejects the wrong nonce, %s", what)
            .isNull();
        assertThat(oracle.open(key.toArray(), next.toArray(), javaBox))
            .as("libsodium rejects the wrong nonce, %s", what)
            .isNull();
      }
    }
  }

  @Test
  void boxesShorterThanTheMacAreRejectedByBoth() {
    Random rnd = new Random(SEED + 4);
    CryptoBox box = new CryptoBox();
    SharedKey key = SharedKey.of(random(rnd, 32));
    Nonce nonce = Nonce.of(random(rnd, 24));
    for (int len = 0; len < CryptoBox.MAC_SIZE; len++) {
      byte[] shortBox = random(rnd, len);
      assertThat(box.open(key, nonce, shortBox)).as("Java, %d bytes", len).isNull();
      assertThat(oracle.open(key.toArray(), nonce.toArray(), shortBox))
          .as("libsodium, %d bytes", len)
          .isNull();
    }
    // A bare MAC is a valid box of the empty message for both (c-toxcore itself refuses <= 16).
    byte[] empty = oracle.seal(key.toArray(), nonce.toArray(), new byte[0]);
    assertThat(box.open(key, nonce, empty)).isEmpty();
  }

  @Test
  void nonceArithmeticMatchesTheCImplementation() {
    Random rnd = new Random(SEED + 5);
    int checked = 0;
    for (int i = 0; i < 600; i++) {
      byte[] n = i % 2 == 0 ? nearCarryNonce(rnd) : random(rnd, 24);
      assertThat(Nonce.of(n).increment().toHex())
          .as("increment %s, case %d, seed %x", HEX.formatHex(n), i, SEED)
          .isEqualTo(HEX.formatHex(oracle.incr(n)));
      checked++;
    }
    for (int i = 0; i < 900; i++) {
      byte[] n = i % 3 == 0 ? random(rnd, 24) : nearCarryNonce(rnd);
      int x =
          i < SPECIAL_ADDENDS.length * 8
              ? SPECIAL_ADDENDS[i % SPECIAL_ADDENDS.length]
              : rnd.nextInt();
      assertThat(Nonce.of(n).add(x).toHex())
          .as("add %08x to %s, case %d, seed %x", x, HEX.formatHex(n), i, SEED)
          .isEqualTo(HEX.formatHex(oracle.addnum(n, x)));
      checked++;
    }
    // Walk across carries step by step, as a connection's counter does.
    byte[] start = new byte[24];
    Arrays.fill(start, 12, 24, (byte) 0xFF);
    start[23] = (byte) 0x80;
    Nonce java = Nonce.of(start);
    byte[] c = start;
    for (int i = 0; i < 300; i++) {
      java = java.increment();
      c = oracle.incr(c);
      assertThat(java.toArray()).as("step %d", i).isEqualTo(c);
      checked++;
    }
    assertThat(checked).isEqualTo(1800);
  }

  private static byte[] sealWithByteBuf(CryptoBox box, SharedKey key, Nonce nonce, byte[] msg) {
    ByteBuf in = Unpooled.wrappedBuffer(msg);
    ByteBuf out = Unpooled.buffer(msg.length + CryptoBox.MAC_SIZE);
    try {
      box.seal(key, nonce.toArray(), in, msg.length, out);
      assertThat(in.readerIndex()).isZero();
      byte[] result = new byte[out.readableBytes()];
      out.readBytes(result);
      return result;
    } finally {
      in.release();
      out.release();
    }
  }

  private static byte[] openWithByteBuf(CryptoBox box, SharedKey key, Nonce nonce, byte[] sealed) {
    ByteBuf in = Unpooled.wrappedBuffer(sealed);
    ByteBuf out = Unpooled.buffer(Math.max(0, sealed.length - CryptoBox.MAC_SIZE));
    try {
      if (!box.open(key, nonce.toArray(), in, sealed.length, out)) {
        assertThat(out.readableBytes()).as("nothing written on failure").isZero();
        return null;
      }
      byte[] result = new byte[out.readableBytes()];
      out.readBytes(result);
      return result;
    } finally {
      in.release();
      out.release();
    }
  }

  /** A nonce whose low bytes are all 0xFF (0 to 24 of them), so incrementing carries far. */
  private static byte[] nearCarryNonce(Random rnd) {
    byte[] n = random(rnd, 24);
    int ones = rnd.nextInt(25);
    Arrays.fill(n, 24 - ones, 24, (byte) 0xFF);
    switch (rnd.nextInt(4)) {
      case 0:
        // just below a carry into the next byte: ...FE
        n[23] = (byte) 0xFE;
        break;
      case 1:
        if (ones < 24) {
          n[23 - ones] = (byte) 0xFF; // the carry keeps going one byte further
        }
        break;
      case 2:
        Arrays.fill(n, 20, 24, (byte) 0xFF); // the 32-bit window is full
        break;
      default:
        break;
    }
    return n;
  }

  private static byte[] secretBytes(KeyPair kp) {
    return kp.secretKey().toArray();
  }

  private static byte[] random(Random rnd, int len) {
    byte[] b = new byte[len];
    rnd.nextBytes(b);
    return b;
  }

  private static byte[] filled(int len, int value) {
    byte[] b = new byte[len];
    Arrays.fill(b, (byte) value);
    return b;
  }

  private static Path moduleDir() {
    String basedir = System.getProperty("basedir");
    return basedir != null ? Path.of(basedir) : Path.of("").toAbsolutePath();
  }

  private static final class Run {
    final int status;
    final String output;

    Run(int status, String output) {
      this.status = status;
      this.output = output;
    }
  }

  /** Runs a short-lived tool with a bounded wait; output (stdout+stderr) goes through a file. */
  private static Run run(Path dir, List<String> command, int timeoutSeconds) throws Exception {
    Path out = Files.createTempFile(dir, "run-", ".out");
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    Interop.killOnExit(p.toHandle());
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        fail("%s did not finish within %d s", command, timeoutSeconds);
      }
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1));
    } finally {
      Interop.terminate(p.toHandle(), Duration.ofSeconds(5));
    }
  }

  /** The compiled sodium_oracle, one request line and one answer line at a time. */
  private static byte[] cat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  /** The 19-byte onion IP_Port of 127.0.0.1:port, by hand (docs/protocol.md 13.1). */
  private static byte[] ip19(int port) {
    byte[] a = new byte[19];
    a[0] = 2;
    a[1] = 127;
    a[4] = 1;
    a[17] = (byte) (port >> 8);
    a[18] = (byte) port;
    return a;
  }

  private static org.toxreactive.core.IpPort loopback(int port) throws Exception {
    return new org.toxreactive.core.IpPort(java.net.InetAddress.getByName("127.0.0.1"), port);
  }

  /**
   * An onion announce whose every client-side box libsodium sealed, laid out by hand from
   * docs/protocol.md 13 (not with our OnionPath), goes 0x80 -> 0x81 -> 0x82 -> 0x83 through three
   * of our onion nodes to a fourth, whose 0x84 comes back through 0x8C/0x8D/0x8E to the client's
   * address and opens with libsodium. This is the UDP path a DHT-connected c-toxcore client uses;
   * the interop test with c-toxcore covers the TCP-relay path.
   */
  @Test
  void anOnionAnnounceSealedByLibsodiumCrossesThreeOfOurNodesAndItsAnswerOpens() throws Exception {
    int[] ports = {7001, 7002, 7003, 7004};
    int clientPort = 7000;
    java.util.Map<org.toxreactive.core.IpPort, org.toxreactive.onion.OnionNode> nodes =
        new java.util.HashMap<>();
    KeyPair[] keys = new KeyPair[4];
    java.util.ArrayDeque<Object[]> queue = new java.util.ArrayDeque<>();
    for (int i = 0; i < 4; i++) {
      keys[i] = KeyPair.generate();
      org.toxreactive.core.IpPort self = loopback(ports[i]);
      nodes.put(
          self,
          new org.toxreactive.onion.OnionNode(
              keys[i],
              org.toxreactive.onion.ClosestNodes.NONE,
              (datagram, to) -> queue.add(new Object[] {datagram, self, to}),
              org.toxreactive.onion.OnionNode.Limits.DEFAULT,
              0));
    }
    KeyPair client = KeyPair.generate();
    KeyPair layer2 = KeyPair.generate();
    KeyPair layer3 = KeyPair.generate();
    KeyPair real = KeyPair.generate();
    Random rnd = new Random(SEED);
    byte[] nonce = new byte[24];
    rnd.nextBytes(nonce);
    byte[] annNonce = new byte[24];
    rnd.nextBytes(annNonce);
    byte[] sendback = {1, 2, 3, 4, 5, 6, 7, 8};

    byte[] announceKey =
        HEX.parseHex(
            oracle.call("beforenm", keys[3].publicKey().toArray(), real.secretKey().toArray()));
    byte[] plain =
        cat(new byte[32], real.publicKey().toArray(), real.publicKey().toArray(), sendback);
    byte[] inner =
        cat(
            new byte[] {(byte) 0x83},
            annNonce,
            real.publicKey().toArray(),
            HEX.parseHex(oracle.call("seal", announceKey, annNonce, plain)));
    byte[] k3 =
        HEX.parseHex(
            oracle.call("beforenm", keys[2].publicKey().toArray(), layer3.secretKey().toArray()));
    byte[] box3 = HEX.parseHex(oracle.call("seal", k3, nonce, cat(ip19(ports[3]), inner)));
    byte[] k2 =
        HEX.parseHex(
            oracle.call("beforenm", keys[1].publicKey().toArray(), layer2.secretKey().toArray()));
    byte[] box2 =
        HEX.parseHex(
            oracle.call(
                "seal", k2, nonce, cat(ip19(ports[2]), layer3.publicKey().toArray(), box3)));
    byte[] k1 =
        HEX.parseHex(
            oracle.call("beforenm", keys[0].publicKey().toArray(), client.secretKey().toArray()));
    byte[] layer1 = cat(ip19(ports[1]), layer2.publicKey().toArray(), box2);
    byte[] box1 = HEX.parseHex(oracle.call("seal", k1, nonce, layer1));
    byte[] packet = cat(new byte[] {(byte) 0x80}, nonce, client.publicKey().toArray(), box1);

    queue.add(new Object[] {packet, loopback(clientPort), loopback(ports[0])});
    List<byte[]> atClient = new ArrayList<>();
    List<Integer> ids = new ArrayList<>();
    for (int steps = 0; !queue.isEmpty() && steps < 20; steps++) {
      Object[] d = queue.poll();
      byte[] data = (byte[]) d[0];
      ids.add(data[0] & 0xFF);
      org.toxreactive.onion.OnionNode n = nodes.get(d[2]);
      if (n == null) {
        assertThat(d[2]).isEqualTo(loopback(clientPort));
        atClient.add(data);
      } else {
        n.onUdp(data, (org.toxreactive.core.IpPort) d[1], 1);
      }
    }
    assertThat(ids).containsExactly(0x80, 0x81, 0x82, 0x83, 0x8C, 0x8D, 0x8E, 0x84);
    assertThat(atClient).hasSize(1);
    byte[] response = atClient.get(0);
    assertThat(Arrays.copyOfRange(response, 1, 9)).isEqualTo(sendback);
    String opened =
        oracle.call(
            "open",
            announceKey,
            Arrays.copyOfRange(response, 9, 33),
            Arrays.copyOfRange(response, 33, response.length));
    assertThat(opened).as("libsodium opens the announce response").isNotEqualTo("FAIL");
    byte[] reply = HEX.parseHex(opened);
    assertThat(reply).hasSize(33); // not stored (0) and a ping id; no nodes
    assertThat(reply[0]).isZero();
  }

  private static final class Oracle implements AutoCloseable {
    private static final String EOF = "\u0000EOF";
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final Path stderr;
    private final BufferedWriter in;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

    Oracle(Path binary, Path stderr) throws IOException {
      this.stderr = stderr;
      this.process = new ProcessBuilder(binary.toString()).redirectError(stderr.toFile()).start();
      Interop.killOnExit(process.toHandle());
      this.in =
          new BufferedWriter(
              new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII));
      Thread reader = new Thread(this::readAnswers, "sodium-oracle-" + process.pid());
      reader.setDaemon(true);
      reader.start();
    }

    private void readAnswers() {
      try (BufferedReader r =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
        String line;
        while ((line = r.readLine()) != null) {
          answers.add(line);
        }
      } catch (IOException e) {
        // treated as end of stream
      } finally {
        answers.add(EOF);
      }
    }

    private String call(String command, byte[]... args) {
      StringBuilder line = new StringBuilder(command);
      for (byte[] a : args) {
        line.append(' ').append(a.length == 0 ? "-" : HEX.formatHex(a));
      }
      String answer;
      try {
        in.write(line.append('\n').toString());
        in.flush();
        answer = answers.poll(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (IOException e) {
        throw new UncheckedIOException("sodium_oracle stdin closed; stderr:\n" + stderrText(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for sodium_oracle", e);
      }
      if (answer == null) {
        throw new AssertionError(
            "sodium_oracle did not answer '" + command + "' within " + ANSWER_TIMEOUT);
      }
      if (answer.equals(EOF)) {
        throw new AssertionError("sodium_oracle exited; stderr:\n" + stderrText());
      }
      if (answer.startsWith("ERR")) {
        throw new AssertionError("sodium_oracle rejected '" + command + "': " + answer);
      }
      return answer;
    }

    /** Decoded answer, or null for FAIL. */
    private byte[] bytes(String command, byte[]... args) {
      String answer = call(command, args);
      if (answer.equals("FAIL")) {
        return null;
      }
      return answer.equals("-") ? new byte[0] : HEX.parseHex(answer);
    }

    private byte[] strict(String command, byte[]... args) {
      byte[] result = bytes(command, args);
      if (result == null) {
        throw new AssertionError("sodium_oracle: " + command + " failed");
      }
      return result;
    }

    byte[] pub(byte[] sk) {
      return strict("pub", sk);
    }

    byte[] beforenm(byte[] pk, byte[] sk) {
      return bytes("beforenm", pk, sk);
    }

    byte[] seal(byte[] key, byte[] nonce, byte[] msg) {
      return strict("seal", key, nonce, msg);
    }

    byte[] open(byte[] key, byte[] nonce, byte[] box) {
      return bytes("open", key, nonce, box);
    }

    byte[] incr(byte[] nonce) {
      return strict("incr", nonce);
    }

    byte[] addnum(byte[] nonce, int x) {
      byte[] be = {(byte) (x >>> 24), (byte) (x >>> 16), (byte) (x >>> 8), (byte) x};
      return strict("addnum", nonce, be);
    }

    private String stderrText() {
      try {
        return Files.exists(stderr) ? Files.readString(stderr, StandardCharsets.ISO_8859_1) : "";
      } catch (IOException e) {
        return "(unreadable: " + e + ")";
      }
    }

    @Override
    public void close() {
      try {
        in.close(); // the oracle exits at end of input
      } catch (IOException e) {
        // already gone; terminate below
      }
      try {
        process.waitFor(2, TimeUnit.SECONDS); // bounded: normally it exits at once on EOF
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (!Interop.terminate(process.toHandle(), Duration.ofSeconds(5))) {
        throw new IllegalStateException("sodium_oracle pid " + process.pid() + " did not exit");
      }
    }
  }
}
