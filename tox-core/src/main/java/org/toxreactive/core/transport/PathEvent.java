package org.toxreactive.core.transport;

import java.util.Objects;

/**
 * A transport's news about one path: it became usable (a relay routed both sides) or unusable (the
 * relay link closed, the peer left the relay). Net_crypto uses it to stop sending on a dead path at
 * once instead of waiting for its own evidence.
 */
public record PathEvent(Path path, boolean usable, String reason) {
  /**
   * Checks the values.
   *
   * @param path the path
   * @param usable whether it can carry packets now
   * @param reason why it changed
   */
  public PathEvent {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * The path can carry packets.
   *
   * @param path the path
   * @return the event
   */
  public static PathEvent up(Path path) {
    return new PathEvent(path, true, "up");
  }

  /**
   * The path cannot carry packets.
   *
   * @param path the path
   * @param reason why
   * @return the event
   */
  public static PathEvent down(Path path, String reason) {
    return new PathEvent(path, false, reason);
  }
}
