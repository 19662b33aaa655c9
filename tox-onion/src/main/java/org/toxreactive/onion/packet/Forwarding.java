package org.toxreactive.onion.packet;

import io.netty.buffer.ByteBuf;
import org.toxreactive.core.Bytes;

/**
 * Forwarding (forwarding.c; docs/protocol.md 13.7): a forwarded request (non-empty sendback, which
 * the recipient returns in its {@link ForwardReply}) or a forwarded response (empty sendback). A
 * forwarded request whose data starts with 0x90 is the next link of a chain.
 *
 * <pre>
 * Length   | Content
 * -------- | -------
 * 1        | 0x91
 * 1        | sendback length n (0..255)
 * n        | sendback: timed HMAC (32) ‖ the forwarder's own data (opaque to others)
 * 0..1792  | data
 * </pre>
 */
public record Forwarding(Bytes sendback, Bytes data) implements OnionPacket {
  /** Longest sendback, in bytes (its length travels in one byte). */
  public static final int MAX_SENDBACK = 0xFF;

  /**
   * Checks every field against the layout above; a bad one is an {@link IllegalArgumentException}
   * naming it, in one line.
   *
   * @param sendback the sendback: opaque to the receiver, echoed back in the reply
   * @param data the payload carried
   */
  public Forwarding {
    Wire.checkRange("sendback length", sendback.length(), 0, MAX_SENDBACK);
    Wire.checkRange("data length", data.length(), 0, ForwardRequest.MAX_DATA);
  }

  @Override
  public OnionPacketKind kind() {
    return OnionPacketKind.FORWARDING;
  }

  @Override
  public int encodedLength() {
    return 2 + sendback.length() + data.length();
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(kind().id());
    out.writeByte(sendback.length());
    sendback.writeTo(out);
    data.writeTo(out);
  }

  static Forwarding decode(ByteBuf in) {
    int length =
        Wire.requireLength(
            OnionPacketKind.FORWARDING, in, 2, 2 + MAX_SENDBACK + ForwardRequest.MAX_DATA);
    int n = in.getUnsignedByte(in.readerIndex() + 1);
    if (length < 2 + n || length - 2 - n > ForwardRequest.MAX_DATA) {
      throw new MalformedOnionPacketException(
          "forwarding: sendback length " + n + " does not fit a " + length + "-byte packet");
    }
    in.skipBytes(2);
    Bytes sendback = Wire.read(in, n);
    return new Forwarding(sendback, Wire.readRemaining(in));
  }
}
