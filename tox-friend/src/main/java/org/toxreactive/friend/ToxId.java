package org.toxreactive.friend;

import java.util.HexFormat;
import java.util.Objects;
import org.toxreactive.core.PublicKey;

/**
 * A Tox ID, what a user gives a friend to be added: our long-term public key, the nospam that
 * friend requests must carry, and a checksum (docs/protocol.md "Friend connections and Messenger").
 *
 * <pre>
 * offset | size | field
 * -------+------+-------------------------------------------------------------
 * 0      | 32   | long-term (real) public key
 * 32     | 4    | nospam, big-endian
 * 36     | 2    | checksum: bytes 0..35 XORed in pairs (byte i into byte i % 2)
 * </pre>
 *
 * <p>Written as 76 hex digits (upper case when printed, either case when parsed), as c-toxcore's
 * {@code tox_self_get_address} gives it.
 *
 * @param publicKey the long-term public key
 * @param nospam the nospam value (any 32 bits)
 */
public record ToxId(PublicKey publicKey, int nospam) {
  /** Bytes in a Tox ID. */
  public static final int SIZE = PublicKey.SIZE + 4 + 2;

  /** Hex digits in a Tox ID. */
  public static final int HEX_LENGTH = SIZE * 2;

  /**
   * Checks that the key is given.
   *
   * @param publicKey the long-term public key
   * @param nospam the nospam value
   */
  public ToxId {
    Objects.requireNonNull(publicKey, "publicKey");
  }

  /**
   * Parses 76 hex digits (either case; spaces around are ignored).
   *
   * @param text the Tox ID
   * @return the Tox ID
   * @throws IllegalArgumentException with a one-line message naming what is wrong: the length, the
   *     first character that is not a hex digit, or a checksum that does not match
   */
  public static ToxId parse(String text) {
    Objects.requireNonNull(text, "Tox ID is null");
    String hex = text.strip();
    if (hex.length() != HEX_LENGTH) {
      throw new IllegalArgumentException(
          "a Tox ID is " + HEX_LENGTH + " hex digits, got " + hex.length() + " characters");
    }
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      if (Character.digit(c, 16) < 0 || c > 'f') {
        throw new IllegalArgumentException(
            "a Tox ID is " + HEX_LENGTH + " hex digits, character " + (i + 1) + " is not one");
      }
    }
    return fromBytes(HexFormat.of().parseHex(hex));
  }

  /**
   * The Tox ID in its 38-byte form.
   *
   * @param bytes key, nospam and checksum
   * @return the Tox ID
   * @throws IllegalArgumentException if the length or the checksum is wrong
   */
  public static ToxId fromBytes(byte[] bytes) {
    if (bytes.length != SIZE) {
      throw new IllegalArgumentException("a Tox ID is " + SIZE + " bytes, got " + bytes.length);
    }
    int expected = checksum(bytes);
    int actual = ((bytes[36] & 0xFF) << 8) | (bytes[37] & 0xFF);
    if (expected != actual) {
      throw new IllegalArgumentException(
          String.format(
              "the Tox ID's checksum is %04X but its first 72 digits give %04X (mistyped?)",
              actual, expected));
    }
    byte[] key = new byte[PublicKey.SIZE];
    System.arraycopy(bytes, 0, key, 0, PublicKey.SIZE);
    int nospam =
        ((bytes[32] & 0xFF) << 24)
            | ((bytes[33] & 0xFF) << 16)
            | ((bytes[34] & 0xFF) << 8)
            | (bytes[35] & 0xFF);
    return new ToxId(PublicKey.of(key), nospam);
  }

  /**
   * The 38-byte form: key, nospam, checksum.
   *
   * @return a new array
   */
  public byte[] toBytes() {
    byte[] out = new byte[SIZE];
    publicKey.copyTo(out, 0);
    out[32] = (byte) (nospam >>> 24);
    out[33] = (byte) (nospam >>> 16);
    out[34] = (byte) (nospam >>> 8);
    out[35] = (byte) nospam;
    int sum = checksum(out);
    out[36] = (byte) (sum >>> 8);
    out[37] = (byte) sum;
    return out;
  }

  /**
   * The checksum of this Tox ID.
   *
   * @return the two checksum bytes as an unsigned 16-bit value, first byte high
   */
  public int checksum() {
    byte[] b = toBytes();
    return ((b[36] & 0xFF) << 8) | (b[37] & 0xFF);
  }

  /** XOR of bytes 0..35 in pairs: even bytes into the first checksum byte, odd into the second. */
  private static int checksum(byte[] bytes) {
    int hi = 0;
    int lo = 0;
    for (int i = 0; i < 36; i += 2) {
      hi ^= bytes[i] & 0xFF;
      lo ^= bytes[i + 1] & 0xFF;
    }
    return (hi << 8) | lo;
  }

  /**
   * The 76 upper-case hex digits.
   *
   * @return the Tox ID as users exchange it
   */
  @Override
  public String toString() {
    return HexFormat.of().withUpperCase().formatHex(toBytes());
  }
}
