package org.toxreactive.onion.packet;

import io.netty.buffer.ByteBuf;

/**
 * A UDP packet of the onion, announce and forwarding layers (docs/protocol.md 13). Each kind is a
 * small record with its byte layout in its javadoc; {@link #decode} dispatches on the first byte.
 *
 * <pre>{@code
 * OnionPacket p = OnionPacket.decode(datagram);     // MalformedOnionPacketException if broken
 * ByteBuf out = Unpooled.buffer(p.encodedLength());
 * p.encode(out);                                   // the same bytes again
 * }</pre>
 *
 * <p>The records hold the encrypted parts as opaque {@link org.toxreactive.core.Bytes}; opening
 * them is the node's (or client's) business.
 */
public sealed interface OnionPacket
    permits OnionSendInitial,
        OnionSend1,
        OnionSend2,
        OnionRecv,
        AnnounceRequest,
        AnnounceResponse,
        OnionDataRequest,
        OnionDataResponse,
        ForwardRequest,
        Forwarding,
        ForwardReply,
        DhtAnnouncePacket {

  /**
   * The kind, which is the first byte.
   *
   * @return the kind
   */
  OnionPacketKind kind();

  /**
   * Length of {@link #encode}'s output.
   *
   * @return bytes, first byte included
   */
  int encodedLength();

  /**
   * Writes the packet, id byte first.
   *
   * @param out receives the packet at its writer index (borrowed)
   */
  void encode(ByteBuf out);

  /**
   * Decodes the whole readable part of {@code in} (one datagram). On success the reader index is at
   * the end; on failure a {@link MalformedOnionPacketException} with a one-line message and the
   * reader index unchanged. Borrows {@code in}.
   *
   * @param in the whole datagram (borrowed; payloads copied out)
   * @return the packet
   */
  static OnionPacket decode(ByteBuf in) {
    if (!in.isReadable()) {
      throw new MalformedOnionPacketException("empty onion packet");
    }
    int id = in.getUnsignedByte(in.readerIndex());
    OnionPacketKind kind = OnionPacketKind.ofId(id);
    if (kind == null) {
      throw new MalformedOnionPacketException(
          "not an onion packet: id 0x" + Integer.toHexString(id));
    }
    return switch (kind) {
      case SEND_INITIAL -> OnionSendInitial.decode(in);
      case SEND_1 -> OnionSend1.decode(in);
      case SEND_2 -> OnionSend2.decode(in);
      case RECV_3, RECV_2, RECV_1 -> OnionRecv.decode(in);
      case ANNOUNCE_REQUEST_OLD, ANNOUNCE_REQUEST -> AnnounceRequest.decode(in);
      case ANNOUNCE_RESPONSE_OLD, ANNOUNCE_RESPONSE -> AnnounceResponse.decode(in);
      case DATA_REQUEST -> OnionDataRequest.decode(in);
      case DATA_RESPONSE -> OnionDataResponse.decode(in);
      case FORWARD_REQUEST -> ForwardRequest.decode(in);
      case FORWARDING -> Forwarding.decode(in);
      case FORWARD_REPLY -> ForwardReply.decode(in);
      case DATA_SEARCH_REQUEST,
          DATA_SEARCH_RESPONSE,
          DATA_RETRIEVE_REQUEST,
          DATA_RETRIEVE_RESPONSE,
          STORE_ANNOUNCE_REQUEST,
          STORE_ANNOUNCE_RESPONSE ->
          DhtAnnouncePacket.decode(in);
    };
  }
}
