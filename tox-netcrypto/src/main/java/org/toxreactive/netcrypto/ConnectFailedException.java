package org.toxreactive.netcrypto;

import java.util.Objects;

/**
 * {@link NetCryptoNode#connect} failed; {@link #reason()} says why. Failures that no amount of
 * waiting could cure ({@link Reason#NO_PATH}, {@link Reason#INVALID_ARGUMENT}, {@link
 * Reason#DISPOSED}, {@link Reason#IN_PROGRESS}) are signalled at once; the others after the
 * handshake's 8 tries, one a second.
 */
public final class ConnectFailedException extends NetCryptoException {
  private static final long serialVersionUID = 1L;

  /** Why a connect failed. */
  public enum Reason {
    /**
     * The peer answered our cookie request (it is there, under that DHT key) but not our handshake:
     * its acceptor refused us, the acceptor threw, or the real key we gave is not the peer's. Also:
     * the peer killed the connection during the handshake.
     */
    REFUSED,
    /** Nothing answered on any path: no cookie response after 8 tries (wrong DHT key, no peer). */
    UNREACHABLE,
    /**
     * None of the paths can be used: the list is empty, or no transport of the node serves them
     * (e.g. a relay path on a node without a relay pool, or on a disposed transport).
     */
    NO_PATH,
    /** The keys are ours, or not a valid public key. */
    INVALID_ARGUMENT,
    /** A connect to this peer is already being made. */
    IN_PROGRESS,
    /** The node was disposed before the connection was established. */
    DISPOSED
  }

  /** Why the connect failed. */
  private final Reason reason;

  /**
   * @param reason why the connect failed
   * @param message what happened, in one line
   */
  public ConnectFailedException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * @return why the connect failed
   */
  public Reason reason() {
    return reason;
  }
}
