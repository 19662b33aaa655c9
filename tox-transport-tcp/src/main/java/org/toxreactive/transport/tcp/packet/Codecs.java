package org.toxreactive.transport.tcp.packet;

import io.netty.buffer.ByteBuf;
import org.toxreactive.core.Bytes;

/** Length checks and field helpers shared by the packet codecs. */
final class Codecs {
  /** Every relay packet starts with one id byte (for data packets: the connection id). */
  static final int ID_SIZE = 1;

  /** Largest unsigned byte, the upper bound of every one-byte id field. */
  static final int MAX_UNSIGNED_BYTE = 0xFF;

  private Codecs() {}

  /** Fails unless the packet at the reader index is exactly {@code expected} bytes long. */
  static void requireLength(RelayPacketKind kind, ByteBuf in, int expected) {
    int length = in.readableBytes();
    if (length != expected) {
      throw new MalformedRelayPacketException(
          kind.label() + ": length " + length + ", expected " + expected);
    }
  }

  /** Fails unless the packet at the reader index is {@code min..max} bytes long. */
  static void requireLength(RelayPacketKind kind, ByteBuf in, int min, int max) {
    int length = in.readableBytes();
    if (length < min || length > max) {
      throw new MalformedRelayPacketException(
          kind.label() + ": length " + length + ", expected " + min + ".." + max);
    }
  }

  /** Copies every remaining readable byte and advances the reader index to the end. */
  static Bytes readRemaining(ByteBuf in) {
    Bytes b = Bytes.copyOf(in);
    in.skipBytes(in.readableBytes());
    return b;
  }

  /** For compact constructors: {@code value} must be in {@code min..max}. */
  static int checkRange(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + " must be " + min + ".." + max + ", got " + value);
    }
    return value;
  }
}
