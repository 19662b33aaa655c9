package org.toxreactive.transport.tcp;

import org.toxreactive.core.ToxProtocolException;

/** The relay refused a request: a routing request answered with rpid 0. */
public final class RelayRejectedException extends ToxProtocolException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with this message.
   *
   * @param message what the relay refused, in one line
   */
  public RelayRejectedException(String message) {
    super(message);
  }
}
