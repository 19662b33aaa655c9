package org.toxreactive.transport.tcp.packet;

import io.netty.buffer.ByteBuf;
import org.toxreactive.transport.tcp.RelayProtocol;

/**
 * One plaintext packet of the Tox TCP relay protocol, after the handshake and inside the encrypted
 * frame (docs/protocol.md 2.4). Each kind is an immutable record in its own file whose javadoc
 * shows the byte layout; constructors reject field values the wire cannot carry, so every record
 * encodes to a packet that {@link #decode} accepts.
 *
 * <pre>{@code
 * ByteBuf plain = alloc.heapBuffer(packet.encodedLength());
 * packet.encode(plain);
 * RelayPacket back = RelayPacket.decode(plain); // equals packet
 * plain.release();
 * }</pre>
 *
 * <p>Ownership: {@link #encode} and {@link #decode} borrow the buffer and never release it;
 * payloads are copied into {@link org.toxreactive.core.Bytes}, so a decoded packet holds no buffer.
 */
public sealed interface RelayPacket
    permits RoutingRequest,
        RoutingResponse,
        ConnectNotification,
        DisconnectNotification,
        Ping,
        Pong,
        OobSend,
        OobRecv,
        OnionRequest,
        OnionResponse,
        ForwardRequest,
        Forwarding,
        Data {

  /**
   * The packet's kind (its id byte).
   *
   * @return the kind
   */
  RelayPacketKind kind();

  /**
   * Calls the one method of {@code handler} for this packet's kind.
   *
   * @param <A> the type of the context passed through
   * @param handler what to do with each kind
   * @param arg the context, e.g. the client the packet came from
   */
  <A> void dispatch(RelayPacketHandler<A> handler, A arg);

  /**
   * Plaintext length including the id byte.
   *
   * @return the length
   */
  int encodedLength();

  /**
   * Writes exactly {@link #encodedLength()} bytes. Borrows {@code out} (no release).
   *
   * @param out the buffer
   */
  void encode(ByteBuf out);

  /**
   * Decodes one whole plaintext packet: all readable bytes of {@code plaintext}. On success the
   * reader index is at the end. Borrows {@code plaintext}: never releases it. Copies payloads.
   *
   * @throws MalformedRelayPacketException if the packet is empty, longer than {@link
   *     RelayProtocol#MAX_PLAINTEXT}, has a reserved id (12..15) or breaks its kind's layout; the
   *     reader index is then unchanged
   * @param plaintext the decrypted packet (the caller's; not released)
   * @return the packet
   */
  static RelayPacket decode(ByteBuf plaintext) {
    int length = plaintext.readableBytes();
    if (length == 0) {
      throw new MalformedRelayPacketException("empty packet");
    }
    if (length > RelayProtocol.MAX_PLAINTEXT) {
      throw new MalformedRelayPacketException(
          "packet length " + length + " exceeds " + RelayProtocol.MAX_PLAINTEXT);
    }
    int id = plaintext.getUnsignedByte(plaintext.readerIndex());
    RelayPacketKind kind = RelayPacketKind.ofId(id);
    if (kind == null) {
      throw new MalformedRelayPacketException("reserved packet id " + id);
    }
    return switch (kind) {
      case ROUTING_REQUEST -> RoutingRequest.decode(plaintext);
      case ROUTING_RESPONSE -> RoutingResponse.decode(plaintext);
      case CONNECT_NOTIFICATION -> ConnectNotification.decode(plaintext);
      case DISCONNECT_NOTIFICATION -> DisconnectNotification.decode(plaintext);
      case PING -> Ping.decode(plaintext);
      case PONG -> Pong.decode(plaintext);
      case OOB_SEND -> OobSend.decode(plaintext);
      case OOB_RECV -> OobRecv.decode(plaintext);
      case ONION_REQUEST -> OnionRequest.decode(plaintext);
      case ONION_RESPONSE -> OnionResponse.decode(plaintext);
      case FORWARD_REQUEST -> ForwardRequest.decode(plaintext);
      case FORWARDING -> Forwarding.decode(plaintext);
      case DATA -> Data.decode(plaintext);
    };
  }
}
