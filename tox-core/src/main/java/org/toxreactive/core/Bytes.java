package org.toxreactive.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable sequence of bytes: what crosses the public API instead of a reference-counted {@link
 * ByteBuf}.
 *
 * <pre>{@code
 * Bytes b = Bytes.ofHex("0a0b");
 * ByteBuf view = b.asByteBuf(); // read-only, needs no release
 * }</pre>
 */
public final class Bytes {
  public static final Bytes EMPTY = new Bytes(new byte[0]);
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] data;

  private Bytes(byte[] data) {
    this.data = data;
  }

  /** Copies {@code data}. */
  public static Bytes of(byte... data) {
    return new Bytes(data.clone());
  }

  /** Copies {@code length} bytes of {@code data} from {@code offset}. */
  public static Bytes of(byte[] data, int offset, int length) {
    return new Bytes(Arrays.copyOfRange(data, offset, offset + length));
  }

  /** Copies the readable bytes of {@code buf} without moving its reader index or releasing it. */
  public static Bytes copyOf(ByteBuf buf) {
    byte[] out = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), out);
    return new Bytes(out);
  }

  public static Bytes ofHex(String hex) {
    return new Bytes(HEX.parseHex(hex));
  }

  public static Bytes ofUtf8(String s) {
    return new Bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Takes ownership of {@code data} without copying; callers must not modify it afterwards. */
  static Bytes wrapUnsafe(byte[] data) {
    return new Bytes(data);
  }

  /**
   * Takes ownership of a freshly built array without copying it: for encoders that build a packet
   * in a new array and hand it over. The caller must never touch {@code data} again (it would break
   * the immutability everyone else relies on); when in doubt, use {@link #of(byte...)}.
   */
  public static Bytes adopt(byte[] data) {
    return new Bytes(data);
  }

  /** Copies {@code length} bytes from {@code offset} into {@code dst} at {@code dstOffset}. */
  public void copyTo(int offset, byte[] dst, int dstOffset, int length) {
    System.arraycopy(data, offset, dst, dstOffset, length);
  }

  public int length() {
    return data.length;
  }

  public boolean isEmpty() {
    return data.length == 0;
  }

  public byte get(int index) {
    return data[index];
  }

  /** Unsigned value of the byte at {@code index}. */
  public int getUnsigned(int index) {
    return data[index] & 0xFF;
  }

  /** A fresh copy of the bytes. */
  public byte[] toArray() {
    return data.clone();
  }

  public Bytes slice(int from, int to) {
    return new Bytes(Arrays.copyOfRange(data, from, to));
  }

  /** A read-only heap buffer over these bytes; it needs no release. */
  public ByteBuf asByteBuf() {
    return Unpooled.wrappedBuffer(data).asReadOnly();
  }

  /** Writes the bytes into {@code out}. */
  public void writeTo(ByteBuf out) {
    out.writeBytes(data);
  }

  public String toHex() {
    return HEX.formatHex(data);
  }

  public String toUtf8() {
    return new String(data, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes && Arrays.equals(data, ((Bytes) o).data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return data.length <= 64
        ? "Bytes[" + toHex() + "]"
        : "Bytes[" + data.length + " bytes, " + HEX.formatHex(data, 0, 32) + "...]";
  }
}
