package org.toxreactive.onion.packet;

import io.netty.buffer.ByteBuf;
import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;

/**
 * The announce.c packets 0x93..0x98 (data search, data retrieve, store announce; requests and
 * responses; 0.2.18+, checked in 0.2.20; docs/protocol.md 13.8). All use the DHT envelope; the
 * plaintext always ends with an 8-byte value echoed from request to response. The plaintext is left
 * opaque here; {@code OnionNode} opens and answers the requests (its announce.c store).
 *
 * <pre>
 * Length   | Content
 * -------- | -------
 * 1        | 0x93 .. 0x98
 * 32       | sender DHT public key
 * 24       | nonce
 * 24..     | box(beforenm(receiver DHT key, sender secret key), plaintext ‖ 8-byte echo)
 * </pre>
 *
 * {@link #MIN_LENGTH} = 81 to 2048 (the largest UDP packet c-toxcore reads).
 */
public record DhtAnnouncePacket(
    OnionPacketKind kind, PublicKey sender, Nonce nonce, Bytes encrypted) implements OnionPacket {
  /** Bytes before the encrypted part: id, public key and nonce. */
  public static final int HEADER = 1 + PublicKey.SIZE + Nonce.SIZE;

  /** Shortest valid packet: the header and a box holding at least the 8-byte number. */
  public static final int MIN_LENGTH = HEADER + CryptoBox.MAC_SIZE + Long.BYTES;

  /** Longest packet accepted, in bytes. */
  public static final int MAX_LENGTH = 2048;

  /**
   * Checks every field against the layout above; a bad one is an {@link IllegalArgumentException}
   * naming it, in one line.
   *
   * @param kind the packet kind (its first byte)
   * @param sender the sender's public key (the box is opened with it)
   * @param nonce the 24-byte nonce of the box
   * @param encrypted the box: tag and ciphertext
   */
  public DhtAnnouncePacket {
    Objects.requireNonNull(kind, "kind");
    if (kind.id() < 0x93 || kind.id() > 0x98) {
      throw new IllegalArgumentException("not an announce.c kind: " + kind);
    }
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(nonce, "nonce");
    Wire.checkRange("box length", encrypted.length(), MIN_LENGTH - HEADER, MAX_LENGTH - HEADER);
  }

  @Override
  public int encodedLength() {
    return HEADER + encrypted.length();
  }

  @Override
  public void encode(ByteBuf out) {
    out.writeByte(kind.id());
    sender.writeTo(out);
    nonce.writeTo(out);
    encrypted.writeTo(out);
  }

  static DhtAnnouncePacket decode(ByteBuf in) {
    // only OnionPacket.decode calls this, after it found the kind of this id byte
    OnionPacketKind kind =
        Objects.requireNonNull(OnionPacketKind.ofId(in.getUnsignedByte(in.readerIndex())));
    Wire.requireLength(kind, in, MIN_LENGTH, MAX_LENGTH);
    in.skipBytes(1);
    return new DhtAnnouncePacket(kind, PublicKey.read(in), Nonce.read(in), Wire.readRemaining(in));
  }
}
