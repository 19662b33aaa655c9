package org.toxreactive.dht.packet;

import org.toxreactive.core.ToxProtocolException;

/**
 * The plaintext inside a {@link DhtEnvelope}: one record per enveloped packet. Ping ids are opaque
 * 8-byte values the peer echoes (c-toxcore copies a host-order {@code uint64_t}); they are held as
 * a {@code long} read little-endian, so the bytes round-trip unchanged.
 */
public sealed interface DhtMessage permits PingRequest, PingResponse, NodesRequest, NodesResponse {
  DhtPacketKind kind();

  /** The plaintext bytes that go into the box. */
  byte[] plaintext();

  /** The ping id echoed in the answer. */
  long pingId();

  /**
   * Decodes the plaintext of an opened envelope of {@code kind}.
   *
   * @throws ToxProtocolException (one line) if it is malformed
   */
  static DhtMessage decode(DhtPacketKind kind, byte[] plain) {
    return switch (kind) {
      case PING_REQUEST -> PingRequest.decode(plain);
      case PING_RESPONSE -> PingResponse.decode(plain);
      case NODES_REQUEST -> NodesRequest.decode(plain);
      case NODES_RESPONSE -> NodesResponse.decode(plain);
      case CRYPTO, LAN_DISCOVERY, BOOTSTRAP_INFO ->
          throw new ToxProtocolException(kind.tag() + " has no enveloped plaintext");
    };
  }

  static long readId(byte[] b, int at) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[at + i] & 0xFF);
    }
    return v;
  }

  static void writeId(byte[] b, int at, long id) {
    for (int i = 0; i < 8; i++) {
      b[at + i] = (byte) (id >>> (8 * i));
    }
  }
}
