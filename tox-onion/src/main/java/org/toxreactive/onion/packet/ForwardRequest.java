package org.toxreactive.onion.packet;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.PublicKey;

/**
 * Forward request (forwarding.c, 0.2.18+; docs/protocol.md 13.7): asks a DHT node to pass {@code
 * data} to the node with this DHT key in its close list, as a {@link Forwarding} carrying a
 * sendback that names the requester. Chains nest: the data may itself start with 0x90 (at most 4
 * deep).
 *
 * <pre>
 * Length   | Content
 * -------- | -------
 * 1        | 0x90
 * 32       | destination DHT public key
 * 0..1792  | data ({@code MAX_FORWARD_DATA_SIZE} = 2048 - 256)
 * </pre>
 */
public record ForwardRequest(PublicKey destination, Bytes data) implements OnionPacket {
  /** Largest forwarded data, in bytes (2048 less room for the sendback). */
  public static final int MAX_DATA = 2048 - 256;

  /** Bytes before the data: id and destination key. */
  public static final int HEADER = 1 + PublicKey.SIZE;

  /**
   * Checks every field against the layout above; a bad one is an {@link IllegalArgumentException}
   * naming it, in one line.
   *
   * @param destination the destination's public key
   * @param data the payload carried
   */
  public ForwardRequest {
    Objects.requireNonNull(destination, "destination");
    Wire.checkRange("data length", data.length(), 0, MAX_DATA);
  }

  @Override
  public OnionPacketKind kind() {
    return OnionPacketKind.FORWARD_REQUEST;
  }

  @Override
  public int encodedLength() {
    return HEADER + data.length();
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(kind().id());
    destination.writeTo(out);
    data.writeTo(out);
  }

  static ForwardRequest decode(ByteBuf in) {
    Wire.requireLength(OnionPacketKind.FORWARD_REQUEST, in, HEADER, HEADER + MAX_DATA);
    in.skipBytes(1);
    return new ForwardRequest(PublicKey.read(in), Wire.readRemaining(in));
  }
}
