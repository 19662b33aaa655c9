package org.toxreactive.transport.tcp.packet;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.transport.tcp.RelayProtocol;

/**
 * Either direction: payload for the peer routed on {@code connectionId}. There is no separate
 * packet id: the first byte <b>is</b> the connection id, 16..255. When relaying, the server
 * rewrites that byte to the receiver's id for the same pair ({@link #setConnectionId} does this in
 * place, without decoding).
 *
 * <pre>
 * Length  | Content
 * ------- | -------
 * 1       | connection id, 16..255 (unsigned)
 * 0..2031 | payload
 * </pre>
 *
 * 1 to {@link RelayProtocol#MAX_PLAINTEXT} = 2032 bytes. An empty payload is structurally valid;
 * the c-toxcore relay forwards it, and a c-toxcore client then kills its link (length &lt;= 1).
 */
public record Data(int connectionId, Bytes payload) implements RelayPacket {
  /** Most payload bytes one data packet carries. */
  public static final int MAX_PAYLOAD = RelayProtocol.MAX_PLAINTEXT - Codecs.ID_SIZE;

  /**
   * Checks the values; the exception names the one out of range.
   *
   * @param connectionId the connection id, 16..255
   * @param payload the relayed bytes
   */
  public Data {
    Codecs.checkRange(
        "connection id", connectionId, RelayProtocol.NUM_RESERVED_IDS, Codecs.MAX_UNSIGNED_BYTE);
    Objects.requireNonNull(payload, "payload");
    Codecs.checkRange("data payload length", payload.length(), 0, MAX_PAYLOAD);
  }

  /**
   * The unsigned first byte of a plaintext packet (its connection id if it is data).
   *
   * @param plaintext a decrypted packet (the caller's)
   * @return 0..255
   */
  public static int connectionIdOf(ByteBuf plaintext) {
    return plaintext.getUnsignedByte(plaintext.readerIndex());
  }

  /**
   * Overwrites the first byte of a data plaintext with {@code connectionId} (16..255).
   *
   * @param plaintext a data packet's plaintext (the caller's)
   * @param connectionId 16..255
   */
  public static void setConnectionId(ByteBuf plaintext, int connectionId) {
    Codecs.checkRange(
        "connection id", connectionId, RelayProtocol.NUM_RESERVED_IDS, Codecs.MAX_UNSIGNED_BYTE);
    plaintext.setByte(plaintext.readerIndex(), connectionId);
  }

  @Override
  public RelayPacketKind kind() {
    return RelayPacketKind.DATA;
  }

  @Override
  public <A> void dispatch(RelayPacketHandler<A> handler, A arg) {
    handler.data(this, arg);
  }

  @Override
  public int encodedLength() {
    return Codecs.ID_SIZE + payload.length();
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(connectionId);
    payload.writeTo(out);
  }

  static Data decode(ByteBuf in) {
    // The dispatcher has checked 1..MAX_PLAINTEXT bytes and an id of 16..255.
    int connectionId = in.readUnsignedByte();
    return new Data(connectionId, Codecs.readRemaining(in));
  }
}
