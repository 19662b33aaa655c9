package org.toxreactive.transport.tcp;

import org.toxreactive.core.ToxProtocolException;

/**
 * The relay handshake failed: the peer's half did not decrypt (wrong relay key, wrong client key,
 * corrupted bytes), was the wrong size, or did not arrive in time.
 */
public final class HandshakeException extends ToxProtocolException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with this message.
   *
   * @param message what went wrong, in one line
   */
  public HandshakeException(String message) {
    super(message);
  }
}
