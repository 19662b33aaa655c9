package org.toxreactive.transport.tcp.packet;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.transport.tcp.RelayProtocol;

/**
 * Relay to client: an onion packet that came back along a path this client started, with the
 * relay's return block already stripped (docs/protocol.md 5). The inner packet starts with its own
 * id (0x84 or 0x86; 0x88 since c-toxcore 0.2.19), which the codec does not check.
 *
 * <pre>
 * Length    | Content
 * --------- | -------
 * 1         | 0x09
 * 1..2031   | inner onion packet
 * </pre>
 *
 * {@link #MIN_LENGTH} = 2 to {@link RelayProtocol#MAX_PLAINTEXT} = 2032 bytes; c-toxcore sends at
 * most 1 + 1340.
 */
public record OnionResponse(Bytes inner) implements RelayPacket {
  /** Shortest plaintext. */
  public static final int MIN_LENGTH = Codecs.ID_SIZE + 1;

  /** Longest inner response. */
  public static final int MAX_INNER = RelayProtocol.MAX_PLAINTEXT - Codecs.ID_SIZE;

  /**
   * Checks the values; the exception names the one out of range.
   *
   * @param inner the onion response
   */
  public OnionResponse {
    Objects.requireNonNull(inner, "inner");
    Codecs.checkRange("inner onion packet length", inner.length(), 1, MAX_INNER);
  }

  @Override
  public RelayPacketKind kind() {
    return RelayPacketKind.ONION_RESPONSE;
  }

  @Override
  public <A> void dispatch(RelayPacketHandler<A> handler, A arg) {
    handler.onionResponse(this, arg);
  }

  @Override
  public int encodedLength() {
    return Codecs.ID_SIZE + inner.length();
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(kind().id());
    inner.writeTo(out);
  }

  static OnionResponse decode(ByteBuf in) {
    Codecs.requireLength(
        RelayPacketKind.ONION_RESPONSE, in, MIN_LENGTH, RelayProtocol.MAX_PLAINTEXT);
    in.skipBytes(Codecs.ID_SIZE);
    return new OnionResponse(Codecs.readRemaining(in));
  }
}
