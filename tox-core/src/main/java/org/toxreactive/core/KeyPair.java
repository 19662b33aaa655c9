package org.toxreactive.core;

import org.toxreactive.core.crypto.CryptoProviders;

/**
 * A Curve25519 key pair.
 *
 * <pre>{@code
 * KeyPair kp = KeyPair.generate();
 * KeyPair same = KeyPair.fromSecretKey(kp.secretKey());
 * }</pre>
 */
public record KeyPair(PublicKey publicKey, SecretKey secretKey) {
  /**
   * A fresh key pair: a secret key from the provider's secure random source and its public key.
   *
   * @return the new key pair
   */
  public static KeyPair generate() {
    byte[] sk = new byte[SecretKey.SIZE];
    CryptoProviders.current().randomBytes(sk);
    return fromSecretKey(SecretKey.of(sk));
  }

  /**
   * Derives the public key (X25519 base-point multiplication, on the process's provider).
   *
   * @param sk the secret key
   * @return the pair of {@code sk} and its public key
   */
  public static KeyPair fromSecretKey(SecretKey sk) {
    byte[] pk = new byte[PublicKey.SIZE];
    CryptoProviders.current().scalarMultBase(pk, sk.raw());
    return new KeyPair(PublicKey.of(pk), sk);
  }

  /**
   * Parses a secret key in hex and derives its public key.
   *
   * @param secretHex 64 hex digits, either case
   * @return the key pair
   * @throws IllegalArgumentException if it is not 64 hex digits
   */
  public static KeyPair fromSecretHex(String secretHex) {
    return fromSecretKey(SecretKey.fromHex(secretHex));
  }

  /**
   * Parses the 64-byte tox-bootstrapd keys-file layout: public key (32) then secret key (32). The
   * public key must match the secret key.
   *
   * @param content the file's bytes, exactly 64
   * @return the key pair
   * @throws IllegalArgumentException if the length is wrong or the public key does not match the
   *     secret key (one-line message)
   */
  public static KeyPair fromKeysFile(byte[] content) {
    if (content.length != 64) {
      throw new IllegalArgumentException(
          "keys file must be exactly 64 bytes (public then secret key), got " + content.length);
    }
    byte[] sk = new byte[SecretKey.SIZE];
    System.arraycopy(content, 32, sk, 0, 32);
    KeyPair kp = fromSecretKey(SecretKey.of(sk));
    byte[] pk = new byte[PublicKey.SIZE];
    System.arraycopy(content, 0, pk, 0, 32);
    if (!kp.publicKey().equals(PublicKey.of(pk))) {
      throw new IllegalArgumentException("keys file public key does not match its secret key");
    }
    return kp;
  }

  /**
   * The 64-byte tox-bootstrapd keys-file layout: public key then secret key.
   *
   * @return a new 64-byte array holding the secret key: write it with owner-only permissions
   */
  public byte[] toKeysFile() {
    byte[] out = new byte[64];
    publicKey.copyTo(out, 0);
    System.arraycopy(secretKey.raw(), 0, out, 32, 32);
    return out;
  }

  @Override
  public String toString() {
    return "KeyPair[" + publicKey.toHex() + "]";
  }
}
