package org.toxreactive.test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A front-to-back reader over a fuzzer's raw input, for fuzz targets that build structured input (a
 * mode, lengths, then bytes to seal). Past the end every read yields zeros, so any input is usable.
 * Unlike Jazzer's {@code FuzzedDataProvider} (which takes numbers from the back), the layout is
 * plain concatenation, so a seed is written with {@link Writer} in the same order it is read.
 */
public final class FuzzInput {
  private final byte[] data;
  private int at;

  /**
   * @param data the fuzzer's input (not copied, never changed)
   */
  public FuzzInput(byte[] data) {
    this.data = data;
  }

  /**
   * Bytes not read yet.
   *
   * @return the count
   */
  public int remaining() {
    return data.length - at;
  }

  /**
   * The next byte, unsigned (0 past the end).
   *
   * @return 0..255
   */
  public int u8() {
    return at < data.length ? data[at++] & 0xFF : 0;
  }

  /**
   * The next two bytes, big-endian unsigned.
   *
   * @return 0..65535
   */
  public int u16() {
    return (u8() << 8) | u8();
  }

  /**
   * The next four bytes, big-endian.
   *
   * @return the int
   */
  public int i32() {
    return (u16() << 16) | u16();
  }

  /**
   * The next eight bytes, big-endian.
   *
   * @return the long
   */
  public long i64() {
    return ((long) i32() << 32) | (i32() & 0xFFFFFFFFL);
  }

  /**
   * The next {@code n} bytes, zero-padded past the end.
   *
   * @param n how many
   * @return a new array of {@code n} bytes
   */
  public byte[] bytes(int n) {
    byte[] out = new byte[n];
    int take = Math.max(0, Math.min(n, remaining()));
    System.arraycopy(data, at, out, 0, take);
    at += take;
    return out;
  }

  /**
   * At most {@code max} of the following bytes: as many as remain.
   *
   * @param max the most bytes to take
   * @return a new array
   */
  public byte[] upTo(int max) {
    return bytes(Math.min(max, remaining()));
  }

  /**
   * Every byte not read yet.
   *
   * @return a new array
   */
  public byte[] rest() {
    byte[] out = Arrays.copyOfRange(data, at, data.length);
    at = data.length;
    return out;
  }

  /** Builds a seed in the order a {@link FuzzInput} reads it. */
  public static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /**
     * Appends one byte.
     *
     * @param v the byte (low 8 bits)
     * @return this writer
     */
    public Writer u8(int v) {
      out.write(v);
      return this;
    }

    /**
     * Appends two bytes, big-endian.
     *
     * @param v the value (low 16 bits)
     * @return this writer
     */
    public Writer u16(int v) {
      return u8(v >>> 8).u8(v);
    }

    /**
     * Appends four bytes, big-endian.
     *
     * @param v the value
     * @return this writer
     */
    public Writer i32(int v) {
      return u16(v >>> 16).u16(v);
    }

    /**
     * Appends eight bytes, big-endian.
     *
     * @param v the value
     * @return this writer
     */
    public Writer i64(long v) {
      return i32((int) (v >>> 32)).i32((int) v);
    }

    /**
     * Appends {@code b}.
     *
     * @param b the bytes
     * @return this writer
     */
    public Writer bytes(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    /**
     * The seed.
     *
     * @return a new array
     */
    public byte[] toByteArray() {
      return out.toByteArray();
    }
  }
}
