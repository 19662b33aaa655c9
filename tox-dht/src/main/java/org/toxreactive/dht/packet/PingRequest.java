package org.toxreactive.dht.packet;

import org.toxreactive.core.ToxProtocolException;

/**
 * Ping request, packet 0x00 (c-toxcore ping.c; docs/protocol.md, DHT section). 82 bytes: a {@link
 * DhtEnvelope} around
 *
 * <pre>
 * Offset | Length | Content
 * ------ | ------ | -------
 * 0      | 1      | 0x00 (the packet id again)
 * 1      | 8      | ping id (opaque, echoed in the 0x01 response)
 * </pre>
 */
public record PingRequest(long pingId) implements DhtMessage {
  /** Plaintext: type + ping id = 9. */
  public static final int PLAIN_SIZE = 1 + 8;

  /** Whole packet: 73 + 9 = 82. */
  public static final int PACKET_SIZE = DhtEnvelope.OVERHEAD + PLAIN_SIZE;

  @Override
  public DhtPacketKind kind() {
    return DhtPacketKind.PING_REQUEST;
  }

  @Override
  public byte[] plaintext() {
    byte[] p = new byte[PLAIN_SIZE];
    p[0] = (byte) DhtPacketKind.PING_REQUEST.id();
    DhtMessage.writeId(p, 1, pingId);
    return p;
  }

  static PingRequest decode(byte[] plain) {
    return new PingRequest(typedId(plain, DhtPacketKind.PING_REQUEST));
  }

  static long typedId(byte[] plain, DhtPacketKind kind) {
    if (plain.length != PLAIN_SIZE) {
      throw new ToxProtocolException(
          kind.tag() + " plaintext of " + plain.length + " bytes, must be " + PLAIN_SIZE);
    }
    if ((plain[0] & 0xFF) != kind.id()) {
      throw new ToxProtocolException(kind.tag() + " plaintext type " + (plain[0] & 0xFF));
    }
    return DhtMessage.readId(plain, 1);
  }
}
