package org.toxreactive.core;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An immutable sequence of bytes: what crosses the public API instead of a reference-counted {@link
 * ByteBuf}.
 *
 * <pre>{@code
 * Bytes b = Bytes.ofHex("0a0b");
 * ByteBuf view = b.asByteBuf(); // read-only, needs no release
 * }</pre>
 *
 * <p>Sealed only for {@link BytesPool}'s leases (bytes in a pooled array that stay unchanged until
 * their one holder hands them back); no one else can subclass it.
 */
public sealed class Bytes permits Bytes.Leased {
  /** No bytes. */
  public static final Bytes EMPTY = new Bytes(new byte[0]);

  private static final HexFormat HEX = HexFormat.of();

  // The bytes are data[offset, offset + length): a view of a larger array only when built by
  // adopt(byte[], int, int), which saves a copy where a decoder already holds a fresh array
  private final byte[] data;
  private final int offset;
  private final int length;

  private Bytes(byte[] data) {
    this(data, 0, data.length);
  }

  private Bytes(byte[] data, int offset, int length) {
    this.data = data;
    this.offset = offset;
    this.length = length;
  }

  /**
   * Copies {@code data}.
   *
   * @param data the bytes
   * @return a copy
   */
  public static Bytes of(byte... data) {
    return new Bytes(data.clone());
  }

  /**
   * Copies {@code length} bytes of {@code data} from {@code offset}.
   *
   * @param data the array
   * @param offset where to start
   * @param length how many bytes
   * @return a copy
   */
  public static Bytes of(byte[] data, int offset, int length) {
    return new Bytes(Arrays.copyOfRange(data, offset, offset + length));
  }

