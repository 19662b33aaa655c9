package org.toxreactive.dht.packet;

import java.util.Arrays;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.ToxProtocolException;

/**
 * Nodes request ("get nodes"), packet 0x02 (c-toxcore DHT.c {@code dht_getnodes}). 113 bytes: a
 * {@link DhtEnvelope} around
 *
 * <pre>
 * Offset | Length | Content
 * ------ | ------ | -------
 * 0      | 32     | the public key searched for
 * 32     | 8      | ping id (opaque, echoed at the end of the 0x04 response)
 * </pre>
 */
public record NodesRequest(PublicKey target, long pingId) implements DhtMessage {
  /** Plaintext: key + ping id = 40. */
  public static final int PLAIN_SIZE = PublicKey.SIZE + 8;

  /** Whole packet: 73 + 40 = 113. */
  public static final int PACKET_SIZE = DhtEnvelope.OVERHEAD + PLAIN_SIZE;

  @Override
  public DhtPacketKind kind() {
    return DhtPacketKind.NODES_REQUEST;
  }

  @Override
  public byte[] plaintext() {
    byte[] p = new byte[PLAIN_SIZE];
    target.copyTo(p, 0);
    DhtMessage.writeId(p, PublicKey.SIZE, pingId);
    return p;
  }

  static NodesRequest decode(byte[] plain) {
    if (plain.length != PLAIN_SIZE) {
      throw new ToxProtocolException(
          "nodes_request plaintext of " + plain.length + " bytes, must be " + PLAIN_SIZE);
    }
    return new NodesRequest(
        PublicKey.of(Arrays.copyOf(plain, PublicKey.SIZE)),
        DhtMessage.readId(plain, PublicKey.SIZE));
  }
}
