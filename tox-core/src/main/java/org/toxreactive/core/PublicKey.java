package org.toxreactive.core;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.HexFormat;

/** A 32-byte Curve25519 public key. Immutable; equality by value; prints as upper-case hex. */
public final class PublicKey {
  public static final int SIZE = 32;

  private final byte[] key;
  private final int hash;

  private PublicKey(byte[] key) {
    this.key = key;
    this.hash = Arrays.hashCode(key);
  }

  /** Copies a 32-byte key. */
  public static PublicKey of(byte[] key) {
    if (key.length != SIZE) {
      throw new IllegalArgumentException("public key must be 32 bytes, got " + key.length);
    }
    return new PublicKey(key.clone());
  }

  /** Parses 64 hex digits (either case). */
  public static PublicKey fromHex(String hex) {
    return new PublicKey(KeyHex.parse(hex, SIZE, "public key"));
  }

  /** Reads 32 bytes from {@code buf}, advancing its reader index. */
  public static PublicKey read(ByteBuf buf) {
    byte[] k = new byte[SIZE];
    buf.readBytes(k);
    return new PublicKey(k);
  }

  public void writeTo(ByteBuf buf) {
    buf.writeBytes(key);
  }

  public void copyTo(byte[] dst, int offset) {
    System.arraycopy(key, 0, dst, offset, SIZE);
  }

  public byte[] toArray() {
    return key.clone();
  }

  /** Internal: the backing array, never to be modified. */
  byte[] raw() {
    return key;
  }

  public String toHex() {
    return HexFormat.of().withUpperCase().formatHex(key);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublicKey && Arrays.equals(key, ((PublicKey) o).key);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return toHex();
  }
}
