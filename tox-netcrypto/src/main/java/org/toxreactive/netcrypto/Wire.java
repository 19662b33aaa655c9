package org.toxreactive.netcrypto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.function.Function;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;

/**
 * net_crypto's four outer packets (docs/protocol.md 4.2-4.7), built and opened with the node's
 * random cookie key. Byte layouts:
 *
 * <pre>
 * cookie request  145 = 18 ‖ sender DHT pk 32 ‖ nonce 24 ‖ box(DHT key; sender real pk 32 ‖ 0 x32 ‖ echo 8)
 * cookie          112 = nonce 24 ‖ box(cookie key; time 8 ‖ real pk 32 ‖ DHT pk 32)        valid 15 s
 * cookie response 161 = 19 ‖ nonce 24 ‖ box(DHT key; cookie 112 ‖ echo 8)
 * handshake       385 = 1A ‖ cookie 112 ‖ nonce 24 ‖ box(real key; base nonce 24 ‖ session pk 32
 *                        ‖ SHA-512(cookie) 64 ‖ other cookie 112)
 * data       28..1400 = 1B ‖ nonce[22..23] ‖ box(session key; buffer_start 4 ‖ num 4 ‖ zeros p ‖ data)
 * </pre>
 *
 * Echo numbers and cookie times are opaque to peers (c-toxcore writes host order); we write
 * little-endian. Holds the cookie key, a SHA-512 digest and a scratch buffer: one engine's worker
 * uses it, never two threads; callers pass their own {@link CryptoBox}.
 */
final class Wire {
  static final int COOKIE_REQUEST = 145;
  static final int COOKIE_RESPONSE = 161;
  static final int COOKIE = 112;
  static final int HANDSHAKE = 385;
  static final int MAX_PACKET = 1400;
  static final int MAX_DATA = 1373;
  static final long COOKIE_TIMEOUT = 15;

  record CookieAsk(PublicKey senderDht, PublicKey senderReal, long echoId) {}

  record CookieReply(byte[] cookie, long echoId) {}

  record CookieContents(PublicKey realKey, PublicKey dhtKey) {}

  record HandshakeOpened(Nonce baseNonce, PublicKey sessionKey, byte[] otherCookie) {}

  record DataOpened(int bufferStart, int num, byte[] data) {}

  private final SharedKey cookieKey;
  private final MessageDigest sha512;
  private final byte[] scratch = new byte[MAX_PACKET];

