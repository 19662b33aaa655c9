package org.toxreactive.transport.tcp;

import org.toxreactive.core.ToxProtocolException;

/**
 * A {@link RelayPool} could not send because its link to the relay is not up: the relay is being
 * (re)connected, is a spare that is not connected, or the pool is disposed. Expected and frequent
 * while a relay is away, so stackless; the message names the relay.
 */
public final class RelayLinkDownException extends ToxProtocolException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with this message.
   *
   * @param message what happened, in one line
   */
  public RelayLinkDownException(String message) {
    super(message);
  }
}
