package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.toxreactive.netcrypto.PacketTesting.A_DHT;
import static org.toxreactive.netcrypto.PacketTesting.A_REAL;
import static org.toxreactive.netcrypto.PacketTesting.B_COOKIE_KEY;
import static org.toxreactive.netcrypto.PacketTesting.B_DHT;
import static org.toxreactive.netcrypto.PacketTesting.DHT_AB;
import static org.toxreactive.netcrypto.PacketTesting.OTHER_COOKIE;
import static org.toxreactive.netcrypto.PacketTesting.REAL_AB;
import static org.toxreactive.netcrypto.PacketTesting.REAL_BA;
import static org.toxreactive.netcrypto.PacketTesting.SEND_NONCE;
import static org.toxreactive.netcrypto.PacketTesting.SESSION_AB;
import static org.toxreactive.netcrypto.PacketTesting.SESSION_BA;
import static org.toxreactive.netcrypto.PacketTesting.concat;
import static org.toxreactive.netcrypto.PacketTesting.seq;
import static org.toxreactive.netcrypto.PacketTesting.sha512;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.NetCryptoPacketKind;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.netcrypto.packet.Cookie;
import org.toxreactive.netcrypto.packet.CookieRequest;
import org.toxreactive.netcrypto.packet.CookieResponse;
import org.toxreactive.netcrypto.packet.DataPacket;
import org.toxreactive.netcrypto.packet.Handshake;
import org.toxreactive.netcrypto.packet.PacketRequest;
import org.toxreactive.test.FuzzInput;
import org.toxreactive.test.FuzzSeeds;

/**
 * Fuzzes every net_crypto packet opener of {@link Wire}: cookie request, cookie response, handshake
 * (its outer cookie and its box) and data packets, then what a data packet carries: the {@link
 * Message} of a lossless or lossy id and the packet request of id 1.
 *
 * <p>Each input starts with a mode byte. Even: the rest is the packet as it arrived. Odd: the next
 * bytes are the fields and the plaintext, which the test seals with the keys of {@link
 * PacketTesting} as the peer would, so the fuzzer reaches past the MAC (for data, mode 3 builds the
 * packet with {@link Wire}'s own encoder). The expected result comes from an oracle that opens the
 * packet with {@link CryptoBox} and the layout alone; the opener must agree with it: a value with
 * exactly those fields, or null, and never an exception.
 */
class PacketCodecFuzzTest {
  private final CodecNode b = new CodecNode(B_COOKIE_KEY);
  private final CryptoBox box = new CryptoBox();

  @FuzzTest
  void cookieRequest(byte[] data) {
    checkCookieRequest(data);
  }

  /** Returns whether the packet opened. */
  boolean checkCookieRequest(byte[] data) {
    FuzzInput in = new FuzzInput(data);
    byte[] p;
    if ((in.u8() & 1) == 0) {
      p = in.rest();
    } else {
      byte[] nonce = in.bytes(Nonce.SIZE);
      byte[] plain = in.bytes(72);
      p = concat(new byte[] {0x18}, A_DHT.publicKey().toArray(), nonce, seal(DHT_AB, nonce, plain));
    }
    CookieRequest ask =
        b.openCookieRequest(pk -> CryptoBox.beforenm(pk, B_DHT.secretKey()), p, box);

    CookieRequest expected = null;
    if (p.length == CookieRequest.LENGTH) {
      PublicKey sender = PublicKey.of(Arrays.copyOfRange(p, 1, 33));
      byte[] plain = open(dhtKey(sender), p, 33, 57);
      if (plain != null) {
        expected =
            new CookieRequest(sender, PublicKey.of(Arrays.copyOf(plain, 32)), le64(plain, 64));
      }
    }
    assertThat(ask).isEqualTo(expected);
    return ask != null;
  }

  @FuzzTest
  void cookieResponse(byte[] data) {
    checkCookieResponse(data);
  }

  /** Returns whether the packet opened. */
  boolean checkCookieResponse(byte[] data) {
    FuzzInput in = new FuzzInput(data);
    byte[] p;
    if ((in.u8() & 1) == 0) {
      p = in.rest();
    } else {
      byte[] nonce = in.bytes(Nonce.SIZE);
      p = concat(new byte[] {0x19}, nonce, seal(DHT_AB, nonce, in.bytes(Cookie.LENGTH + 8)));
    }
    CookieResponse reply = b.openCookieResponse(DHT_AB, p, box);

    byte[] plain = p.length == CookieResponse.LENGTH ? open(DHT_AB, p, 1, 25) : null;
    if (plain == null) {
      assertThat(reply).isNull();
    } else {
      assertThat(reply).isNotNull();
      assertThat(reply.cookie()).isEqualTo(Arrays.copyOf(plain, Cookie.LENGTH));
      assertThat(reply.echoId()).isEqualTo(le64(plain, Cookie.LENGTH));
    }
    return reply != null;
  }

