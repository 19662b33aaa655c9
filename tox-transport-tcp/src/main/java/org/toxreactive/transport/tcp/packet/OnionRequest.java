package org.toxreactive.transport.tcp.packet;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.transport.tcp.RelayProtocol;

/**
 * Client to relay: an onion packet for which the relay acts as onion node 1 (docs/protocol.md 5).
 * The payload is what node 1 would have decrypted from a UDP 0x80 packet: node 2's 19-byte IP_Port,
 * node 2's sender key and the box for node 2. The codec keeps it opaque.
 *
 * <pre>
 * Length     | Content
 * ---------- | -------
 * 1          | 0x08
 * 24         | nonce
 * 135..2007  | hop-1 plaintext (payload)
 * </pre>
 *
 * {@link #MIN_LENGTH} = 160 to {@link RelayProtocol#MAX_PLAINTEXT} = 2032 bytes. c-toxcore kills a
 * client at 159 or less; lengths the onion layer cannot use (160..178, above 1360) are dropped
 * there silently, which is not this codec's concern.
 */
public record OnionRequest(Nonce nonce, Bytes payload) implements RelayPacket {
  /** Plaintext length before the payload: id and nonce. */
  public static final int HEADER_LENGTH = Codecs.ID_SIZE + Nonce.SIZE;

  /** c-toxcore's {@code ONION_SEND_BASE}: 32 + 19 + 16 = 67. */
  private static final int ONION_SEND_BASE =
      PublicKey.SIZE + IpPort.FIXED_SIZE + CryptoBox.MAC_SIZE;

  /** One more than c-toxcore's kill bound {@code 1 + CRYPTO_NONCE_SIZE + ONION_SEND_BASE * 2}. */
  public static final int MIN_LENGTH = HEADER_LENGTH + 2 * ONION_SEND_BASE + 1;

  /** Shortest payload. */
  public static final int MIN_PAYLOAD = MIN_LENGTH - HEADER_LENGTH;

  /** Longest payload. */
  public static final int MAX_PAYLOAD = RelayProtocol.MAX_PLAINTEXT - HEADER_LENGTH;

  /**
   * Checks the values; the exception names the one out of range.
   *
   * @param nonce the onion nonce
   * @param payload the onion payload
   */
  public OnionRequest {
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(payload, "payload");
    Codecs.checkRange("onion payload length", payload.length(), MIN_PAYLOAD, MAX_PAYLOAD);
  }

  @Override
  public RelayPacketKind kind() {
    return RelayPacketKind.ONION_REQUEST;
  }

  @Override
  public <A> void dispatch(RelayPacketHandler<A> handler, A arg) {
    handler.onionRequest(this, arg);
  }

  @Override
  public int encodedLength() {
    return HEADER_LENGTH + payload.length();
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(kind().id());
    nonce.writeTo(out);
    payload.writeTo(out);
  }

  static OnionRequest decode(ByteBuf in) {
    Codecs.requireLength(
        RelayPacketKind.ONION_REQUEST, in, MIN_LENGTH, RelayProtocol.MAX_PLAINTEXT);
    in.skipBytes(Codecs.ID_SIZE);
    Nonce nonce = Nonce.read(in);
    return new OnionRequest(nonce, Codecs.readRemaining(in));
  }
}
