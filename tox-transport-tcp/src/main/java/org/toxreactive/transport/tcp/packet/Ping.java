package org.toxreactive.transport.tcp.packet;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Either direction: a keepalive probe. The receiver answers at once with a {@link Pong} carrying
 * the same 8 bytes.
 *
 * <pre>
 * Length | Content
 * ------ | -------
 * 1      | 0x04
 * 8      | ping id, opaque
 * </pre>
 *
 * Exactly {@link #LENGTH} = 9 bytes. c-toxcore writes a random u64 in host byte order, so the bytes
 * carry no number; they are read and written as a big-endian {@code long} only so that they echo
 * unchanged. c-toxcore never sends 0, because a pong of 0 gets the sender killed.
 */
public record Ping(long pingId) implements RelayPacket {
  /** Plaintext length: id and ping id. */
  public static final int LENGTH = Codecs.ID_SIZE + Long.BYTES;

  /**
   * A ping with a random, non-zero id.
   *
   * @return the ping
   */
  public static Ping random() {
    long id;
    do {
      id = ThreadLocalRandom.current().nextLong();
    } while (id == 0);
    return new Ping(id);
  }

  @Override
  public RelayPacketKind kind() {
    return RelayPacketKind.PING;
  }

  @Override
  public <A> void dispatch(RelayPacketHandler<A> handler, A arg) {
    handler.ping(this, arg);
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

  static Ping decode(ByteBuf in) {
    Codecs.requireLength(RelayPacketKind.PING, in, LENGTH);
    in.skipBytes(Codecs.ID_SIZE);
    return new Ping(in.readLong());
  }
}
