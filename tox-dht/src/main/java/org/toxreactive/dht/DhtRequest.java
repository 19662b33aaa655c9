package org.toxreactive.dht;

import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.PublicKey;

/**
 * A DHT request (packet 0x20) addressed to us, opened (docs/protocol.md section 12.5). NAT pings
 * (request id 254) are answered by the DHT itself and never appear here.
 *
 * @param sender the sender's DHT key, as in the packet (the box authenticates it)
 * @param kind the request id, the first plaintext byte: 156 is a DHT-PK announcement ({@link
 *     #DHTPK}); c-toxcore 0.2.18 handles no other id here
 * @param payload the plaintext after the request id
 * @param source the address it came from: usually a node routing it, not the sender
 */
public record DhtRequest(PublicKey sender, int kind, Bytes payload, IpPort source) {
  /** The request id of a DHT-PK announcement. */
  public static final int DHTPK = 156;

  /**
   * Checks the values.
   *
   * @param sender the sender's DHT key
   * @param kind the request id, 0..255
   * @param payload the plaintext after the request id
   * @param source where it came from
   */
  public DhtRequest {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(source, "source");
    if (kind < 0 || kind > 255) {
      throw new IllegalArgumentException("kind must be 0..255, got " + kind);
    }
  }
}
