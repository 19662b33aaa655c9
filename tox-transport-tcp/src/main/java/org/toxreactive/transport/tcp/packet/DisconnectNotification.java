package org.toxreactive.transport.tcp.packet;

import io.netty.buffer.ByteBuf;

/**
 * Either direction: the route on {@code connectionId} is gone. From a client it frees the slot (the
 * relay kills a client naming an id that is not in use); from the relay it means the peer went
 * offline, and the slot falls back to "requested".
 *
 * <pre>
 * Length | Content
 * ------ | -------
 * 1      | 0x03
 * 1      | connection id, unsigned
 * </pre>
 *
 * Exactly {@link #LENGTH} = 2 bytes. Every id 0..255 decodes; ids below 16 are for the session
 * layer to reject.
 */
public record DisconnectNotification(int connectionId) implements RelayPacket {
  /** Plaintext length: id and connection id. */
  public static final int LENGTH = Codecs.ID_SIZE + Codecs.ID_SIZE;

  /**
   * Checks the values; the exception names the one out of range.
   *
   * @param connectionId the connection id, 16..255
   */
  public DisconnectNotification {
    Codecs.checkRange("connection id", connectionId, 0, Codecs.MAX_UNSIGNED_BYTE);
  }

  @Override
  public RelayPacketKind kind() {
    return RelayPacketKind.DISCONNECT_NOTIFICATION;
  }

  @Override
  public <A> void dispatch(RelayPacketHandler<A> handler, A arg) {
    handler.disconnectNotification(this, arg);
  }

  @Override
  public int encodedLength() {
    return LENGTH;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(kind().id());
    out.writeByte(connectionId);
  }

  static DisconnectNotification decode(ByteBuf in) {
    Codecs.requireLength(RelayPacketKind.DISCONNECT_NOTIFICATION, in, LENGTH);
    in.skipBytes(Codecs.ID_SIZE);
    return new DisconnectNotification(in.readUnsignedByte());
  }
}
