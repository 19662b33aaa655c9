package org.toxreactive.onion;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA-256 (RFC 2104) under a fixed key, over the JDK's SHA-256: the onion node's ping ids,
 * sendback auth and search tokens, which only the node itself checks. Not {@code javax.crypto.Mac}:
 * looking up a {@code Mac} makes the JCA load every configured security provider and the JCE
 * policy, ~80 classes that would stay loaded in the relay (BENCHMARKS.md "Footprint"); a {@code
 * MessageDigest} comes from the first provider. Not Bouncy Castle's {@code HMac} either: its
 * digests start Bouncy Castle's service registry, which needs the ASN.1 classes the runnable relay
 * jar leaves out. The bytes are the JCA's ({@code HmacSha256Test}). Not thread-safe.
 */
final class HmacSha256 {
  private static final int BLOCK = 64;
  private final MessageDigest digest = sha256();
  private final byte[] inner = new byte[BLOCK];
  private final byte[] outer = new byte[BLOCK];

  /**
   * A MAC under {@code key}.
   *
   * @param key the key (any length; longer than 64 bytes is hashed first, as RFC 2104 says)
   */
  HmacSha256(byte[] key) {
    byte[] k = key.length > BLOCK ? digest.digest(key) : key;
    for (int i = 0; i < BLOCK; i++) {
      byte b = i < k.length ? k[i] : 0;
      inner[i] = (byte) (b ^ 0x36);
      outer[i] = (byte) (b ^ 0x5c);
    }
    digest.update(inner);
  }

  /** A new SHA-256 digest from the JDK. */
  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e); // every Java SE runtime has it
    }
  }

  /**
   * Adds {@code part} to the message.
   *
   * @param part bytes of the message
   */
  void update(byte[] part) {
    digest.update(part);
  }

  /**
   * The 32-byte MAC of the message added since the last call; starts the next message.
   *
   * @return the MAC
   */
  byte[] doFinal() {
    byte[] innerHash = digest.digest();
    digest.update(outer);
    byte[] mac = digest.digest(innerHash);
    digest.update(inner);
    return mac;
  }
}
