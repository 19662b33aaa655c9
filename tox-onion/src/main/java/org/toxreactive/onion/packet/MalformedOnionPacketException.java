package org.toxreactive.onion.packet;

import org.toxreactive.core.ToxProtocolException;

/**
 * An onion, announce or forwarding packet that breaks its layout: empty, an unknown id, or a length
 * or field its kind does not allow. The message names the packet and the reason, for example {@code
 * "onion data request: length 90, expected 106..1223"}. c-toxcore drops such packets silently, and
 * so should the caller (count them, do not log each).
 */
public final class MalformedOnionPacketException extends ToxProtocolException {
  private static final long serialVersionUID = 1L;

  /**
   * An onion packet that does not decode.
   *
   * @param message what is wrong, one line
   */
  public MalformedOnionPacketException(String message) {
    super(message);
  }
}
