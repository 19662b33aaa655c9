package org.toxreactive.core;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;

/** A 32-byte Curve25519 public key. Immutable; equality by value; prints as upper-case hex. */
public final class PublicKey {
  /** Bytes in a key. */
  public static final int SIZE = 32;

  private final byte[] key;
  private final int hash;

  private PublicKey(byte[] key) {
    this.key = key;
    this.hash = Arrays.hashCode(key);
  }

  /**
   * Copies a 32-byte key.
   *
   * @param key 32 bytes
   * @return the key
   */
  public static PublicKey of(byte[] key) {
    if (key.length != SIZE) {
      throw new IllegalArgumentException("public key must be 32 bytes, got " + key.length);
    }
    return new PublicKey(key.clone());
  }

  /**
   * Parses 64 hex digits (either case).
   *
   * @param hex 64 hex digits
   * @return the key
   */
  public static PublicKey fromHex(String hex) {
    return new PublicKey(KeyHex.parse(hex, SIZE, "public key"));
  }

  /**
   * Reads 32 bytes from {@code buf}, advancing its position.
   *
   * @param buf the buffer
   * @return the key
   * @throws java.nio.BufferUnderflowException if fewer than 32 bytes remain
   */
  public static PublicKey read(ByteBuffer buf) {
    byte[] k = new byte[SIZE];
    buf.get(k);
    return new PublicKey(k);
  }

  /**
   * Writes the 32 bytes into {@code buf}, advancing its position.
   *
   * @param buf the buffer
   */
  public void writeTo(ByteBuffer buf) {
    buf.put(key);
  }

  /**
   * Reads 32 bytes from {@code buf}, advancing its reader index.
   *
   * <p>Internal: for this project's Netty codecs (applications use {@link #read(ByteBuffer)} or
   * {@link #of(byte[])}). The caller owns {@code buf}: it is neither retained nor released here.
   *
   * @param buf the buffer
   * @return the key
   */
  public static PublicKey read(ByteBuf buf) {
    byte[] k = new byte[SIZE];
    buf.readBytes(k);
    return new PublicKey(k);
  }

  /**
   * Writes the 32 bytes into {@code buf}.
   *
   * <p>Internal: for this project's Netty codecs (applications use {@link #writeTo(ByteBuffer)}).
   * The caller owns {@code buf}: it is neither retained nor released here.
   *
   * @param buf the buffer
   */
  public void writeTo(ByteBuf buf) {
    buf.writeBytes(key);
  }

  /**
   * Copies the 32 bytes into {@code dst}.
   *
   * @param dst the destination
   * @param offset where to start
   */
  public void copyTo(byte[] dst, int offset) {
    System.arraycopy(key, 0, dst, offset, SIZE);
  }

  /**
   * A copy of the bytes.
   *
   * @return a new array
   */
  public byte[] toArray() {
    return key.clone();
  }

  /** Internal: the backing array, never to be modified. */
  byte[] raw() {
    return key;
  }

  /**
   * Lower-case hex.
   *
   * @return 64 hex digits
   */
  public String toHex() {
    return HexFormat.of().withUpperCase().formatHex(key);
  }

  @Override
  public boolean equals(@Nullable Object o) {
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
