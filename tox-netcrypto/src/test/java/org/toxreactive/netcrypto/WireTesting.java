package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.SecretKey;
import org.toxreactive.core.SharedKey;

/**
 * Fixed keys, nonces and golden packets of {@link WireTest}, and its byte helpers. The golden hex
 * comes from {@code src/test/scripts/wire_golden.py} (libsodium and hashlib, not our code), which
 * uses the same keys and nonces: node A initiates, node B answers and mints cookies with {@link
 * #B_COOKIE_KEY}.
 */
final class WireTesting {
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

  static final String A_REAL_PK_HEX =
      "d89e3bad79437dbed9f843418304f460ff05c7fe81fe4a9577a804cb9367ff66";
  static final String A_DHT_PK_HEX =
      "34e42d4af5ef94a07a3a84201b889d4cd1a743cb27b11b6a10438a8feb8e5847";
  static final String COOKIE_REQUEST_HEX =
      "18" // id
          + A_DHT_PK_HEX // sender DHT pk
          + "0102030405060708090a0b0c0d0e0f101112131415161718" // nonce
          + "472fb9df3da7ddcac50b65b73bdf0c5f6d84512d5a9e3968632c6c73ad8085c3" // box
          + "b5865a5f4b1216b7ecc1b2f0d86b61b179949a5b1d4a45316006655732b7660a"
          + "ea396a5247204e59e0504a6d964e81540e053da90440ab5b";
  static final String COOKIE_HEX =
      "4142434445464748494a4b4c4d4e4f505152535455565758" // nonce
          + "2177f3d7c0810dcd32d08454ae5624ef78ce6c53a63e59e7b9991357743ba97b" // box
          + "8521cea04b8561735f4d537ec23cb6fbf337433677cccde6d1b6b7c8bbd1f84b"
          + "9018fa7870a11509fb024d9538793137ca1f3cded23bf0d7";
  static final String COOKIE_RESPONSE_HEX =
      "19" // id
          + "8182838485868788898a8b8c8d8e8f909192939495969798" // nonce
          + "8f33f5d0ccbba34a43ef4ab006b3ee7b384dc0f159e71bf97acedbe0a6791b14" // box
          + "a38efca52d24cb30c487ad5a2d715d48eb7a35cc31e18c07f366d849f63bae5d"
          + "e5ffbb127bf8bf2d1f812ea729130a07090a3ec227f8529689a213178946652a"
          + "b54ab60019fe9bd39790aa8ce21f39f01330a0dc38c64cfc231b07cda43e8861"
          + "f6d306c9f4bfb73d";
  static final String HANDSHAKE_HEX =
      "1a" // id
          + COOKIE_HEX // cookie issued by B
          + "c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8" // nonce
          + "75828c721d425c64e302317f2e537711279cbba8574a486f6e4cce965c13f9d3" // box
          + "60ae92fb76b94a2a14876302ebfcd297949ff6a871009f2e1ce27c6d301fbfac"
          + "ac3e4e580550c39cdd0fe8466a247fe5fbf05c7e90d9ca371582955f9950d711"
          + "5433f0b73c81b37e245f8ce0479204dff6b5f8806782ce4aa231a1e336280e1e"
          + "8aceaa759df4a7b8d73b774a2f6369613f80e902212ec7ea236e6cfc0996509d"
          + "e07755571aed97efb84c16b623f5546c471487dcba2e35c32111630a91e9eb76"
          + "0f726250df50a0d708cb2080fdd98ad14e44d99bb27395babc5e3691417411cd"
          + "4decbdee7ade96b06f471f96f23f68aa7ac7a2b91a69eb20";
  // [0xA0 'h' 'i'] with buffer_start 0x01020304, num 0xFFFFFFFE
  static final String DATA_HI_HEX =
      "1b" // id
          + "feff" // nonce[22..23]
          + "fe06b01965f66386878ddf30f45573c06dc5474411a10362bb35dd5be0"; // box
  // friend_connection's alive ping [0x10] with buffer_start 0, num 0: docs/protocol.md's 32 bytes
  static final String DATA_ALIVE_HEX =
      "1b" // id
          + "feff" // nonce[22..23]
          + "899c0b0a8ef4586dd2dbc731d46d56c56cc74440ee5efc9cbb357d3399"; // box

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

  private WireTesting() {}

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
