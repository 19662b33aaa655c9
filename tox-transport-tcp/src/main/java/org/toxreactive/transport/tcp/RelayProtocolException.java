package org.toxreactive.transport.tcp;

import org.toxreactive.core.ToxProtocolException;

/**
 * The other end of a relay link broke a rule that ends the link (docs/protocol.md 2.5, 2.6): a
 * frame that fails to decrypt or is longer than 2048, a malformed or forbidden packet, a missing
 * pong. The message names the rule.
 */
public final class RelayProtocolException extends ToxProtocolException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with this message.
   *
   * @param message what was wrong, in one line
   */
  public RelayProtocolException(String message) {
    super(message);
  }

  /**
   * An exception with this message and cause.
   *
   * @param message what was wrong, in one line
   * @param cause what caused it
   */
  public RelayProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