  /**
   * Copies the readable bytes of {@code buf} without moving its reader index or releasing it.
   *
   * <p>Internal: for this project's Netty codecs (applications use {@link #copyOf(ByteBuffer)} or
   * {@link #of(byte...)}). The caller owns {@code buf}: it is neither retained nor released here.
   *
   * @param buf the buffer
   * @return a copy of its readable bytes
   */
  public static Bytes copyOf(ByteBuf buf) {
    byte[] out = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), out);
    return new Bytes(out);
  }

  /**
   * Copies the remaining bytes of {@code buf} without moving its position.
   *
   * @param buf the buffer
   * @return a copy of its remaining bytes
   */
  public static Bytes copyOf(ByteBuffer buf) {
    byte[] out = new byte[buf.remaining()];
    buf.duplicate().get(out);
    return new Bytes(out);
  }

  /**
   * Parses hex digits (either case).
   *
   * @param hex an even number of hex digits
   * @return the bytes
   */
  public static Bytes ofHex(String hex) {
    return new Bytes(HEX.parseHex(hex));
  }

  /**
   * The UTF-8 encoding of {@code s}.
   *
   * @param s a string
   * @return its bytes
   */
  public static Bytes ofUtf8(String s) {
    return new Bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The first {@code length} bytes of a {@link BytesPool}'s array, on loan to whoever {@link
   * BytesPool#release releases} them.
   */
  static Bytes leased(byte[] data, int length, Object slot) {
    return new Leased(data, length, slot);
  }

  /**
   * The slot of a {@link BytesPool} lease, or null for ordinary bytes.
   *
   * @param b some bytes
   * @return the pool's slot object behind {@code b}, or null
   */
  static @Nullable Object slotOf(Bytes b) {
    return b instanceof Leased l ? l.slot : null;
  }

  /** Bytes on loan from a {@link BytesPool}: immutable until their holder releases them. */
  static final class Leased extends Bytes {
    final Object slot;

    Leased(byte[] data, int length, Object slot) {
      super(data, 0, length);
      this.slot = slot;
    }
  }

  /** Takes ownership of {@code data} without copying; callers must not modify it afterwards. */
  static Bytes wrapUnsafe(byte[] data) {
    return new Bytes(data);
  }

  /**
   * Takes ownership of a freshly built array without copying it: for encoders that build a packet
   * in a new array and hand it over. The caller must never touch {@code data} again (it would break
   * the immutability everyone else relies on); when in doubt, use {@link #of(byte...)}.
   *
   * @param data a fresh array nobody changes afterwards
   * @return the bytes, without a copy
   */
  public static Bytes adopt(byte[] data) {
    return new Bytes(data);
  }

  /**
   * As {@link #adopt(byte[])}, for {@code length} bytes of {@code data} from {@code offset}: e.g. a
   * payload behind a header in a freshly decoded array. The whole array stays reachable for as long
   * as the result is.
   *
   * @param data a fresh array nobody changes afterwards
   * @param offset where to start
   * @param length how many bytes
   * @return the bytes, without a copy
   */
  public static Bytes adopt(byte[] data, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, data.length);
    return new Bytes(data, offset, length);
  }

  /**
   * Copies {@code length} bytes from {@code offset} into {@code dst} at {@code dstOffset}.
   *
   * @param offset where to start here
   * @param dst the destination
   * @param dstOffset where to start there
   * @param length how many bytes
   */
  public void copyTo(int offset, byte[] dst, int dstOffset, int length) {
    Objects.checkFromIndexSize(offset, length, this.length);
    System.arraycopy(data, this.offset + offset, dst, dstOffset, length);
  }

  /**
   * The number of bytes.
   *
   * @return the length
   */
  public int length() {
    return length;
  }

  /**
   * Whether there are no bytes.
   *
   * @return whether the length is 0
   */
  public boolean isEmpty() {
    return length == 0;
  }

  /**
   * The byte at {@code index}.
   *
   * @param index 0..length-1
   * @return the byte
   */
  public byte get(int index) {
    return data[this.offset + Objects.checkIndex(index, length)];
  }

  /**
   * Unsigned value of the byte at {@code index}.
   *
   * @param index 0..length-1
   * @return 0..255
   */
  public int getUnsigned(int index) {
    return get(index) & 0xFF;
  }

  /**
   * A fresh copy of the bytes.
   *
   * @return a new array
   */
  public byte[] toArray() {
    return Arrays.copyOfRange(data, offset, offset + length);
  }

  /**
   * A copy of bytes {@code from} (inclusive) to {@code to} (exclusive).
   *
   * @param from the first index
   * @param to one past the last
   * @return the copy
   */
  public Bytes slice(int from, int to) {
    Objects.checkFromToIndex(from, to, length);
    return new Bytes(Arrays.copyOfRange(data, offset + from, offset + to));
  }

  /**
   * A read-only view of these bytes, without a copy.
   *
   * @return a read-only buffer positioned at the first byte
   */
  public ByteBuffer asByteBuffer() {
    return ByteBuffer.wrap(data, offset, length).slice().asReadOnlyBuffer();
  }

  /**
   * A read-only heap buffer over these bytes; it needs no release.
   *
   * <p>Internal: for this project's Netty codecs (applications use {@link #asByteBuffer()}).
   *
   * @return a read-only Netty buffer over these bytes
   */
  public ByteBuf asByteBuf() {
    return Unpooled.wrappedBuffer(data, offset, length).asReadOnly();
  }

  /**
   * Writes the bytes into {@code out} at its position, advancing it.
   *
   * @param out the buffer
   * @throws java.nio.BufferOverflowException if {@code out} has too little room
   */
  public void writeTo(ByteBuffer out) {
    out.put(data, offset, length);
  }

  /**
   * Writes the bytes into {@code out}.
   *
   * <p>Internal: for this project's Netty codecs (applications use {@link #writeTo(ByteBuffer)}).
   * The caller owns {@code out}: it is neither retained nor released here.
   *
   * @param out the buffer
   */
  public void writeTo(ByteBuf out) {
    out.writeBytes(data, offset, length);
  }

  /**
   * Lower-case hex of the bytes.
   *
   * @return the hex digits
   */
  public String toHex() {
    return HEX.formatHex(data, offset, offset + length);
  }

  /**
   * The bytes decoded as UTF-8.
   *
   * @return the string
   */
  public String toUtf8() {
    return new String(data, offset, length, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Bytes b
        && Arrays.equals(data, offset, offset + length, b.data, b.offset, b.offset + b.length);
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (int i = offset, end = offset + length; i < end; i++) {
      h = 31 * h + data[i];
    }
    return h; // as Arrays.hashCode of the bytes
  }

  @Override
  public String toString() {
    return length <= 64
        ? "Bytes[" + toHex() + "]"
        : "Bytes[" + length + " bytes, " + HEX.formatHex(data, offset, offset + 32) + "...]";
  }
}
