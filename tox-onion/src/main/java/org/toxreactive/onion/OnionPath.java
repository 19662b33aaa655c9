package org.toxreactive.onion;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.onion.packet.AnnouncePlain;
import org.toxreactive.onion.packet.AnnounceReply;
import org.toxreactive.onion.packet.AnnounceRequest;
import org.toxreactive.onion.packet.AnnounceResponse;
import org.toxreactive.onion.packet.OnionDataRequest;
import org.toxreactive.onion.packet.OnionLayer;
import org.toxreactive.onion.packet.OnionPacketKind;
import org.toxreactive.onion.packet.OnionSendInitial;
import org.toxreactive.onion.packet.OnionSizes;

/**
 * The client side of an onion path (docs/protocol.md 13.2): three nodes, our DHT key pair for layer
 * 1 and fresh key pairs for layers 2 and 3, as c-toxcore's {@code create_onion_path}; wraps inner
 * requests in the three layers ({@code create_onion_packet}). Also builds announce and data
 * requests and opens announce responses. For tests and the onion client (issue 13).
 *
 * <pre>{@code
 * OnionPath path = OnionPath.create(dhtKeys, node1, node2, node3);
 * byte[] inner = OnionPath.announceRequest(realKeys, destKey, AnnouncePlain(...), false);
 * byte[] udp = path.wrap(destination, inner);   // send to path.first().ipPort()
 * }</pre>
 */
public final class OnionPath {
  private final PackedNode[] nodes;
  private final PublicKey[] senders = new PublicKey[3];
  private final SharedKey[] keys = new SharedKey[3];
  private final CryptoBox box = new CryptoBox();

  private OnionPath(
      KeyPair self, KeyPair layer2, KeyPair layer3, PackedNode n1, PackedNode n2, PackedNode n3) {
    nodes = new PackedNode[] {n1, n2, n3};
    KeyPair[] pairs = {self, layer2, layer3};
    for (int i = 0; i < 3; i++) {
      senders[i] = pairs[i].publicKey();
      keys[i] = CryptoBox.beforenm(nodes[i].key(), pairs[i].secretKey());
    }
  }

  /**
   * A path through three nodes; {@code self} is our DHT key pair (layer 1's sender).
   *
   * @param self our DHT key pair
   * @param n1 node 1
   * @param n2 node 2
   * @param n3 node 3
   * @return the path, with fresh keys for layers 2 and 3
   */
  public static OnionPath create(KeyPair self, PackedNode n1, PackedNode n2, PackedNode n3) {
    return create(self, KeyPair.generate(), KeyPair.generate(), n1, n2, n3);
  }

  /**
   * As {@link #create(KeyPair, PackedNode, PackedNode, PackedNode)} with given layer keys.
   *
   * @param self our DHT key pair
   * @param layer2 the key pair of layer 2
   * @param layer3 the key pair of layer 3
   * @param n1 node 1
   * @param n2 node 2
   * @param n3 node 3
   * @return the path
   */
  public static OnionPath create(
      KeyPair self, KeyPair layer2, KeyPair layer3, PackedNode n1, PackedNode n2, PackedNode n3) {
    return new OnionPath(
        Objects.requireNonNull(self),
        Objects.requireNonNull(layer2),
        Objects.requireNonNull(layer3),
        Objects.requireNonNull(n1),
        Objects.requireNonNull(n2),
        Objects.requireNonNull(n3));
  }

  /**
   * Node 1, where the wrapped packet goes.
   *
   * @return node 1
   */
  public PackedNode first() {
    return nodes[0];
  }

  /**
   * {@link #wrap} with a random nonce.
   *
   * @param destination where node 3 sends {@code inner}
   * @param inner the request
   * @return the 0x80 datagram for node 1
   */
  public byte[] wrap(IpPort destination, byte[] inner) {
    return wrap(Nonce.random(), destination, inner);
  }

  /**
   * The 0x80 packet for node 1 carrying {@code inner} (at most {@link OnionSizes#MAX_DATA_SIZE}
   * bytes) to {@code destination}.
   *
   * @param nonce the nonce of all three layers
   * @param destination where node 3 sends {@code inner}
   * @param inner the request
   * @return the 0x80 datagram for node 1
   */
  public byte[] wrap(Nonce nonce, IpPort destination, byte[] inner) {
    if (inner.length > OnionSizes.MAX_DATA_SIZE || inner.length == 0) {
      throw new IllegalArgumentException(
          "inner request must be 1.." + OnionSizes.MAX_DATA_SIZE + " bytes, got " + inner.length);
    }
    byte[] layer3 = new OnionLayer(destination, Bytes.of(inner)).encode();
    byte[] box3 = box.seal(keys[2], nonce, layer3);
    byte[] layer2 = layer(nodes[2].ipPort(), senders[2], box3);
    byte[] box2 = box.seal(keys[1], nonce, layer2);
    byte[] layer1 = layer(nodes[1].ipPort(), senders[1], box2);
    byte[] box1 = box.seal(keys[0], nonce, layer1);
    return encode(new OnionSendInitial(nonce, senders[0], Bytes.adopt(box1)));
  }

