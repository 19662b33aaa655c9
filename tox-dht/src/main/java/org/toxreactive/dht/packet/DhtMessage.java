package org.toxreactive.dht.packet;

import org.toxreactive.core.ToxProtocolException;

/**
 * The plaintext inside a {@link DhtEnvelope}: one record per enveloped packet. Ping ids are opaque
 * 8-byte values the peer echoes (c-toxcore copies a host-order {@code uint64_t}); they are held as
 * a {@code long} read little-endian, so the bytes round-trip unchanged.
 */
public sealed interface DhtMessage
    permits PingRequest, PingResponse, NodesRequest, NodesResponse, AnnouncePong {
  /**
   * The packet kind this message travels as (its envelope's first byte).
   *
   * @return one of the five envelope kinds
   */
  DhtPacketKind kind();

  /**
   * The plaintext bytes that go into the box.
   *
   * @return a new array, encoded as the wire layout of the kind says
   */
  byte[] plaintext();

  /**
   * The ping id echoed in the answer.
   *
   * @return the 8-byte ping id, as a {@code long}
   */
  long pingId();

  /**
   * Decodes the plaintext of an opened envelope of {@code kind}.
   *
   * @throws ToxProtocolException (one line) if it is malformed
   * @param kind the envelope's kind
   * @param plain the opened plaintext
   * @return the message
   */
  static DhtMessage decode(DhtPacketKind kind, byte[] plain) {
    return switch (kind) {
      case PING_REQUEST -> PingRequest.decode(plain);
      case PING_RESPONSE -> PingResponse.decode(plain);
      case NODES_REQUEST -> NodesRequest.decode(plain);
      case NODES_RESPONSE -> NodesResponse.decode(plain);
      case DATA_SEARCH_RESPONSE -> AnnouncePong.decode(plain);
      case CRYPTO, LAN_DISCOVERY, BOOTSTRAP_INFO ->
          throw new ToxProtocolException(kind.tag() + " has no enveloped plaintext");
    };
  }

  /**
   * Reads an 8-byte ping id, little-endian, so the bytes round-trip unchanged.
   *
   * @param b the plaintext
   * @param at offset of the id
   * @return the id
   */
  static long readId(byte[] b, int at) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[at + i] & 0xFF);
    }
    return v;
  }

  /**
   * Writes an 8-byte ping id as {@link #readId} reads it.
   *
   * @param b the plaintext being built
   * @param at offset of the id
   * @param id the id
   */
  static void writeId(byte[] b, int at, long id) {
    for (int i = 0; i < 8; i++) {
      b[at + i] = (byte) (id >>> (8 * i));
    }
  }
}
