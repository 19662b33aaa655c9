package org.toxreactive.onion;

import java.util.Objects;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.PublicKey;

/**
 * A friend request that reached us through the onion (docs/protocol.md 13.10).
 *
 * @param from the requester's real (long-term) key: its Tox ID without nospam and checksum
 * @param nospam the nospam the requester used, Tox ID bytes 32..35 read big-endian
 * @param message the request message as sent (UTF-8 by convention), 1..1016 bytes
 */
public record FriendRequest(PublicKey from, int nospam, Bytes message) {
  /**
   * Checks that nothing is null.
   *
   * @param from the requester's real key
   * @param nospam the nospam used
   * @param message the message
   */
  public FriendRequest {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(message, "message");
  }

  /**
   * The message decoded as UTF-8 (malformed sequences replaced).
   *
   * @return the text
   */
  public String text() {
    return message.toUtf8();
  }
}
