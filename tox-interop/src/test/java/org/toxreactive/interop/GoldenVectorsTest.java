package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SecretKey;
import org.toxreactive.transport.tcp.ClientHandshake;
import org.toxreactive.transport.tcp.SecureSession;
import org.toxreactive.transport.tcp.ServerHandshake;
import org.toxreactive.transport.tcp.packet.Data;
import org.toxreactive.transport.tcp.packet.Ping;
import org.toxreactive.transport.tcp.packet.Pong;
import org.toxreactive.transport.tcp.packet.RelayPacket;
import org.toxreactive.transport.tcp.packet.RoutingRequest;
import org.toxreactive.transport.tcp.packet.RoutingResponse;

/**
 * Golden vectors from an independent source: {@code src/test/c/golden_vectors.c} writes the relay
 * handshake (docs/protocol.md 2.2), encrypted relay frames (2.3) and every net_crypto packet
 * (4.2-4.7) field by field with libsodium, for fixed keys and nonces. It is compiled and run here
 * on every build, so the vectors cannot drift from what libsodium computes:
 *
 * <ul>
 *   <li>relay: our encoders (handshake halves with their random inputs fixed, {@link
 *       SecureSession#sealFrame}) must produce its bytes exactly, and our decoders must accept its
 *       output and yield the packets it encoded;
 *   <li>net_crypto: its output must equal {@code tox-netcrypto}'s {@code wire-golden.txt} line for
 *       line, the file that {@code PacketCodecTest} compares our net_crypto encoders with and feeds
 *       to our decoders.
 * </ul>
 *
 * <p>Missing gcc, pkg-config or libsodium-dev skips the class locally and fails it with {@code
 * -Dtox.interop.required=true}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GoldenVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final long PING_ID = 0x0102030405060708L;

  private static Map<String, String> relay;
  private static List<String> netcrypto;

  @BeforeAll
  static void compileAndRun(@TempDir Path dir) throws Exception {
    Interop.requireTool("gcc");
    Interop.requireTool("pkg-config");
    Run flags = run(dir, List.of("pkg-config", "--cflags", "--libs", "libsodium"));
    if (flags.status != 0) {
      Interop.unavailable("libsodium-dev (pkg-config libsodium failed: " + flags.out.trim() + ")");
    }
    Path source = moduleDir().resolve("src/test/c/golden_vectors.c");
    assertThat(source).as("generator source").exists();
    Path binary = dir.resolve("golden_vectors");
    List<String> gcc =
        new ArrayList<>(List.of("gcc", "-O2", "-Wall", "-Werror", "-o", binary.toString()));
    gcc.add(source.toString());
    gcc.addAll(Arrays.asList(flags.out.trim().split("\\s+")));
    Run compiled = run(dir, gcc);
    assertThat(compiled.status).as("gcc failed:\n%s", compiled.out).isZero();
    Run r = run(dir, List.of(binary.toString(), "relay"));
    assertThat(r.status).as("golden_vectors relay:\n%s", r.out).isZero();
    relay = parse(r.out);
    Run n = run(dir, List.of(binary.toString(), "netcrypto"));
    assertThat(n.status).as("golden_vectors netcrypto:\n%s", n.out).isZero();
    netcrypto = n.out.lines().toList();
  }

  // ------------------------------------------------------------------ fixed inputs of the C file

  private static byte[] seq(int start, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (start + i);
    }
    return b;
  }

  private static KeyPair keys(int start) {
    return KeyPair.fromSecretKey(SecretKey.of(seq(start, 32)));
  }

  private static final KeyPair CLIENT = keys(0x11);
  private static final KeyPair RELAY = keys(0x22);
  private static final KeyPair CLIENT_TEMP = keys(0x33);
  private static final KeyPair RELAY_TEMP = keys(0x44);
  private static final Nonce N1 = Nonce.of(seq(0x55, 24));
  private static final Nonce N2 = Nonce.of(seq(0x66, 24));
  private static final Nonce NC = Nonce.of(endingFffe(seq(0x77, 24)));
  private static final Nonce NS = Nonce.of(seq(0x99, 24));
  private static final PublicKey PEER = PublicKey.of(seq(0xA0, 32));

  private static byte[] endingFffe(byte[] n) {
    n[22] = (byte) 0xFF;
    n[23] = (byte) 0xFE;
    return n;
  }

  // -------------------------------------------------------------------------------- relay tests

  @Test
  void generatorDerivesTheSamePublicKeysAsWe() {
    assertThat(HEX.formatHex(CLIENT.publicKey().toArray())).isEqualTo(relay.get("CLIENT_PK"));
    assertThat(HEX.formatHex(RELAY.publicKey().toArray())).isEqualTo(relay.get("RELAY_PK"));
  }

  @Test
  void ourClientHelloIsTheGolden128Bytes() {
    ByteBuf out = Unpooled.buffer();
    try {
      client().writeHello(out);
      assertThat(out.readableBytes()).isEqualTo(128);
      assertThat(hex(out)).isEqualTo(relay.get("HELLO"));
    } finally {
      out.release();
    }
  }

  @Test
  void ourRelayAcceptsTheGoldenHelloAndAnswersTheGolden96Bytes() {
    ByteBuf hello = unhex("HELLO");
    ByteBuf response = Unpooled.buffer();
    try {
      ServerHandshake.Result r = accept(hello, response);
      assertThat(hello.readableBytes()).as("the hello is consumed").isZero();
      assertThat(r.clientKey()).isEqualTo(CLIENT.publicKey());
      assertThat(response.readableBytes()).isEqualTo(96);
      assertThat(hex(response)).isEqualTo(relay.get("RESPONSE"));
    } finally {
      hello.release();
      response.release();
    }
  }

  @Test
  void ourClientSealsTheGoldenFramesWithTheNonceCountingUpAcrossACarry() {
    SecureSession s = clientSession();
    assertSealed(s, new Ping(PING_ID), "C2R_PING");
    assertSealed(s, new RoutingRequest(PEER), "C2R_ROUTING_REQUEST");
    assertSealed(s, new Data(16, Bytes.ofUtf8("hello relay")), "C2R_DATA");
  }

  @Test
  void ourRelaySealsTheGoldenFrames() {
    SecureSession s = relaySession();
    assertSealed(s, new Pong(PING_ID), "R2C_PONG");
    assertSealed(s, new RoutingResponse(16, PEER), "R2C_ROUTING_RESPONSE");
    assertSealed(s, new Data(16, Bytes.ofUtf8("hi back")), "R2C_DATA");
  }

  @Test
  void ourRelayOpensTheGoldenClientFramesInOrder() {
    SecureSession s = relaySession();
    assertOpened(s, "C2R_PING", new Ping(PING_ID));
    assertOpened(s, "C2R_ROUTING_REQUEST", new RoutingRequest(PEER));
    assertOpened(s, "C2R_DATA", new Data(16, Bytes.ofUtf8("hello relay")));
  }

  @Test
  void ourClientOpensTheGoldenRelayFramesInOrder() {
    SecureSession s = clientSession();
    assertOpened(s, "R2C_PONG", new Pong(PING_ID));
    assertOpened(s, "R2C_ROUTING_RESPONSE", new RoutingResponse(16, PEER));
    assertOpened(s, "R2C_DATA", new Data(16, Bytes.ofUtf8("hi back")));
  }

  @Test
  void aGoldenFrameOutOfOrderDoesNotOpen() {
    SecureSession s = relaySession();
    ByteBuf second = body("C2R_ROUTING_REQUEST");
    try {
      assertThat(s.openFrame(second)).as("sealed under Nc + 1, opened with Nc").isNull();
    } finally {
      second.release();
    }
    assertOpened(s, "C2R_PING", new Ping(PING_ID)); // the failure did not move the nonce
  }

  // ---------------------------------------------------------------------------- net_crypto test

  @Test
  void netCryptoGoldenFileIsWhatLibsodiumWrites() throws Exception {
    Path file =
        moduleDir()
            .resolve(
                "../tox-netcrypto/src/test/resources/org/toxreactive/netcrypto/wire-golden.txt")
            .normalize();
    assertThat(file).as("net_crypto golden file").exists();
    List<String> golden =
        Files.readAllLines(file, StandardCharsets.US_ASCII).stream()
            .filter(l -> !l.isBlank() && !l.startsWith("#"))
            .toList();
    assertThat(netcrypto).as("net_crypto packet names").hasSize(8);
    assertThat(golden).as("%s against golden_vectors netcrypto", file).isEqualTo(netcrypto);
  }

  // ---------------------------------------------------------------------------------- helpers

  private static ClientHandshake client() {
    return ClientHandshake.withFixedInputsForTesting(
        CLIENT, RELAY.publicKey(), CLIENT_TEMP, NC, N1);
  }

  private static ServerHandshake.Result accept(ByteBuf hello, ByteBuf response) {
    return ServerHandshake.acceptWithFixedInputsForTesting(
        RELAY, hello, response, RELAY_TEMP, NS, N2);
  }

  /** The client's session after it read the golden response. */
  private static SecureSession clientSession() {
    ByteBuf response = unhex("RESPONSE");
    try {
      return client().readResponse(response);
    } finally {
      response.release();
    }
  }

  /** The relay's session after it accepted the golden hello. */
  private static SecureSession relaySession() {
    ByteBuf hello = unhex("HELLO");
    ByteBuf response = Unpooled.buffer();
    try {
      return accept(hello, response).session();
    } finally {
      hello.release();
      response.release();
    }
  }

  private static void assertSealed(SecureSession s, RelayPacket packet, String name) {
    ByteBuf frame = s.sealFrame(packet, ByteBufAllocator.DEFAULT);
    try {
      assertThat(hex(frame)).as("%s sealed by us", name).isEqualTo(relay.get(name));
    } finally {
      frame.release();
    }
  }

  private static void assertOpened(SecureSession s, String name, RelayPacket expected) {
    ByteBuf body = body(name);
    try {
      ByteBuf plain = s.openFrame(body);
      assertThat(plain).as("%s opens", name).isNotNull();
      assertThat(RelayPacket.decode(plain)).as("%s decodes", name).isEqualTo(expected);
    } finally {
      body.release();
    }
  }

  /** The frame named {@code name} without its length prefix, after checking that prefix. */
  private static ByteBuf body(String name) {
    ByteBuf frame = unhex(name);
    int length = frame.readUnsignedShort();
    assertThat(length).as("%s length prefix", name).isEqualTo(frame.readableBytes());
    return frame;
  }

  private static ByteBuf unhex(String name) {
    String hex = relay.get(name);
    assertThat(hex).as("golden_vectors printed %s", name).isNotNull();
    return Unpooled.wrappedBuffer(HEX.parseHex(hex));
  }

  private static String hex(ByteBuf b) {
    byte[] a = new byte[b.readableBytes()];
    b.getBytes(b.readerIndex(), a);
    return HEX.formatHex(a);
  }

  private static Map<String, String> parse(String out) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : out.lines().toList()) {
      String[] f = line.split(" ");
      assertThat(f).as("line '%s'", line).hasSize(2);
      assertThat(m.put(f[0], f[1])).as("repeated %s", f[0]).isNull();
    }
    return m;
  }

  private static Path moduleDir() {
    String basedir = System.getProperty("basedir");
    return basedir != null ? Path.of(basedir) : Path.of("").toAbsolutePath();
  }

  private record Run(int status, String out) {}

  /** Runs a short-lived program with a bounded wait; stdout and stderr go through one file. */
  private static Run run(Path dir, List<String> command) throws Exception {
    Path out = Files.createTempFile(dir, "run-", ".out");
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    Interop.killOnExit(p.toHandle());
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        fail("%s did not finish within 60 s", command);
      }
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.US_ASCII));
    } finally {
      Interop.terminate(p.toHandle(), Duration.ofSeconds(5));
    }
  }
}