  /**
   * Sealed layout: flags (bit 0: a cookie minted by the receiver, else 112 fuzzed bytes; bit 1: the
   * right SHA-512 of the cookie, else 64 fuzzed bytes), u32 cookie time, u8 clock offset (now =
   * time - 4 + offset), nonce, base nonce, session key, [hash], other cookie.
   */
  @FuzzTest
  void handshake(byte[] data) {
    checkHandshake(data);
  }

  /** Returns whether the packet opened. */
  boolean checkHandshake(byte[] data) {
    FuzzInput in = new FuzzInput(data);
    byte[] p;
    long now;
    if ((in.u8() & 1) == 0) {
      now = in.i32() & 0xFFFFFFFFL;
      p = in.rest();
    } else {
      int flags = in.u8();
      long time = in.i32() & 0xFFFFFFFFL;
      now = time - 4 + in.u8();
      byte[] cookie =
          (flags & 1) == 1
              ? b.mintCookie(time, A_REAL.publicKey(), A_DHT.publicKey(), Nonce.of(seq(3, 24)), box)
              : in.bytes(Cookie.LENGTH);
      byte[] nonce = in.bytes(Nonce.SIZE);
      byte[] fields = in.bytes(Nonce.SIZE + PublicKey.SIZE);
      byte[] hash = (flags & 2) == 2 ? sha512(cookie) : in.bytes(64);
      byte[] plain = concat(fields, hash, in.bytes(Cookie.LENGTH));
      p = concat(new byte[] {0x1A}, cookie, nonce, seal(REAL_AB, nonce, plain));
    }
    Cookie cookie = b.openHandshakeCookie(p, now, box);
    Handshake opened = b.openHandshake(REAL_BA, p, box);

    Cookie expectedCookie = null;
    byte[] plain = null;
    if (p.length == Handshake.LENGTH) {
      byte[] c = open(B_COOKIE_KEY, p, 1, 1 + 24, 1 + Cookie.LENGTH);
      if (c != null && le64(c, 0) <= now && now <= le64(c, 0) + Cookie.TIMEOUT_SECONDS) {
        expectedCookie =
            new Cookie(
                le64(c, 0),
                PublicKey.of(Arrays.copyOfRange(c, 8, 40)),
                PublicKey.of(Arrays.copyOfRange(c, 40, 72)));
      }
      plain = open(REAL_BA, p, 1 + Cookie.LENGTH, 1 + Cookie.LENGTH + 24);
      if (plain != null
          && !MessageDigest.isEqual(
              Arrays.copyOfRange(plain, 56, 120),
              sha512(Arrays.copyOfRange(p, 1, 1 + Cookie.LENGTH)))) {
        plain = null;
      }
    }
    assertThat(cookie).isEqualTo(expectedCookie);
    if (plain == null) {
      assertThat(opened).isNull();
    } else {
      assertThat(opened).isNotNull();
      assertThat(opened.baseNonce()).isEqualTo(Nonce.of(Arrays.copyOf(plain, 24)));
      assertThat(opened.sessionKey()).isEqualTo(PublicKey.of(Arrays.copyOfRange(plain, 24, 56)));
      assertThat(opened.otherCookie()).isEqualTo(Arrays.copyOfRange(plain, 120, 232));
    }
    return cookie != null && opened != null;
  }

  /**
   * Modes: raw; 1: u16 plaintext length (mod 1398) and the plaintext, sealed under the send nonce;
   * 3: u32 buffer_start, u32 num, u16 data length (mod 1373, plus 1) and the data, built by {@link
   * Wire#data}. An opened packet's data then goes where the session sends it: a lossless or lossy
   * id becomes a {@link Message}, id 1 is decoded as a packet request.
   */
  @FuzzTest
  void data(byte[] data) {
    checkData(data);
  }