  /**
   * The hop-1 plaintext of TCP packet 8 (docs/protocol.md 5): what node 1 would open from {@link
   * #wrap}, for a client whose node 1 is its relay ({@code nodes[0]} is then unused).
   *
   * @param nonce the nonce of the layers
   * @param destination where node 3 sends {@code inner}
   * @param inner the request
   * @return the plaintext of TCP packet 8
   */
  public byte[] wrapForRelay(Nonce nonce, IpPort destination, byte[] inner) {
    byte[] layer3 = new OnionLayer(destination, Bytes.of(inner)).encode();
    byte[] box3 = box.seal(keys[2], nonce, layer3);
    byte[] layer2 = layer(nodes[2].ipPort(), senders[2], box3);
    byte[] box2 = box.seal(keys[1], nonce, layer2);
    return layer(nodes[1].ipPort(), senders[1], box2);
  }

  private static byte[] layer(IpPort next, PublicKey sender, byte[] sealed) {
    byte[] rest = new byte[PublicKey.SIZE + sealed.length];
    sender.copyTo(rest, 0);
    System.arraycopy(sealed, 0, rest, PublicKey.SIZE, sealed.length);
    return new OnionLayer(next, Bytes.adopt(rest)).encode();
  }

  /**
   * An announce request (0x83, or 0x87 when {@code extended}) from {@code sender} to the node with
   * DHT key {@code destination}.
   *
   * @param sender our real key pair (the request is sealed with it)
   * @param destination the DHT key of the node asked
   * @param plain the announce fields
   * @param extended true for 0x87, false for 0x83
   * @return the announce request, to be wrapped
   */
  public static byte[] announceRequest(
      KeyPair sender, PublicKey destination, AnnouncePlain plain, boolean extended) {
    return announceRequest(Nonce.random(), sender, destination, plain, extended);
  }

  /**
   * As {@link #announceRequest(KeyPair, PublicKey, AnnouncePlain, boolean)} with a nonce.
   *
   * @param nonce the nonce
   * @param sender our real key pair
   * @param destination the DHT key of the node asked
   * @param plain the announce fields
   * @param extended true for 0x87, false for 0x83
   * @return the announce request, to be wrapped
   */
  public static byte[] announceRequest(
      Nonce nonce, KeyPair sender, PublicKey destination, AnnouncePlain plain, boolean extended) {
    SharedKey k = CryptoBox.beforenm(destination, sender.secretKey());
    byte[] sealed = new CryptoBox().seal(k, nonce, plain.encode());
    OnionPacketKind kind =
        extended ? OnionPacketKind.ANNOUNCE_REQUEST : OnionPacketKind.ANNOUNCE_REQUEST_OLD;
    return encode(new AnnounceRequest(kind, nonce, sender.publicKey(), Bytes.adopt(sealed)));
  }

  /**
   * Opens an announce response (0x84 or 0x88) to a request {@code sender} sent to {@code
   * destination}; null if it does not open.
   *
   * @param sender the key pair the request was sealed with
   * @param destination the DHT key of the node that answered
   * @param response the response
   * @return the reply, or null
   */
  public static @Nullable AnnounceReply openAnnounceResponse(
      KeyPair sender, PublicKey destination, AnnounceResponse response) {
    SharedKey k = CryptoBox.beforenm(destination, sender.secretKey());
    byte[] plain = new CryptoBox().open(k, response.nonce(), response.encrypted().toArray());
    if (plain == null) {
      return null;
    }
    return AnnounceReply.decode(plain, response.kind() == OnionPacketKind.ANNOUNCE_RESPONSE);
  }

  /**
   * An onion data request (0x85) for {@code destination} (an announced real key), sealed for its
   * data key {@code recipientDataKey} from a one-time key.
   *
   * @param destination the announced real key
   * @param recipientDataKey its data public key
   * @param data the payload
   * @return the 0x85 request, to be wrapped
   */
  public static byte[] dataRequest(PublicKey destination, PublicKey recipientDataKey, byte[] data) {
    return dataRequest(Nonce.random(), destination, recipientDataKey, data);
  }

  /**
   * As {@link #dataRequest(PublicKey, PublicKey, byte[])} with a given nonce: c-toxcore's {@code
   * send_onion_data} seals the inner box (real key to real key) with the same nonce as this outer
   * one (docs/protocol.md 13.10).
   *
   * @param nonce the nonce of the outer box
   * @param destination the announced real key
   * @param recipientDataKey its data key
   * @param data the box content
   * @return the 0x85 packet
   */
  public static byte[] dataRequest(
      Nonce nonce, PublicKey destination, PublicKey recipientDataKey, byte[] data) {
    KeyPair oneTime = KeyPair.generate();
    SharedKey k = CryptoBox.beforenm(recipientDataKey, oneTime.secretKey());
    byte[] sealed = new CryptoBox().seal(k, nonce, data);
    return encode(
        new OnionDataRequest(destination, nonce, oneTime.publicKey(), Bytes.adopt(sealed)));
  }

  private static byte[] encode(org.toxreactive.onion.packet.OnionPacket p) {
    ByteBuf out = Unpooled.buffer(p.encodedLength());
    try {
      p.encode(out);
      byte[] a = new byte[out.readableBytes()];
      out.readBytes(a);
      return a;
    } finally {
      out.release();
    }
  }
}
