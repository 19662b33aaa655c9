package org.toxreactive.dht.packet;

import org.toxreactive.core.ToxProtocolException;

/**
 * The answer to an {@link AnnouncePing}, packet 0x94 (a data search response of announce.c;
 * docs/protocol.md 13.8), as the pinging DHT node reads it: only the ping id echoed in its last 8
 * bytes matters (c-toxcore 0.2.20 {@code handle_data_search_response}); the rest (data key, stored
 * flag, token, nodes) is the answering node's business. A {@link DhtEnvelope} around
 *
 * <pre>
 * Offset  | Length | Content
 * ------- | ------ | -------
 * 0       | n - 8  | the search reply (at least the 32-byte data key)
 * n - 8   | 8      | ping id of the announce ping, unchanged
 * </pre>
 *
 * @param pingId the echoed ping id
 */
public record AnnouncePong(long pingId) implements DhtMessage {
  /** Smallest plaintext: a data key and the ping id (c-toxcore's check). */
  public static final int MIN_PLAIN_SIZE = 32 + 8;

  /**
   * Largest plaintext taken: data key, stored flag and hash, token, store flag, count, 4 IPv6
   * nodes, ping id (313 bytes), rounded up.
   */
  public static final int MAX_PLAIN_SIZE = 512;

  @Override
  public DhtPacketKind kind() {
    return DhtPacketKind.DATA_SEARCH_RESPONSE;
  }

  /** Only the ping id (the node never answers its own pings; tests build answers with it). */
  @Override
  public byte[] plaintext() {
    byte[] p = new byte[MIN_PLAIN_SIZE];
    DhtMessage.writeId(p, MIN_PLAIN_SIZE - 8, pingId);
    return p;
  }

  static AnnouncePong decode(byte[] plain) {
    if (plain.length < MIN_PLAIN_SIZE || plain.length > MAX_PLAIN_SIZE) {
      throw new ToxProtocolException(
          "data search response plaintext of "
              + plain.length
              + " bytes, must be "
              + MIN_PLAIN_SIZE
              + ".."
              + MAX_PLAIN_SIZE);
    }
    return new AnnouncePong(DhtMessage.readId(plain, plain.length - 8));
  }
}
