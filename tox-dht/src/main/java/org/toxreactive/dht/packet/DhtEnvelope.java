package org.toxreactive.dht.packet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.core.ToxProtocolException;

/**
 * The encrypted form of the DHT packets 0x00, 0x01, 0x02 and 0x04 (c-toxcore {@code
 * dht_create_packet}; docs/protocol.md, DHT section "envelope"):
 *
 * <pre>
 * Offset | Length | Content
 * ------ | ------ | -------
 * 0      | 1      | packet id
 * 1      | 32     | sender's DHT public key
 * 33     | 24     | random nonce
 * 57     | n + 16 | crypto_box(beforenm(receiver pk, sender sk), nonce, plaintext of n bytes)
 * </pre>
 *
 * <p>The overhead is 73 bytes. The receiver's key is not in the packet: the sender must know it.
 * {@link #parse} checks the length the packet id allows (ping 82, nodes request 113, nodes response
 * 83..286) before any crypto is spent on it.
 */
public record DhtEnvelope(DhtPacketKind kind, PublicKey sender, Nonce nonce, byte[] box) {
  /** id + sender key + nonce + MAC = 73. */
  public static final int OVERHEAD = 1 + PublicKey.SIZE + Nonce.SIZE + CryptoBox.MAC_SIZE;

  /** Offset of the box. */
  public static final int BOX_OFFSET = 1 + PublicKey.SIZE + Nonce.SIZE;

  /**
   * Reads and length-checks an envelope; borrows {@code in} and does not move its reader index.
   *
   * @throws ToxProtocolException (one line) if the id is not an enveloped DHT packet or the length
   *     is not one that id allows
   * @param in the whole datagram (borrowed; not released)
   * @return the envelope, box copied out
   */
  public static DhtEnvelope parse(ByteBuf in) {
    int length = in.readableBytes();
    if (length < 1) {
      throw new ToxProtocolException("empty DHT packet");
    }
    int at = in.readerIndex();
    DhtPacketKind kind = DhtPacketKind.ofId(in.getUnsignedByte(at));
    if (kind == null) {
      throw new ToxProtocolException("not a DHT packet id: " + in.getUnsignedByte(at));
    }
    int min;
    int max;
    switch (kind) {
      case PING_REQUEST, PING_RESPONSE -> min = max = OVERHEAD + PingRequest.PLAIN_SIZE;
      case NODES_REQUEST -> min = max = OVERHEAD + NodesRequest.PLAIN_SIZE;
      case NODES_RESPONSE -> {
        min = OVERHEAD + NodesResponse.MIN_PLAIN_SIZE + 1;
        max = OVERHEAD + NodesResponse.MAX_PLAIN_SIZE;
      }
      case DATA_SEARCH_RESPONSE -> {
        min = OVERHEAD + AnnouncePong.MIN_PLAIN_SIZE;
        max = OVERHEAD + AnnouncePong.MAX_PLAIN_SIZE;
      }
      case CRYPTO, LAN_DISCOVERY, BOOTSTRAP_INFO ->
          throw new ToxProtocolException(kind.tag() + " is not an enveloped DHT packet");
      default -> throw new IllegalStateException(kind.toString());
    }
    if (length < min || length > max) {
      throw new ToxProtocolException(
          kind.tag()
              + " of "
              + length
              + " bytes, must be "
              + (min == max ? Integer.toString(min) : min + ".." + max));
    }
    byte[] pk = new byte[PublicKey.SIZE];
    in.getBytes(at + 1, pk);
    byte[] nonce = new byte[Nonce.SIZE];
    in.getBytes(at + 1 + PublicKey.SIZE, nonce);
    byte[] box = new byte[length - BOX_OFFSET];
    in.getBytes(at + BOX_OFFSET, box);
    return new DhtEnvelope(kind, PublicKey.of(pk), Nonce.of(nonce), box);
  }

  /**
   * Opens the box; null if it does not authenticate.
   *
   * @param crypto the box of the calling thread
   * @param key the shared key of us and {@link #sender()}
   * @return the plaintext, or null
   */
  public byte @Nullable [] open(CryptoBox crypto, SharedKey key) {
    return crypto.open(key, nonce, box);
  }

  /**
   * Seals {@code plaintext} into a new packet buffer (the caller owns it).
   *
   * @param crypto the box of the calling thread
   * @param kind the envelope kind (first byte)
   * @param sender our DHT key
   * @param key the shared key of us and the receiver
   * @param nonce a fresh nonce
   * @param plaintext the message's plaintext
   * @return a new heap buffer holding the packet
   */
  public static ByteBuf seal(
      CryptoBox crypto,
      DhtPacketKind kind,
      PublicKey sender,
      SharedKey key,
      Nonce nonce,
      byte[] plaintext) {
    return seal(crypto, kind.id(), sender, key, nonce, plaintext);
  }

  /**
   * As {@link #seal(CryptoBox, DhtPacketKind, PublicKey, SharedKey, Nonce, byte[])} for an id that
   * is no {@link DhtPacketKind} (the announce ping 0x93, which the onion node answers).
   *
   * @param crypto the box of the calling thread
   * @param id the first byte
   * @param sender our DHT key
   * @param key the shared key of us and the receiver
   * @param nonce a fresh nonce
   * @param plaintext the message's plaintext
   * @return a new heap buffer holding the packet
   */
  public static ByteBuf seal(
      CryptoBox crypto, int id, PublicKey sender, SharedKey key, Nonce nonce, byte[] plaintext) {
    byte[] sealed = crypto.seal(key, nonce, plaintext);
    ByteBuf out = Unpooled.buffer(BOX_OFFSET + sealed.length);
    out.writeByte(id);
    sender.writeTo(out);
    nonce.writeTo(out);
    out.writeBytes(sealed);
    return out;
  }
}
