package org.toxreactive.netcrypto;

import org.toxreactive.core.ToxProtocolException;

/**
 * A net_crypto connection failed or ended abnormally: no cookie response or handshake after 8
 * tries, the peer went silent past the timeout, the peer's acceptor refused us. The message says
 * which.
 */
public final class NetCryptoException extends ToxProtocolException {
  private static final long serialVersionUID = 1L;

  public NetCryptoException(String message) {
    super(message);
  }
}
