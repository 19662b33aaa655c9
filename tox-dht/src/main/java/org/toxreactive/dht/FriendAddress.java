package org.toxreactive.dht;

import java.util.Objects;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.PublicKey;

/**
 * A tracked DHT key's direct address, as its own node answered us from it (found by the search,
 * pinged, or reached by hole punching; docs/protocol.md section 12.10).
 *
 * @param dhtKey the friend's DHT key
 * @param address where its node answered from
 */
public record FriendAddress(PublicKey dhtKey, IpPort address) {
  /**
   * Checks that neither is null.
   *
   * @param dhtKey the friend's DHT key
   * @param address where its node answered from
   */
  public FriendAddress {
    Objects.requireNonNull(dhtKey, "dhtKey");
    Objects.requireNonNull(address, "address");
  }
}
