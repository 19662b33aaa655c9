package org.toxreactive.transport.tcp.packet;

import io.netty.buffer.ByteBuf;

/**
 * Relay to client: the peer routed on {@code connectionId} came online; data can flow. Sent to both
 * sides at the moment two routing slots pair up. A client may send it too; the relay ignores it.
 *
 * <pre>
 * Length | Content
 * ------ | -------
 * 1      | 0x02
 * 1      | connection id, unsigned
 * </pre>
 *
 * Exactly {@link #LENGTH} = 2 bytes. Every id 0..255 decodes; ids below 16 are for the session
 * layer to reject.
 */
public record ConnectNotification(int connectionId) implements RelayPacket {
  /** Plaintext length: id and connection id. */
  public static final int LENGTH = Codecs.ID_SIZE + Codecs.ID_SIZE;

  /**
   * Checks the values; the exception names the one out of range.
   *
   * @param connectionId the connection id, 16..255
   */
  public ConnectNotification {
    Codecs.checkRange("connection id", connectionId, 0, Codecs.MAX_UNSIGNED_BYTE);
  }

  @Override
  public RelayPacketKind kind() {
    return RelayPacketKind.CONNECT_NOTIFICATION;
  }

  @Override
  public <A> void dispatch(RelayPacketHandler<A> handler, A arg) {
    handler.connectNotification(this, arg);
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

  static ConnectNotification decode(ByteBuf in) {
    Codecs.requireLength(RelayPacketKind.CONNECT_NOTIFICATION, in, LENGTH);
    in.skipBytes(Codecs.ID_SIZE);
    return new ConnectNotification(in.readUnsignedByte());
  }
}
