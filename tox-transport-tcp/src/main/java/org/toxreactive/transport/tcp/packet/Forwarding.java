package org.toxreactive.transport.tcp.packet;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.transport.tcp.RelayProtocol;

/**
 * Relay to client: the data of a UDP forward reply (0x92) whose sendback named this client
 * (docs/protocol.md 5). The relay has already checked the HMAC and stripped the sendback.
 *
 * <pre>
 * Length  | Content
 * ------- | -------
 * 1       | 0x0B
 * 0..2031 | data
 * </pre>
 *
 * 1 to {@link RelayProtocol#MAX_PLAINTEXT} = 2032 bytes; empty data is structurally valid.
 */
public record Forwarding(Bytes data) implements RelayPacket {
  /** Most data bytes one packet carries. */
  public static final int MAX_DATA = RelayProtocol.MAX_PLAINTEXT - Codecs.ID_SIZE;

  /**
   * Checks the values; the exception names the one out of range.
   *
   * @param data the forwarded bytes
   */
  public Forwarding {
    Objects.requireNonNull(data, "data");
    Codecs.checkRange("forwarding data length", data.length(), 0, MAX_DATA);
  }

  @Override
  public RelayPacketKind kind() {
    return RelayPacketKind.FORWARDING;
  }

  @Override
  public <A> void dispatch(RelayPacketHandler<A> handler, A arg) {
    handler.forwarding(this, arg);
  }

  @Override
  public int encodedLength() {
    return Codecs.ID_SIZE + data.length();
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(kind().id());
    data.writeTo(out);
  }

  static Forwarding decode(ByteBuf in) {
    Codecs.requireLength(
        RelayPacketKind.FORWARDING, in, Codecs.ID_SIZE, RelayProtocol.MAX_PLAINTEXT);
    in.skipBytes(Codecs.ID_SIZE);
    return new Forwarding(Codecs.readRemaining(in));
  }
}
