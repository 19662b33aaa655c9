package org.toxreactive.dht.packet;

/**
 * Ping response, packet 0x01 (c-toxcore ping.c). 82 bytes: a {@link DhtEnvelope} around
 *
 * <pre>
 * Offset | Length | Content
 * ------ | ------ | -------
 * 0      | 1      | 0x01 (the packet id again)
 * 1      | 8      | ping id of the request, unchanged
 * </pre>
 */
public record PingResponse(long pingId) implements DhtMessage {
  @Override
  public DhtPacketKind kind() {
    return DhtPacketKind.PING_RESPONSE;
  }

  @Override
  public byte[] plaintext() {
    byte[] p = new byte[PingRequest.PLAIN_SIZE];
    p[0] = (byte) DhtPacketKind.PING_RESPONSE.id();
    DhtMessage.writeId(p, 1, pingId);
    return p;
  }

  static PingResponse decode(byte[] plain) {
    return new PingResponse(PingRequest.typedId(plain, DhtPacketKind.PING_RESPONSE));
  }
}
