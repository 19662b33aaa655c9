package org.toxreactive.dht.packet;

import org.toxreactive.core.ToxProtocolException;

/**
 * NAT ping, the data of a {@link CryptoRequest} with request id 254 (c-toxcore DHT.c {@code
 * send_NATping}, {@code handle_NATping}):
 *
 * <pre>
 * Offset | Length | Content
 * ------ | ------ | -------
 * 0      | 1      | 0 = request, 1 = response
 * 1      | 8      | ping id (opaque, echoed)
 * </pre>
 */
public record NatPing(boolean response, long pingId) {
  /** Encoded length: the type byte and the 8-byte ping id. */
  public static final int SIZE = 1 + 8;

  /**
   * The 9-byte data to put in a {@link CryptoRequest} with request id 254.
   *
   * @return a new array
   */
  public byte[] encode() {
    byte[] b = new byte[SIZE];
    b[0] = (byte) (response ? 1 : 0);
    DhtMessage.writeId(b, 1, pingId);
    return b;
  }

  /**
   * Decodes the data after the request id.
   *
   * @throws ToxProtocolException (one line) if it is not 9 bytes or the type is not 0 or 1
   * @param data the request's data, after the request id
   * @return the ping
   */
  public static NatPing decode(byte[] data) {
    if (data.length != SIZE) {
      throw new ToxProtocolException("NAT ping of " + data.length + " bytes, must be " + SIZE);
    }
    int type = data[0] & 0xFF;
    if (type > 1) {
      throw new ToxProtocolException("NAT ping type " + type + ", must be 0 or 1");
    }
    return new NatPing(type == 1, DhtMessage.readId(data, 1));
  }
}
