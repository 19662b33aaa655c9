package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.SecretKey;
import org.toxreactive.core.SharedKey;

/**
 * Fixed keys, nonces and golden packets of {@link PacketCodecTest}, and its byte helpers. The
 * golden hex is in {@code wire-golden.txt} (test resources, next to this class), written by {@code
 * tox-interop/src/test/c/golden_vectors.c} (libsodium, not our code) from the same keys and nonces:
 * node A initiates, node B answers and mints cookies with {@link #B_COOKIE_KEY}.
 */
final class PacketTesting {
  static final KeyPair A_REAL = keys(0x10);
  static final KeyPair A_DHT = keys(0x30);
  static final KeyPair B_REAL = keys(0x50);
  static final KeyPair B_DHT = keys(0x70);
  static final KeyPair A_SESSION = keys(0x90);
  static final KeyPair B_SESSION = keys(0xB0);
  static final SharedKey B_COOKIE_KEY = SharedKey.of(seq(0xD0, 32));
  static final SharedKey A_COOKIE_KEY = SharedKey.of(seq(0xF0, 32));
  static final Nonce N1 = Nonce.of(seq(0x01, 24));
  static final Nonce N2 = Nonce.of(seq(0x41, 24));
  static final Nonce N3 = Nonce.of(seq(0x81, 24));
  static final Nonce N4 = Nonce.of(seq(0xC1, 24));
  static final Nonce BASE_NONCE = Nonce.of(seq(0xE1, 24));
  static final long ECHO = 0x0102030405060708L;
  static final String ECHO_LE = "0807060504030201";
  static final long TIME = 1_700_000_000L;
  static final byte[] OTHER_COOKIE = seq(0x20, 112);
  static final byte[] SEND_NONCE = concat(seq(0x61, 22), new byte[] {(byte) 0xFE, -1});

  static final SharedKey DHT_AB = CryptoBox.beforenm(B_DHT.publicKey(), A_DHT.secretKey());
  static final SharedKey DHT_BA = CryptoBox.beforenm(A_DHT.publicKey(), B_DHT.secretKey());
  static final SharedKey REAL_AB = CryptoBox.beforenm(B_REAL.publicKey(), A_REAL.secretKey());
  static final SharedKey REAL_BA = CryptoBox.beforenm(A_REAL.publicKey(), B_REAL.secretKey());
  static final SharedKey SESSION_AB =
      CryptoBox.beforenm(B_SESSION.publicKey(), A_SESSION.secretKey());
  static final SharedKey SESSION_BA =
      CryptoBox.beforenm(A_SESSION.publicKey(), B_SESSION.secretKey());

  /**
   * The golden packets, read from {@code wire-golden.txt} next to this class: tox-interop's {@code
   * GoldenVectorsTest} compiles {@code tox-interop/src/test/c/golden_vectors.c} (libsodium, no code
   * of ours), runs it and fails when its output differs from that file, so these cannot drift from
   * the independent derivation.
   */
  private static final Map<String, String> GOLDEN = readGolden();

  static final String A_REAL_PK_HEX = golden("A_REAL_PK");
  static final String A_DHT_PK_HEX = golden("A_DHT_PK");
  // 0x18 | A's DHT pk | N1 | box(DHT_AB, N1, A's real pk | 32 zeros | LE echo)
  static final String COOKIE_REQUEST_HEX = golden("COOKIE_REQUEST");
  // N2 | box(B_COOKIE_KEY, N2, LE time | A's real pk | A's DHT pk)
  static final String COOKIE_HEX = golden("COOKIE");
  // 0x19 | N3 | box(DHT_AB, N3, cookie | LE echo)
  static final String COOKIE_RESPONSE_HEX = golden("COOKIE_RESPONSE");
  // 0x1a | cookie issued by B | N4 | box(REAL_AB, N4, base nonce | A's session pk | sha512(cookie)
  // | OTHER_COOKIE)
  static final String HANDSHAKE_HEX = golden("HANDSHAKE");
  // [0xA0 'h' 'i'] with buffer_start 0x01020304, num 0xFFFFFFFE: 0x1b | feff | box
  static final String DATA_HI_HEX = golden("DATA_HI");
  // friend_connection's alive ping [0x10] with buffer_start 0, num 0: docs/protocol.md's 32 bytes
  static final String DATA_ALIVE_HEX = golden("DATA_ALIVE");

  /** Curve25519 points of small order (libsodium's blacklist), and the same with bit 255 set. */
  static final String[] LOW_ORDER_KEYS = {
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
  };

  private PacketTesting() {}

  static void assertEveryTruncationAndOneMoreRefused(byte[] packet, Function<byte[], Object> open) {
    for (int n = 0; n < packet.length; n++) {
      assertThat(open.apply(Arrays.copyOf(packet, n))).as("truncated to %d", n).isNull();
    }
    assertThat(open.apply(Arrays.copyOf(packet, packet.length + 1))).as("one byte over").isNull();
  }

  /** Flips each bit of bytes {@code [from, to)} in turn; every variant must open to null. */
  static void assertEveryBitFlipRefused(
      byte[] packet, int from, int to, Function<byte[], Object> open) {
    assertThat(open.apply(packet)).as("the unmodified packet opens").isNotNull();
    List<String> opened = new ArrayList<>();
    for (int i = from; i < to; i++) {
      for (int bit = 0; bit < 8; bit++) {
        if (open.apply(flip(packet, i, bit)) != null) {
          opened.add(i + ":" + bit);
        }
      }
    }
    assertThat(opened).as("byte:bit flips that still opened").isEmpty();
  }

  static byte[] flip(byte[] b, int index, int bit) {
    byte[] c = b.clone();
    c[index] ^= (byte) (1 << bit);
    return c;
  }

  static KeyPair keys(int start) {
    return KeyPair.fromSecretKey(SecretKey.of(seq(start, 32)));
  }

  /** {@code n} bytes counting up from {@code start}, wrapping at 256. */
  static byte[] seq(int start, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (start + i);
    }
    return b;
  }

  static byte[] concat(byte[]... parts) {
    ByteBuffer out = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
    for (byte[] p : parts) {
      out.put(p);
    }
    return out.array();
  }

  static String le64(long v) {
    return hex(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
  }

  static byte[] sha512(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-512").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static String golden(String name) {
    String hex = GOLDEN.get(name);
    if (hex == null) {
      throw new IllegalStateException("wire-golden.txt has no " + name);
    }
    return hex;
  }

  private static Map<String, String> readGolden() {
    Map<String, String> golden = new LinkedHashMap<>();
    try (InputStream in = PacketTesting.class.getResourceAsStream("wire-golden.txt")) {
      if (in == null) {
        throw new IllegalStateException("wire-golden.txt is not on the test class path");
      }
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.trim().split(" ");
        if (f.length != 2 || golden.put(f[0], f[1]) != null) {
          throw new IllegalStateException("wire-golden.txt: bad or repeated line: " + line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return golden;
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  static String hex(byte[] b, int from, int to) {
    return HexFormat.of().formatHex(b, from, to);
  }

  static byte[] unhex(String s) {
    return HexFormat.of().parseHex(s);
  }
}
