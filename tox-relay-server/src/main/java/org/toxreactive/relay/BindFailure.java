package org.toxreactive.relay;

/**
 * A socket the relay needs could not be bound: every configured TCP port failed, or the UDP port of
 * the onion/forwarding bridge is taken or not allowed. The message is one line naming the protocol,
 * the address and the reason, e.g. {@code cannot bind UDP 0.0.0.0:33445: Address already in use}.
 */
public final class BindFailure extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message one line: what could not be bound and why
   */
  public BindFailure(String message) {
    super(message);
  }

  /**
   * The innermost message of a bind exception (Reactor Netty wraps the OS's reason).
   *
   * @param e what the bind threw
   * @return e.g. {@code Address already in use}
   */
  public static String reason(Throwable e) {
    String message = String.valueOf(e);
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
    }
    // "bind(..) failed: Address already in use" (NIO) and "bind(..) failed with error(-98):
    // Address already in use" (epoll) -> the reason only
    return message.replaceFirst("^.*failed(?: with error\\(-?\\d+\\))?: ", "").strip();
  }
}
