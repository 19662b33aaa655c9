package org.toxreactive.transport.tcp.packet;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.ToxProtocolException;
import org.toxreactive.transport.tcp.RelayProtocol;

/**
 * Client to relay: send {@code data} as a UDP forwarding packet (0x91) to {@code destination}; a
 * valid reply comes back as {@link Forwarding} (docs/protocol.md 5). New in c-toxcore 0.2.18: older
 * relays, and relays without forwarding, kill the sender.
 *
 * <pre>
 * Length  | Content
 * ------- | -------
 * 1       | 0x0A
 * 7 or 19 | packed IP_Port: family (2 = IPv4, 10 = IPv6), address (4 or 16), port (BE)
 * 0..1792 | data
 * </pre>
 *
 * {@link #MIN_LENGTH} = 8 to {@link #MAX_LENGTH} = 1812 bytes. Families other than 2 and 10,
 * including the TCP families 130 and 138, are malformed here.
 */
public record ForwardRequest(IpPort destination, Bytes data) implements RelayPacket {
  /** Shortest plaintext: id and an IPv4 address. */
  public static final int MIN_LENGTH = Codecs.ID_SIZE + IpPort.PACKED_IPV4_SIZE;

  /** Longest plaintext: id, an IPv6 address and the most data. */
  public static final int MAX_LENGTH =
      Codecs.ID_SIZE + IpPort.PACKED_IPV6_SIZE + RelayProtocol.MAX_FORWARD_DATA;

  /**
   * Checks the values; the exception names the one out of range.
   *
   * @param destination where the relay forwards the data
   * @param data the bytes to forward
   */
  public ForwardRequest {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(data, "data");
    Codecs.checkRange("forward data length", data.length(), 0, RelayProtocol.MAX_FORWARD_DATA);
  }

  @Override
  public RelayPacketKind kind() {
    return RelayPacketKind.FORWARD_REQUEST;
  }

  @Override
  public <A> void dispatch(RelayPacketHandler<A> handler, A arg) {
    handler.forwardRequest(this, arg);
  }

  @Override
  public int encodedLength() {
    return Codecs.ID_SIZE + destination.packedLength() + data.length();
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(kind().id());
    destination.writePacked(out);
    data.writeTo(out);
  }

  static ForwardRequest decode(ByteBuf in) {
    RelayPacketKind kind = RelayPacketKind.FORWARD_REQUEST;
    Codecs.requireLength(kind, in, MIN_LENGTH, MAX_LENGTH);
    int start = in.readerIndex();
    in.skipBytes(Codecs.ID_SIZE);
    IpPort destination;
    try {
      destination = IpPort.readPacked(in);
    } catch (ToxProtocolException e) {
      in.readerIndex(start);
      throw new MalformedRelayPacketException(kind.label() + ": " + e.getMessage(), e);
    }
    if (in.readableBytes() > RelayProtocol.MAX_FORWARD_DATA) {
      int dataLength = in.readableBytes();
      in.readerIndex(start);
      throw new MalformedRelayPacketException(
          kind.label()
              + ": data length "
              + dataLength
              + ", expected 0.."
              + RelayProtocol.MAX_FORWARD_DATA);
    }
    return new ForwardRequest(destination, Codecs.readRemaining(in));
  }
}