  /** Returns whether the packet opened. */
  boolean checkData(byte[] data) {
    FuzzInput in = new FuzzInput(data);
    int mode = in.u8() & 3;
    byte[] p;
    DataPacket built = null;
    if (mode == 3) {
      int start = in.i32();
      int num = in.i32();
      byte[] d = in.upTo(1 + in.u16() % DataPacket.MAX_DATA);
      if (d.length == 0) {
        d = new byte[] {16};
      }
      p = b.data(SESSION_AB, SEND_NONCE, start, num, d, box);
      built = d[0] == 0 ? null : new DataPacket(start, num, d);
    } else if (mode == 1) {
      byte[] plain =
          in.upTo(in.u16() % (NetCryptoPacketKind.MAX_PACKET_SIZE - 3 - CryptoBox.MAC_SIZE + 1));
      p =
          concat(
              new byte[] {0x1B, SEND_NONCE[22], SEND_NONCE[23]},
              seal(SESSION_AB, SEND_NONCE, plain));
    } else {
      p = in.rest();
    }
    DataPacket opened = b.openData(SESSION_BA, SEND_NONCE, p, box);

    DataPacket expected = null;
    if (p.length > 27 && p.length <= NetCryptoPacketKind.MAX_PACKET_SIZE) {
      byte[] plain = box.open(SESSION_BA, Nonce.of(SEND_NONCE), Arrays.copyOfRange(p, 3, p.length));
      if (plain != null) {
        int i = 8;
        while (i < plain.length && plain[i] == 0) {
          i++;
        }
        if (i < plain.length) {
          ByteBuffer header = ByteBuffer.wrap(plain);
          expected =
              new DataPacket(
                  header.getInt(0), header.getInt(4), Arrays.copyOfRange(plain, i, plain.length));
        }
      }
    }
    if (mode == 3 && built != null) {
      assertThat(expected).as("a packet from the encoder opens").isNotNull();
      assertEqual(expected, built);
    }
    if (expected == null) {
      assertThat(opened).isNull();
      return false;
    }
    assertEqual(opened, expected);
    carried(opened);
    return true;
  }

  /** What the session does with the data of an opened packet. */
  private static void carried(DataPacket d) {
    byte[] data = d.data();
    int id = data[0] & 0xFF;
    if (Message.isLossless(id) || Message.isLossy(id)) {
      Message m = Message.fromData(data.clone());
      assertThat(m.id()).isEqualTo(id);
      assertThat(m.payload()).isEqualTo(Bytes.of(data, 1, data.length - 1));
      assertThat(m.lossless()).isEqualTo(Message.isLossless(id));
    } else if (id == PacketRequest.ID) {
      int[] into = new int[data.length - 1];
      int count = PacketRequest.decode(data, d.bufferStart(), d.num(), into);
      assertThat(count).isBetween(-1, data.length - 1);
    }
  }

  private static void assertEqual(DataPacket actual, DataPacket expected) {
    assertThat(actual).isNotNull();
    assertThat(actual.bufferStart()).isEqualTo(expected.bufferStart());
    assertThat(actual.num()).isEqualTo(expected.num());
    assertThat(actual.data()).isEqualTo(expected.data());
  }

