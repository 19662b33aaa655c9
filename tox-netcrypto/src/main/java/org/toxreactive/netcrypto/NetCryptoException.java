package org.toxreactive.netcrypto;

import org.toxreactive.core.ToxProtocolException;

/**
 * A net_crypto connection failed or ended abnormally, e.g. the peer went silent past the idle
 * timeout. A {@link NetCryptoNode#connect} that fails errors with the subclass {@link
 * ConnectFailedException}, which says why in {@link ConnectFailedException#reason()}. The message
 * says what happened in one line.
 */
public class NetCryptoException extends ToxProtocolException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what happened, in one line
   */
  public NetCryptoException(String message) {
    super(message);
  }
}
