package org.toxreactive.dht.packet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.core.ToxProtocolException;

/**
 * The "DHT request" envelope, packet 0x20 (c-toxcore DHT.c {@code create_request}, {@code
 * cryptopacket_handle}; docs/protocol.md, DHT section). Carries a NAT ping (request id 254) or a
 * DHT-PK announcement (156) from one DHT key to another, through the receiver's close nodes:
 *
 * <pre>
 * Offset | Length | Content
 * ------ | ------ | -------
 * 0      | 1      | 0x20
 * 1      | 32     | receiver's public key
 * 33     | 32     | sender's public key
 * 65     | 24     | nonce
 * 89     | m + 16 | crypto_box(beforenm(receiver, sender sk), nonce, request id(1) ‖ data)
 * </pre>
 *
 * <p>A node accepts 106..1040 bytes ({@code cryptopacket_handle}: more than 105, at most 1024 +
 * 16); one addressed to the node itself must also be at most 1024 ({@code handle_request}) and open
 * to at least the request id. One addressed to another key is forwarded unchanged, only to a node
 * of the close list with exactly that key.
 */
public record CryptoRequest(PublicKey receiver, PublicKey sender, Nonce nonce, byte[] box) {
  /** Offset of the box. */
  public static final int BOX_OFFSET = 1 + 2 * PublicKey.SIZE + Nonce.SIZE;

  /** Packets of at most this length are dropped: 105. */
  public static final int MAX_DROPPED = BOX_OFFSET + CryptoBox.MAC_SIZE;

  /** Largest packet routed: 1024 + 16. */
  public static final int MAX_ROUTED = 1024 + CryptoBox.MAC_SIZE;

  /** Largest packet addressed to us that is opened ({@code MAX_CRYPTO_REQUEST_SIZE}). */
  public static final int MAX_SIZE = 1024;

  /** NAT ping request id. */
  public static final int NAT_PING = 254;

  /** DHT-PK announcement request id. */
  public static final int DHTPK = 156;

  /**
   * Reads and length-checks a 0x20 packet (106..1040 bytes); borrows {@code in}.
   *
   * @throws ToxProtocolException (one line) if the id or length is wrong
   * @param in the whole datagram (borrowed; not released)
   * @return the packet, box copied out
   */
  public static CryptoRequest parse(ByteBuf in) {
    int length = in.readableBytes();
    int at = in.readerIndex();
    if (length < 1 || in.getUnsignedByte(at) != DhtPacketKind.CRYPTO.id()) {
      throw new ToxProtocolException("not a crypto request");
    }
    if (length <= MAX_DROPPED || length > MAX_ROUTED) {
      throw new ToxProtocolException(
          "crypto request of "
              + length
              + " bytes, must be "
              + (MAX_DROPPED + 1)
              + ".."
              + MAX_ROUTED);
    }
    byte[] all = new byte[length];
    in.getBytes(at, all);
    return new CryptoRequest(
        PublicKey.of(Arrays.copyOfRange(all, 1, 33)),
        PublicKey.of(Arrays.copyOfRange(all, 33, 65)),
        Nonce.of(Arrays.copyOfRange(all, 65, BOX_OFFSET)),
        Arrays.copyOfRange(all, BOX_OFFSET, length));
  }

  /**
   * Total length on the wire.
   *
   * @return 1 + 32 + 32 + 24 + the box
   */
  public int length() {
    return BOX_OFFSET + box.length;
  }

  /**
   * Opens the box with {@code key} (beforenm of the sender and our secret key). Returns the
   * plaintext (request id first), or null if it is too long for us, does not authenticate or is
   * empty.
   *
   * @param crypto the box of the calling thread
   * @param key the shared key of us and {@link #sender()}
   * @return request id ‖ data, or null if the box does not authenticate
   */
  public byte @Nullable [] open(CryptoBox crypto, SharedKey key) {
    if (length() > MAX_SIZE) {
      return null;
    }
    byte[] plain = crypto.open(key, nonce, box);
    return plain == null || plain.length == 0 ? null : plain;
  }

  /**
   * Builds a packet carrying {@code requestId ‖ data}; the caller owns the buffer.
   *
   * @param crypto the box of the calling thread
   * @param receiver the DHT key the packet is for
   * @param sender our DHT key
   * @param key the shared key of receiver and sender
   * @param nonce a fresh nonce
   * @param requestId the request id, e.g. {@link #NAT_PING}
   * @param data the request's data
   * @return a new heap buffer holding the packet; the caller owns it
   * @throws IllegalArgumentException if the packet would exceed {@link #MAX_SIZE}
   */
  public static ByteBuf seal(
      CryptoBox crypto,
      PublicKey receiver,
      PublicKey sender,
      SharedKey key,
      Nonce nonce,
      int requestId,
      byte[] data) {
    if (BOX_OFFSET + CryptoBox.MAC_SIZE + 1 + data.length > MAX_SIZE) {
      throw new IllegalArgumentException("crypto request data too long: " + data.length);
    }
    byte[] plain = new byte[1 + data.length];
    plain[0] = (byte) requestId;
    System.arraycopy(data, 0, plain, 1, data.length);
    byte[] sealed = crypto.seal(key, nonce, plain);
    ByteBuf out = Unpooled.buffer(BOX_OFFSET + sealed.length);
    out.writeByte(DhtPacketKind.CRYPTO.id());
    receiver.writeTo(out);
    sender.writeTo(out);
    nonce.writeTo(out);
    out.writeBytes(sealed);
    return out;
  }
}
