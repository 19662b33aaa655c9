package org.toxreactive.onion.packet;

import io.netty.buffer.ByteBuf;
import org.toxreactive.core.Bytes;

/** Length checks and field helpers shared by the codecs. */
final class Wire {
  private Wire() {}

  /** Fails unless the packet at the reader index is {@code min..max} bytes long; returns it. */
  static int requireLength(OnionPacketKind kind, ByteBuf in, int min, int max) {
    int length = in.readableBytes();
    if (length < min || length > max) {
      throw new MalformedOnionPacketException(
          kind.label()
              + ": length "
              + length
              + ", expected "
              + (min == max ? String.valueOf(min) : min + ".." + max));
    }
    return length;
  }

  /** Copies {@code n} bytes and advances the reader index. */
  static Bytes read(ByteBuf in, int n) {
    byte[] b = new byte[n];
    in.readBytes(b);
    return Bytes.adopt(b);
  }

  /** Copies every remaining readable byte and advances the reader index to the end. */
  static Bytes readRemaining(ByteBuf in) {
    return read(in, in.readableBytes());
  }

  /** For compact constructors: {@code value} must be in {@code min..max}. */
  static void checkRange(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + " must be " + min + ".." + max + ", got " + value);
    }
  }

  /** For compact constructors: exactly {@code size} bytes. */
  static void checkSize(String field, Bytes value, int size) {
    if (value.length() != size) {
      throw new IllegalArgumentException(
          field + " must be " + size + " bytes, got " + value.length());
    }
  }
}
