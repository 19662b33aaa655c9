package org.toxreactive.transport.tcp.packet;

import io.netty.buffer.ByteBuf;

/**
 * Either direction: the answer to a {@link Ping}, echoing its 8 bytes unchanged.
 *
 * <pre>
 * Length | Content
 * ------ | -------
 * 1      | 0x05
 * 8      | ping id, echoed
 * </pre>
 *
 * Exactly {@link #LENGTH} = 9 bytes. Any id decodes, including 0: the c-toxcore relay kills a
 * client that sends a pong of 0, and that judgement belongs to the session layer, not the codec.
 */
public record Pong(long pingId) implements RelayPacket {
  /** Plaintext length: id and ping id. */
  public static final int LENGTH = Codecs.ID_SIZE + Long.BYTES;

  /**
   * The pong answering {@code ping}.
   *
   * @param ping the ping
   * @return the pong
   */
  public static Pong answering(Ping ping) {
    return new Pong(ping.pingId());
  }

  @Override
  public RelayPacketKind kind() {
    return RelayPacketKind.PONG;
  }

  @Override
  public <A> void dispatch(RelayPacketHandler<A> handler, A arg) {
    handler.pong(this, arg);
  }

  @Override
  public int encodedLength() {
    return LENGTH;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(kind().id());
    out.writeLong(pingId);
  }

  static Pong decode(ByteBuf in) {
    Codecs.requireLength(RelayPacketKind.PONG, in, LENGTH);
    in.skipBytes(Codecs.ID_SIZE);
    return new Pong(in.readLong());
  }
}
