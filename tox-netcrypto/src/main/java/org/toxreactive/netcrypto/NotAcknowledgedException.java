package org.toxreactive.netcrypto;

import org.jspecify.annotations.Nullable;

/**
 * A {@link CryptoConnection#acknowledged(long)} that cannot complete: the connection ended (the
 * peer's kill, {@link CryptoConnection#dispose()}, the node disposed, the idle timeout) before the
 * peer acknowledged the message it waited for. The message (one line) names the message, how many
 * the peer did acknowledge and why the connection ended; {@link #failure()} is the connection's own
 * error when it failed (e.g. the {@link NetCryptoException} of the idle timeout).
 */
public final class NotAcknowledgedException extends NetCryptoException {
  private static final long serialVersionUID = 1L;

  /** The lossless message count waited for. */
  private final long awaited;

  /** How many lossless messages the peer had acknowledged. */
  private final long acknowledged;

  /** The connection's error, or null if it ended normally. */
  private final @Nullable Throwable failure;

  NotAcknowledgedException(long awaited, long acknowledged, @Nullable Throwable failure) {
    super(
        "connection ended before the peer acknowledged lossless message "
            + awaited
            + " (it acknowledged "
            + acknowledged
            + "): "
            + (failure == null ? "connection closed" : failure.getMessage()));
    this.awaited = awaited;
    this.acknowledged = acknowledged;
    this.failure = failure;
  }

  /**
   * @return the count that was waited for: the lossless message numbered {@code awaited} on the
   *     connection, counting from 1
   */
  public long awaited() {
    return awaited;
  }

  /**
   * @return how many lossless messages the peer had acknowledged when the connection ended
   */
  public long acknowledged() {
    return acknowledged;
  }

  /**
   * @return why the connection failed, or null if it ended normally (a kill, dispose)
   */
  public @Nullable Throwable failure() {
    return failure;
  }
}
