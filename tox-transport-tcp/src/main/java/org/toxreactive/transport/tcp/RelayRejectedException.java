package org.toxreactive.transport.tcp;

import org.toxreactive.core.ToxProtocolException;

/** The relay refused a request: a routing request answered with rpid 0. */
public final class RelayRejectedException extends ToxProtocolException {
  private static final long serialVersionUID = 1L;

  public RelayRejectedException(String message) {
    super(message);
  }
}
