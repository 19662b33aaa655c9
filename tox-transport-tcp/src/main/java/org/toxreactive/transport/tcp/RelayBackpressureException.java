package org.toxreactive.transport.tcp;

import org.toxreactive.core.ToxProtocolException;

/**
 * A non-priority packet (relayed data, OOB, onion, forwarding) was dropped because the link's
 * outbound buffer is full, as c-toxcore does. Control packets are never dropped.
 */
public final class RelayBackpressureException extends ToxProtocolException {
  private static final long serialVersionUID = 1L;
  static final RelayBackpressureException INSTANCE = new RelayBackpressureException();

  private RelayBackpressureException() {
    super("relay link is backed up: non-priority packet dropped");
  }
}
