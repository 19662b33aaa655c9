package org.toxreactive.onion.packet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.ToxProtocolException;

/**
 * One opened onion layer (docs/protocol.md 13.2): the next hop's 19-byte IP_Port and what to send
 * there. For layers 1 and 2 the rest is the next hop's key (32) and box; for layer 3 it is the
 * inner request (0x83, 0x85 or 0x87).
 *
 * <pre>
 * Length | Content
 * ------ | -------
 * 19     | next hop: family (2 or 10) ‖ 16 address bytes (IPv4 in the first 4) ‖ port BE
 * rest   | key ‖ box (layers 1, 2) or the inner request (layer 3)
 * </pre>
 */
public record OnionLayer(IpPort next, Bytes rest) {
  /**
   * Checks every field against the layout above; a bad one is an {@link IllegalArgumentException}
   * naming it, in one line.
   *
   * @param next the next hop's address
   * @param rest what the next hop receives
   */
  public OnionLayer {
    Objects.requireNonNull(next, "next");
    Objects.requireNonNull(rest, "rest");
  }

  /**
   * The layer's plaintext: the next hop's packed address, then the rest.
   *
   * @return a new array
   */
  public byte[] encode() {
    ByteBuf out = Unpooled.buffer(OnionSizes.IPPORT + rest.length());
    try {
      next.writeFixed19(out);
      rest.writeTo(out);
      byte[] a = new byte[out.readableBytes()];
      out.readBytes(a);
      return a;
    } finally {
      out.release();
    }
  }

  /**
   * Decodes an opened layer; {@link MalformedOnionPacketException} on a bad address.
   *
   * @param plain the opened layer
   * @param offset where it starts
   * @param length its length in bytes
   * @return the layer
   * @throws MalformedOnionPacketException if the address does not decode
   */
  public static OnionLayer decode(byte[] plain, int offset, int length) {
    if (length < OnionSizes.IPPORT) {
      throw new MalformedOnionPacketException(
          "onion layer: length " + length + ", expected at least 19");
    }
    ByteBuf in = Unpooled.wrappedBuffer(plain, offset, length);
    try {
      IpPort next = IpPort.readFixed19(in);
      return new OnionLayer(next, Wire.readRemaining(in));
    } catch (ToxProtocolException e) {
      throw new MalformedOnionPacketException("onion layer: " + e.getMessage());
    } finally {
      in.release();
    }
  }
}
