package org.toxreactive.transport.tcp;

import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.PublicKey;

/**
 * An onion response (relay packet 9) that came back through one relay of a {@link RelayPool}: the
 * answer to an onion request the pool sent there (docs/protocol.md 5).
 *
 * @param relay the relay's key
 * @param packet the inner onion packet, its own id first (0x84 or 0x86; 0x88 from 0.2.19 relays)
 */
public record RelayOnionResponse(PublicKey relay, Bytes packet) {
  /**
   * Checks that nothing is null.
   *
   * @param relay the relay's key
   * @param packet the inner onion packet
   */
  public RelayOnionResponse {
    Objects.requireNonNull(relay, "relay");
    Objects.requireNonNull(packet, "packet");
  }
}
