package org.toxreactive.dht.packet;

import org.toxreactive.core.PublicKey;

/**
 * The announce ping, packet 0x93 (a data search request of announce.c, c-toxcore 0.2.20 DHT.c
 * {@code send_announce_ping}; docs/protocol.md 13.8): a DHT node sends it to each node it adds to
 * its close list, searching a random key, and gives out in its own 0x94 answers only the nodes that
 * answered it ({@link AnnouncePong}). 113 bytes: a {@link DhtEnvelope} with id 0x93 around
 *
 * <pre>
 * Offset | Length | Content
 * ------ | ------ | -------
 * 0      | 32     | a random key (the data key searched; nobody stores it)
 * 32     | 8      | ping id, echoed at the end of the answer
 * </pre>
 *
 * <p>0x93 is no {@link DhtPacketKind}: the 0x93 requests of other nodes go to the onion node.
 *
 * @param key the random key searched
 * @param pingId the ping id
 */
public record AnnouncePing(PublicKey key, long pingId) {
  /** The packet id. */
  public static final int ID = 0x93;

  /** Plaintext size: key and ping id. */
  public static final int PLAIN_SIZE = PublicKey.SIZE + 8;

  /**
   * The plaintext bytes that go into the box.
   *
   * @return a new 40-byte array
   */
  public byte[] plaintext() {
    byte[] p = new byte[PLAIN_SIZE];
    System.arraycopy(key.toArray(), 0, p, 0, PublicKey.SIZE);
    DhtMessage.writeId(p, PublicKey.SIZE, pingId);
    return p;
  }
}
