package org.toxreactive.transport.tcp.packet;

import org.toxreactive.core.ToxProtocolException;

/**
 * A relay plaintext packet that breaks its layout: empty, too long, a reserved id, or a length or
 * field its kind does not allow. The message names the packet and the reason, for example {@code
 * "ping: length 8, expected 9"}. Stackless, like every {@link ToxProtocolException}; c-toxcore
 * kills the connection on these, and so should the caller.
 */
public final class MalformedRelayPacketException extends ToxProtocolException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with this message.
   *
   * @param message what was wrong, in one line
   */
  public MalformedRelayPacketException(String message) {
    super(message);
  }

  /**
   * An exception with this message and cause.
   *
   * @param message what was wrong, in one line
   * @param cause what caused it
   */
  public MalformedRelayPacketException(String message, Throwable cause) {
    super(message, cause);
  }
}
