package org.toxreactive.core;

import java.util.HexFormat;

/** Parses a 32-byte key written as 64 hex digits, with error messages that never echo a secret. */
final class KeyHex {
  private KeyHex() {}

  /**
   * Parses {@code hex} (either case) into {@code size} bytes.
   *
   * @param hex the text, {@code size * 2} hex digits
   * @param size the key's length in bytes
   * @param what the key's name for the message, e.g. "public key"
   * @return the bytes
   * @throws IllegalArgumentException naming the length or the first bad character's position (not
   *     the text itself, which may be a secret)
   */
  static byte[] parse(String hex, int size, String what) {
    if (hex.length() != size * 2) {
      throw new IllegalArgumentException(
          what + " must be " + size * 2 + " hex digits, got " + hex.length() + " characters");
    }
    for (int i = 0; i < hex.length(); i++) {
      if (Character.digit(hex.charAt(i), 16) < 0 || hex.charAt(i) > 'f') {
        throw new IllegalArgumentException(
            what
                + " must be "
                + size * 2
                + " hex digits (0-9, a-f, A-F), character "
                + (i + 1)
                + " is not one");
      }
    }
    return HexFormat.of().parseHex(hex);
  }
}
