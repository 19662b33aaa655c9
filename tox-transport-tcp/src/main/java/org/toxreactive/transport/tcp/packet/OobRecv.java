package org.toxreactive.transport.tcp.packet;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.PublicKey;
import org.toxreactive.transport.tcp.RelayProtocol;

/**
 * Relay to client: an out-of-band message another client of this relay sent with {@link OobSend},
 * tagged with the sender's key.
 *
 * <pre>
 * Length  | Content
 * ------- | -------
 * 1       | 0x07
 * 32      | sender public key
 * 1..1024 | data
 * </pre>
 *
 * {@link #MIN_LENGTH} = 34 to {@link #MAX_LENGTH} = 1057 bytes, the same bounds as {@link OobSend}.
 */
public record OobRecv(PublicKey sender, Bytes data) implements RelayPacket {
  /** Plaintext length before the data: id and sender key. */
  public static final int HEADER_LENGTH = Codecs.ID_SIZE + PublicKey.SIZE;

  /** Shortest plaintext. */
  public static final int MIN_LENGTH = HEADER_LENGTH + 1;

  /** Longest plaintext. */
  public static final int MAX_LENGTH = HEADER_LENGTH + RelayProtocol.MAX_OOB_DATA;

  /**
   * Checks the values; the exception names the one out of range.
   *
   * @param sender the sender's DHT key
   * @param data the bytes, 1..1024
   */
  public OobRecv {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(data, "data");
    Codecs.checkRange("OOB data length", data.length(), 1, RelayProtocol.MAX_OOB_DATA);
  }

  @Override
  public RelayPacketKind kind() {
    return RelayPacketKind.OOB_RECV;
  }

  @Override
  public <A> void dispatch(RelayPacketHandler<A> handler, A arg) {
    handler.oobRecv(this, arg);
  }

  @Override
  public int encodedLength() {
    return HEADER_LENGTH + data.length();
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(kind().id());
    sender.writeTo(out);
    data.writeTo(out);
  }

  static OobRecv decode(ByteBuf in) {
    Codecs.requireLength(RelayPacketKind.OOB_RECV, in, MIN_LENGTH, MAX_LENGTH);
    in.skipBytes(Codecs.ID_SIZE);
    PublicKey sender = PublicKey.read(in);
    return new OobRecv(sender, Codecs.readRemaining(in));
  }
}
