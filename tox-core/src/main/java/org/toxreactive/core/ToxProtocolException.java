package org.toxreactive.core;

/**
 * Base of the typed, expected protocol failures (malformed packets, failed decryption, refused
 * handshakes). They are frequent under attack, so they carry no stack trace unless asked to.
 */
public class ToxProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * A stackless exception: cheap to create, for expected failures.
   *
   * @param message what was wrong, in one line
   */
  public ToxProtocolException(String message) {
    super(message, null, false, false);
  }

  /**
   * A stackless exception with a cause.
   *
   * @param message what was wrong, in one line
   * @param cause what caused it
   */
  public ToxProtocolException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
