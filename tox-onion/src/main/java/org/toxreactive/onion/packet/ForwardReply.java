package org.toxreactive.onion.packet;

import io.netty.buffer.ByteBuf;
import org.toxreactive.core.Bytes;

/**
 * Forward reply (forwarding.c; docs/protocol.md 13.7): the answer to a {@link Forwarding}, sent to
 * the forwarder with the sendback it gave. The forwarder checks the sendback's HMAC and passes the
 * data on to whoever the sendback names.
 *
 * <pre>
 * Length   | Content
 * -------- | -------
 * 1        | 0x92
 * 1        | sendback length n (33..254; 255 is reserved)
 * n        | sendback, as received in the 0x91
 * 0..1792  | data
 * </pre>
 */
public record ForwardReply(Bytes sendback, Bytes data) implements OnionPacket {
  /** {@code TIMED_AUTH_SIZE} + at least one byte of data. */
  public static final int MIN_SENDBACK = 33;

  /** {@code MAX_SENDBACK_SIZE} = 254. */
  public static final int MAX_SENDBACK = 254;

  /**
   * Checks every field against the layout above; a bad one is an {@link IllegalArgumentException}
   * naming it, in one line.
   *
   * @param sendback the sendback: opaque to the receiver, echoed back in the reply
   * @param data the payload carried
   */
  public ForwardReply {
    Wire.checkRange("sendback length", sendback.length(), MIN_SENDBACK, MAX_SENDBACK);
    Wire.checkRange("data length", data.length(), 0, ForwardRequest.MAX_DATA);
  }

  @Override
  public OnionPacketKind kind() {
    return OnionPacketKind.FORWARD_REPLY;
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

  static ForwardReply decode(ByteBuf in) {
    int length =
        Wire.requireLength(
            OnionPacketKind.FORWARD_REPLY,
            in,
            2 + MIN_SENDBACK,
            2 + MAX_SENDBACK + ForwardRequest.MAX_DATA);
    int n = in.getUnsignedByte(in.readerIndex() + 1);
    if (n < MIN_SENDBACK || n > MAX_SENDBACK) {
      throw new MalformedOnionPacketException(
          "forward reply: sendback length " + n + ", expected 33..254");
    }
    if (length < 2 + n || length - 2 - n > ForwardRequest.MAX_DATA) {
      throw new MalformedOnionPacketException(
          "forward reply: sendback length " + n + " does not fit a " + length + "-byte packet");
    }
    in.skipBytes(2);
    Bytes sendback = Wire.read(in, n);
    return new ForwardReply(sendback, Wire.readRemaining(in));
  }
}
