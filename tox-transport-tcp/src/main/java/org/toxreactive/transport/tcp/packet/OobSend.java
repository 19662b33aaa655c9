package org.toxreactive.transport.tcp.packet;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.PublicKey;
import org.toxreactive.transport.tcp.RelayProtocol;

/**
 * Client to relay: an out-of-band message for whoever is connected to this relay with the key
 * {@code destination}, no route needed. The relay delivers it as an {@link OobRecv}, or drops it
 * silently if the destination is not connected; the sender is never told which.
 *
 * <pre>
 * Length  | Content
 * ------- | -------
 * 1       | 0x06
 * 32      | destination public key
 * 1..1024 | data
 * </pre>
 *
 * {@link #MIN_LENGTH} = 34 to {@link #MAX_LENGTH} = 1057 bytes. Empty or longer data gets the
 * sender killed.
 */
public record OobSend(PublicKey destination, Bytes data) implements RelayPacket {
  /** Plaintext length before the data: id and destination key. */
  public static final int HEADER_LENGTH = Codecs.ID_SIZE + PublicKey.SIZE;

  /** Shortest plaintext. */
  public static final int MIN_LENGTH = HEADER_LENGTH + 1;

  /** Longest plaintext. */
  public static final int MAX_LENGTH = HEADER_LENGTH + RelayProtocol.MAX_OOB_DATA;

  /**
   * Checks the values; the exception names the one out of range.
   *
   * @param destination the destination's DHT key
   * @param data the bytes, 1..1024
   */
  public OobSend {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(data, "data");
    Codecs.checkRange("OOB data length", data.length(), 1, RelayProtocol.MAX_OOB_DATA);
  }

  @Override
  public RelayPacketKind kind() {
    return RelayPacketKind.OOB_SEND;
  }

  @Override
  public <A> void dispatch(RelayPacketHandler<A> handler, A arg) {
    handler.oobSend(this, arg);
  }

  @Override
  public int encodedLength() {
    return HEADER_LENGTH + data.length();
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(kind().id());
    destination.writeTo(out);
    data.writeTo(out);
  }

  static OobSend decode(ByteBuf in) {
    Codecs.requireLength(RelayPacketKind.OOB_SEND, in, MIN_LENGTH, MAX_LENGTH);
    in.skipBytes(Codecs.ID_SIZE);
    PublicKey destination = PublicKey.read(in);
    return new OobSend(destination, Codecs.readRemaining(in));
  }
}
