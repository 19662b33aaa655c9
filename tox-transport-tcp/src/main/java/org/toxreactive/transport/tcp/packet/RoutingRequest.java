package org.toxreactive.transport.tcp.packet;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.toxreactive.core.PublicKey;

/**
 * Client to relay: "give me a connection id for {@code peer}". The relay answers with a {@link
 * RoutingResponse} echoing the key.
 *
 * <pre>
 * Length | Content
 * ------ | -------
 * 1      | 0x00
 * 32     | peer public key
 * </pre>
 *
 * Exactly {@link #LENGTH} = 33 bytes.
 */
public record RoutingRequest(PublicKey peer) implements RelayPacket {
  /** Plaintext length: id and peer key. */
  public static final int LENGTH = Codecs.ID_SIZE + PublicKey.SIZE;

  /**
   * Checks the peer key.
   *
   * @param peer the peer's DHT key
   */
  public RoutingRequest {
    Objects.requireNonNull(peer, "peer");
  }

  @Override
  public RelayPacketKind kind() {
    return RelayPacketKind.ROUTING_REQUEST;
  }

  @Override
  public <A> void dispatch(RelayPacketHandler<A> handler, A arg) {
    handler.routingRequest(this, arg);
  }

  @Override
  public int encodedLength() {
    return LENGTH;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(kind().id());
    peer.writeTo(out);
  }

  static RoutingRequest decode(ByteBuf in) {
    Codecs.requireLength(RelayPacketKind.ROUTING_REQUEST, in, LENGTH);
    in.skipBytes(Codecs.ID_SIZE);
    return new RoutingRequest(PublicKey.read(in));
  }
}