  @Test
  void seedsAreCurrent() {
    Map<String, byte[]> request = new LinkedHashMap<>();
    byte[] realAndEcho = concat(A_REAL.publicKey().toArray(), new byte[32], seq(0x70, 8));
    request.put("sealed", w(1).bytes(seq(1, 24)).bytes(realAndEcho).toByteArray());
    request.put(
        "raw-from-encoder",
        w(0).bytes(
                b.cookieRequest(
                    DHT_AB, A_DHT.publicKey(), A_REAL.publicKey(), 7, Nonce.of(seq(1, 24)), box))
            .toByteArray());
    request.put("raw-short", w(0).bytes(seq(0x18, 40)).toByteArray());
    assertThat(checkCookieRequest(request.get("sealed"))).isTrue();
    assertThat(checkCookieRequest(request.get("raw-from-encoder"))).isTrue();
    FuzzSeeds.check(PacketCodecFuzzTest.class, "cookieRequest", request);

    Map<String, byte[]> response = new LinkedHashMap<>();
    response.put(
        "sealed", w(1).bytes(seq(1, 24)).bytes(OTHER_COOKIE).bytes(seq(9, 8)).toByteArray());
    response.put(
        "raw-from-encoder",
        w(0).bytes(b.cookieResponse(DHT_AB, OTHER_COOKIE, 7, Nonce.of(seq(1, 24)), box))
            .toByteArray());
    assertThat(checkCookieResponse(response.get("sealed"))).isTrue();
    assertThat(checkCookieResponse(response.get("raw-from-encoder"))).isTrue();
    FuzzSeeds.check(PacketCodecFuzzTest.class, "cookieResponse", response);

    Map<String, byte[]> handshake = new LinkedHashMap<>();
    byte[] fields = concat(seq(0x40, 24), PacketTesting.A_SESSION.publicKey().toArray());
    handshake.put(
        "sealed-minted-right-hash",
        w(1).u8(3)
            .i32(1_700_000_000)
            .u8(10)
            .bytes(seq(1, 24))
            .bytes(fields)
            .bytes(OTHER_COOKIE)
            .toByteArray());
    handshake.put(
        "sealed-minted-expired",
        w(1).u8(3)
            .i32(1_700_000_000)
            .u8(20)
            .bytes(seq(1, 24))
            .bytes(fields)
            .bytes(OTHER_COOKIE)
            .toByteArray());
    handshake.put(
        "sealed-foreign-cookie-wrong-hash",
        w(1).u8(0)
            .i32(5)
            .u8(4)
            .bytes(OTHER_COOKIE)
            .bytes(seq(1, 24))
            .bytes(fields)
            .bytes(new byte[64])
            .bytes(OTHER_COOKIE)
            .toByteArray());
    byte[] minted =
        b.mintCookie(1000, A_REAL.publicKey(), A_DHT.publicKey(), Nonce.of(seq(3, 24)), box);
    handshake.put(
        "raw-from-encoder",
        w(0).i32(1005)
            .bytes(
                b.handshake(
                    REAL_AB,
                    minted,
                    Nonce.of(seq(0x40, 24)),
                    PacketTesting.A_SESSION.publicKey(),
                    OTHER_COOKIE,
                    Nonce.of(seq(1, 24)),
                    box))
            .toByteArray());
    assertThat(checkHandshake(handshake.get("sealed-minted-right-hash"))).isTrue();
    assertThat(checkHandshake(handshake.get("sealed-minted-expired"))).isFalse();
    assertThat(checkHandshake(handshake.get("raw-from-encoder"))).isTrue();
    FuzzSeeds.check(PacketCodecFuzzTest.class, "handshake", handshake);

    Map<String, byte[]> dataSeeds = new LinkedHashMap<>();
    dataSeeds.put(
        "encoder-lossless",
        w(3).i32(0).i32(0).u16(5).bytes(concat(new byte[] {64}, "hello".getBytes())).toByteArray());
    dataSeeds.put(
        "encoder-lossy",
        w(3).i32(-1).i32(7).u16(3).bytes(new byte[] {(byte) 200, 1, 2, 3}).toByteArray());
    dataSeeds.put(
        "encoder-request",
        w(3).i32(10).i32(20).u16(3).bytes(new byte[] {1, 1, 2, 0}).toByteArray());
    dataSeeds.put("encoder-kill", w(3).i32(0).i32(0).u16(0).bytes(new byte[] {2}).toByteArray());
    dataSeeds.put(
        "sealed-header-only",
        w(1).u16(9).bytes(concat(new byte[8], new byte[] {24})).toByteArray());
    dataSeeds.put("sealed-all-padding", w(1).u16(20).bytes(new byte[20]).toByteArray());
    dataSeeds.put(
        "raw-from-encoder",
        w(0).bytes(b.data(SESSION_AB, SEND_NONCE, 3, 4, new byte[] {(byte) 192, 9}, box))
            .toByteArray());
    for (String opens :
        List.of("encoder-lossless", "encoder-lossy", "encoder-request", "sealed-header-only")) {
      assertThat(checkData(dataSeeds.get(opens))).as(opens).isTrue();
    }
    assertThat(checkData(dataSeeds.get("sealed-all-padding"))).isFalse();
    FuzzSeeds.check(PacketCodecFuzzTest.class, "data", dataSeeds);
  }

  // ------------------------------------------------------------------------------------- oracle

  private static FuzzInput.Writer w(int mode) {
    return new FuzzInput.Writer().u8(mode);
  }

  private static byte[] seal(SharedKey key, byte[] nonce, byte[] plain) {
    return new CryptoBox().seal(key, Nonce.of(nonce), plain);
  }

  /** Opens {@code p[nonceAt..nonceAt+24)} and the box from {@code boxAt} to the end. */
  private static byte[] open(SharedKey key, byte[] p, int nonceAt, int boxAt) {
    return open(key, p, nonceAt, boxAt, p.length);
  }

  private static byte[] open(SharedKey key, byte[] p, int nonceAt, int boxAt, int end) {
    if (key == null) {
      return null;
    }
    return new CryptoBox()
        .open(
            key,
            Nonce.of(Arrays.copyOfRange(p, nonceAt, nonceAt + Nonce.SIZE)),
            Arrays.copyOfRange(p, boxAt, end));
  }

  private static SharedKey dhtKey(PublicKey sender) {
    try {
      return CryptoBox.beforenm(sender, B_DHT.secretKey());
    } catch (IllegalArgumentException lowOrder) {
      return null;
    }
  }

  private static long le64(byte[] b, int at) {
    return ByteBuffer.wrap(b, at, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }
}
