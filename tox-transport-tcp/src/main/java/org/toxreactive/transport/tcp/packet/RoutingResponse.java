package org.toxreactive.transport.tcp.packet;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.toxreactive.core.PublicKey;
import org.toxreactive.transport.tcp.RelayProtocol;

/**
 * Relay to client: the answer to a {@link RoutingRequest}. The connection id is 16 + slot when the
 * route was granted and 0 when it was refused (own key, or all 240 slots in use). Values 1..15 are
 * representable because the wire can carry them; the session layer decides what they mean.
 *
 * <pre>
 * Length | Content
 * ------ | -------
 * 1      | 0x01
 * 1      | connection id (rpid), unsigned
 * 32     | peer public key, echoed from the request
 * </pre>
 *
 * Exactly {@link #LENGTH} = 34 bytes.
 */
public record RoutingResponse(int connectionId, PublicKey peer) implements RelayPacket {
  /** Plaintext length: id, connection id and peer key. */
  public static final int LENGTH = Codecs.ID_SIZE + Codecs.ID_SIZE + PublicKey.SIZE;

  /** The connection id of a refused request. */
  public static final int REFUSED = 0;

  /**
   * Checks the values.
   *
   * @param connectionId the connection id, 0 (refused) or 16..255
   * @param peer the peer's DHT key, echoed
   */
  public RoutingResponse {
    Codecs.checkRange("connection id", connectionId, 0, Codecs.MAX_UNSIGNED_BYTE);
    Objects.requireNonNull(peer, "peer");
  }

  /**
   * A refusal for {@code peer}.
   *
   * @param peer the peer's DHT key
   * @return the refusal
   */
  public static RoutingResponse refused(PublicKey peer) {
    return new RoutingResponse(REFUSED, peer);
  }

  /**
   * Whether the relay granted a route: the id is a data connection id (16..255).
   *
   * @return whether the route was granted
   */
  public boolean accepted() {
    return connectionId >= RelayProtocol.NUM_RESERVED_IDS;
  }

  @Override
  public RelayPacketKind kind() {
    return RelayPacketKind.ROUTING_RESPONSE;
  }

  @Override
  public <A> void dispatch(RelayPacketHandler<A> handler, A arg) {
    handler.routingResponse(this, arg);
  }

  @Override
  public int encodedLength() {
    return LENGTH;
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(kind().id());
    out.writeByte(connectionId);
    peer.writeTo(out);
  }

  static RoutingResponse decode(ByteBuf in) {
    Codecs.requireLength(RelayPacketKind.ROUTING_RESPONSE, in, LENGTH);
    in.skipBytes(Codecs.ID_SIZE);
    int connectionId = in.readUnsignedByte();
    return new RoutingResponse(connectionId, PublicKey.read(in));
  }
}