  Wire(SharedKey cookieKey) {
    this.cookieKey = cookieKey;
    try {
      sha512 = MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean isDataLength(int length) {
    return length > 27 && length <= MAX_PACKET;
  }

  private static byte[] concat(byte[]... parts) {
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

  private static byte[] le64(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }

  private static long le64(byte[] b, int off) {
    return ByteBuffer.wrap(b, off, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private static byte[] slice(byte[] b, int from, int to) {
    return Arrays.copyOfRange(b, from, to);
  }

  byte[] cookieRequest(
      SharedKey dhtShared, PublicKey ownDht, PublicKey ownReal, long echo, CryptoBox box) {
    return cookieRequest(dhtShared, ownDht, ownReal, echo, Nonce.random(), box);
  }

  /** {@link #cookieRequest} with a given nonce (golden-bytes tests). */
  byte[] cookieRequest(
      SharedKey dhtShared,
      PublicKey ownDht,
      PublicKey ownReal,
      long echo,
      Nonce nonce,
      CryptoBox box) {
    byte[] plain = concat(ownReal.toArray(), new byte[32], le64(echo));
    return concat(
        new byte[] {0x18}, ownDht.toArray(), nonce.toArray(), box.seal(dhtShared, nonce, plain));
  }

  CookieAsk openCookieRequest(Function<PublicKey, SharedKey> dhtShared, byte[] p, CryptoBox box) {
    if (p.length != COOKIE_REQUEST) {
      return null;
    }
    PublicKey senderDht = PublicKey.of(slice(p, 1, 33));
    SharedKey k;
    try {
      k = dhtShared.apply(senderDht);
    } catch (IllegalArgumentException lowOrder) {
      return null;
    }
    byte[] plain = box.open(k, Nonce.of(slice(p, 33, 57)), slice(p, 57, COOKIE_REQUEST));
    if (plain == null) {
      return null;
    }
    return new CookieAsk(senderDht, PublicKey.of(slice(plain, 0, 32)), le64(plain, 64));
  }

  byte[] mintCookie(long nowSeconds, PublicKey real, PublicKey dht, CryptoBox box) {
    return mintCookie(nowSeconds, real, dht, Nonce.random(), box);
  }

  /** {@link #mintCookie} with a given nonce (golden-bytes tests). */
  byte[] mintCookie(long nowSeconds, PublicKey real, PublicKey dht, Nonce nonce, CryptoBox box) {
    byte[] plain = concat(le64(nowSeconds), real.toArray(), dht.toArray());
    return concat(nonce.toArray(), box.seal(cookieKey, nonce, plain));
  }

  private CookieContents openCookie(byte[] cookie, long nowSeconds, CryptoBox box) {
    byte[] plain = box.open(cookieKey, Nonce.of(slice(cookie, 0, 24)), slice(cookie, 24, COOKIE));
    if (plain == null) {
      return null;
    }
    long time = le64(plain, 0);
    if (time + COOKIE_TIMEOUT < nowSeconds || nowSeconds < time) {
      return null;
    }
    return new CookieContents(
        PublicKey.of(slice(plain, 8, 40)), PublicKey.of(slice(plain, 40, 72)));
  }

  byte[] cookieResponse(SharedKey dhtShared, byte[] cookie, long echo, CryptoBox box) {
    return cookieResponse(dhtShared, cookie, echo, Nonce.random(), box);
  }

  /** {@link #cookieResponse} with a given nonce (golden-bytes tests). */
  byte[] cookieResponse(SharedKey dhtShared, byte[] cookie, long echo, Nonce nonce, CryptoBox box) {
    return concat(
        new byte[] {0x19}, nonce.toArray(), box.seal(dhtShared, nonce, concat(cookie, le64(echo))));
  }

  CookieReply openCookieResponse(SharedKey dhtShared, byte[] p, CryptoBox box) {
    if (p.length != COOKIE_RESPONSE) {
      return null;
    }
    byte[] plain = box.open(dhtShared, Nonce.of(slice(p, 1, 25)), slice(p, 25, COOKIE_RESPONSE));
    return plain == null ? null : new CookieReply(slice(plain, 0, COOKIE), le64(plain, COOKIE));
  }

  /** Opens the outer cookie of a handshake (our own cookie key, 15 s validity). */
  CookieContents openHandshakeCookie(byte[] p, long nowSeconds, CryptoBox box) {
    return p.length == HANDSHAKE ? openCookie(slice(p, 1, 1 + COOKIE), nowSeconds, box) : null;
  }

  byte[] handshake(
      SharedKey realShared,
      byte[] peerCookie,
      Nonce baseNonce,
      PublicKey sessionPk,
      byte[] otherCookie,
      CryptoBox box) {
    return handshake(
        realShared, peerCookie, baseNonce, sessionPk, otherCookie, Nonce.random(), box);
  }

  /** {@link #handshake} with a given nonce (golden-bytes tests). */
  byte[] handshake(
      SharedKey realShared,
      byte[] peerCookie,
      Nonce baseNonce,
      PublicKey sessionPk,
      byte[] otherCookie,
      Nonce nonce,
      CryptoBox box) {
    byte[] plain =
        concat(baseNonce.toArray(), sessionPk.toArray(), sha512.digest(peerCookie), otherCookie);
    return concat(
        new byte[] {0x1A}, peerCookie, nonce.toArray(), box.seal(realShared, nonce, plain));
  }

  HandshakeOpened openHandshake(SharedKey realShared, byte[] p, CryptoBox box) {
    if (p.length != HANDSHAKE) {
      return null;
    }
    byte[] plain = box.open(realShared, Nonce.of(slice(p, 113, 137)), slice(p, 137, HANDSHAKE));
    if (plain == null
        || !MessageDigest.isEqual(slice(plain, 56, 120), sha512.digest(slice(p, 1, 1 + COOKIE)))) {
      return null;
    }
    return new HandshakeOpened(
        Nonce.of(slice(plain, 0, 24)), PublicKey.of(slice(plain, 24, 56)), slice(plain, 120, 232));
  }

  /** As {@link #data(SharedKey, byte[], int, int, int, Bytes, CryptoBox)} of joined bytes. */
  byte[] data(
      SharedKey sessionKey,
      byte[] sendNonce,
      int bufferStart,
      int num,
      byte[] data,
      CryptoBox box) {
    if (data.length < 1) {
      throw new IllegalArgumentException("data of 0 bytes (1.." + MAX_DATA + ")");
    }
    return data(
        sessionKey,
        sendNonce,
        bufferStart,
        num,
        data[0] & 0xFF,
        Bytes.adopt(data, 1, data.length - 1),
        box);
  }

  /**
   * A data packet carrying data id {@code id} and {@code payload} (1 + payload is 1..1373 bytes):
   * one array, 1B, nonce[22..23], then the box built in place behind its tag slot (buffer_start,
   * num, padding, id, payload).
   */
  byte[] data(
      SharedKey sessionKey,
      byte[] sendNonce,
      int bufferStart,
      int num,
      int id,
      Bytes payload,
      CryptoBox box) {
    int length = 1 + payload.length();
    if (length > MAX_DATA) {
      throw new IllegalArgumentException("data of " + length + " bytes (1.." + MAX_DATA + ")");
    }
    int pad = (MAX_DATA - length) % 8;
    byte[] out = new byte[3 + CryptoBox.MAC_SIZE + 8 + pad + length];
    out[0] = 0x1B;
    out[1] = sendNonce[22];
    out[2] = sendNonce[23];
    int plain = 3 + CryptoBox.MAC_SIZE;
    putInt(out, plain, bufferStart);
    putInt(out, plain + 4, num);
    out[out.length - length] = (byte) id;
    payload.copyTo(0, out, out.length - payload.length(), payload.length());
    box.sealInPlace(sessionKey, sendNonce, out, 3, out.length - plain);
    return out;
  }

  private static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  private static int getInt(byte[] b, int off) {
    return ((b[off] & 0xFF) << 24)
        | ((b[off + 1] & 0xFF) << 16)
        | ((b[off + 2] & 0xFF) << 8)
        | (b[off + 3] & 0xFF);
  }

  /** Opens a data packet with the expanded nonce; null if it is not authentic or malformed. */
  DataOpened openData(SharedKey sessionKey, byte[] nonce, byte[] p, CryptoBox box) {
    return openData(sessionKey, nonce, Bytes.of(p), box);
  }

  /**
   * As {@link #openData(SharedKey, byte[], byte[], CryptoBox)}, from immutable bytes (one copy).
   */
  DataOpened openData(SharedKey sessionKey, byte[] nonce, Bytes p, CryptoBox box) {
    if (!isDataLength(p.length())) {
      return null;
    }
    int len = p.length() - 3;
    byte[] s = scratch; // opened in place in the scratch: p stays as it was
    p.copyTo(3, s, 0, len);
    if (!box.openInPlace(sessionKey, nonce, s, 0, len)) {
      return null;
    }
    int start = CryptoBox.MAC_SIZE;
    int end = len;
    if (end - start < 9) {
      return null;
    }
    int i = start + 8;
    while (i < end && s[i] == 0) {
      i++;
    }
    if (i == end) {
      return null; // all padding
    }
    return new DataOpened(getInt(s, start), getInt(s, start + 4), Arrays.copyOfRange(s, i, end));
  }
}
