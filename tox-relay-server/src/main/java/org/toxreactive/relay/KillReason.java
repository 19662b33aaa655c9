package org.toxreactive.relay;

/**
 * Why the relay ended a client's link (docs/protocol.md 2.5). Used as a metrics tag and in logs.
 */
public enum KillReason {
  /** Data for a connection id the client holds no route on. */
  UNKNOWN_CONNECTION_ID,
  /** A disconnect notification for an id that is not in use (or below 16). */
  BAD_DISCONNECT,
  /** A packet only relays send (ids 1, 7, 9, 11), or a forward request while forwarding is off. */
  FORBIDDEN_PACKET,
  /** A frame that failed to decrypt, was longer than 2048, or a malformed packet. */
  PROTOCOL_ERROR,
  /** A pong with ping id 0. */
  ZERO_PONG,
  /** No pong within 10 s of our ping. */
  PING_TIMEOUT,
  /** A newer connection with the same public key was confirmed. */
  DUPLICATE_KEY,
  /** The handshake did not complete, or the link was not confirmed, in time. */
  HANDSHAKE_TIMEOUT,
  /**
   * The client's unread outbound backlog (control packets included) passed {@link
   * RelayLimits#maxBacklogBytes()}: it keeps sending requests and does not read the answers.
   */
  QUEUE_OVERFLOW,
  /**
   * Unconfirmed, and replaced by a newer connection from the same source prefix, which already held
   * its share ({@link RelayLimits#maxUnconfirmedPerPrefix()}) of the unconfirmed pool.
   */
  EVICTED_PREFIX_SHARE,
  /**
   * Unconfirmed, the oldest of the most crowded source prefix, replaced by a newcomer while the
   * unconfirmed pool ({@link RelayLimits#maxUnconfirmed()}) was full.
   */
  EVICTED_POOL_FULL,
  /** The server is shutting down. */
  SHUTDOWN
}
