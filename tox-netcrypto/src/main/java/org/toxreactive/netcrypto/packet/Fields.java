package org.toxreactive.netcrypto.packet;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/** Field helpers shared by the packet codecs: byte order, slices, the SHA-512 of a cookie. */
final class Fields {
  /** The one-byte kind at the start of every outer packet. */
  static final int KIND_SIZE = 1;

  /** An echo number or a cookie time: 8 bytes, little-endian here (opaque to peers). */
  static final int U64_SIZE = 8;

  /** A SHA-512 digest. */
  static final int SHA512_SIZE = 64;

  private static final MessageDigest SHA512_PROTOTYPE;

  static {
    try {
      SHA512_PROTOTYPE = MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Fields() {}

  static void putLe64(byte[] b, int off, long v) {
    for (int i = 0; i < 8; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }

  static long le64(byte[] b, int off) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }

  static void putBe32(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }

  static int be32(byte[] b, int off) {
    return ((b[off] & 0xFF) << 24)
        | ((b[off + 1] & 0xFF) << 16)
        | ((b[off + 2] & 0xFF) << 8)
        | (b[off + 3] & 0xFF);
  }

  /** Copies all of {@code src} into {@code dst} at {@code offset}. */
  static void put(byte[] dst, int offset, byte[] src) {
    System.arraycopy(src, 0, dst, offset, src.length);
  }

  /** {@code length} bytes of {@code b} from {@code offset}, copied. */
  static byte[] slice(byte[] b, int offset, int length) {
    return Arrays.copyOfRange(b, offset, offset + length);
  }

  /** SHA-512 of {@code length} bytes of {@code b} from {@code offset}. */
  static byte[] sha512(byte[] b, int offset, int length) {
    MessageDigest md;
    try {
      md = (MessageDigest) SHA512_PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
    md.update(b, offset, length);
    return md.digest();
  }
}
