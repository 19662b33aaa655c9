package org.toxreactive.transport.tcp;

import java.util.Objects;
import org.toxreactive.core.PublicKey;

/**
 * A route a {@link RelayPool} keeps to one peer on one relay, as {@link RelayPool#routes} sees it
 * now.
 *
 * @param relay the relay's long-term key
 * @param state how far the route has come
 */
public record PeerRoute(PublicKey relay, State state) {
  /** The life of a route (docs/protocol.md section 3: NONE, REGISTERED, ONLINE, plus sleeping). */
  public enum State {
    /** Wanted, but the relay has not assigned a connection id on the current link (or is down). */
    REQUESTED,
    /** The relay assigned a connection id; the peer has not routed to us there (yet). */
    REGISTERED,
    /** Both sides routed: data to the peer goes as routed data on this relay. */
    ONLINE,
    /** Given up for now by {@link RelayPool#sleep}; restored by {@link RelayPool#wake}. */
    SLEEPING
  }

  /**
   * Checks the values.
   *
   * @param relay the relay's key
   * @param state the route's state
   */
  public PeerRoute {
    Objects.requireNonNull(relay, "relay");
    Objects.requireNonNull(state, "state");
  }
}
