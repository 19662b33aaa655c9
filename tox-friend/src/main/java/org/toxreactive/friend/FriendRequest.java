package org.toxreactive.friend;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.toxreactive.core.PublicKey;

/**
 * A friend request someone sent to our Tox ID (through the onion), as {@link
 * ToxNode#friendRequests()} emits it: answer it with {@link #accept()} or {@link #refuse()}.
 * Requests whose nospam is not ours are never shown; the same sender is shown again only after its
 * request was refused.
 */
public final class FriendRequest {
  private final ToxNode node;
  private final PublicKey from;
  private final String message;
  private final AtomicBoolean answered = new AtomicBoolean();

  FriendRequest(ToxNode node, PublicKey from, String message) {
    this.node = node;
    this.from = Objects.requireNonNull(from);
    this.message = Objects.requireNonNull(message);
  }

  /**
   * The sender's long-term public key.
   *
   * @return the key
   */
  public PublicKey from() {
    return from;
  }

  /**
   * The request's message (UTF-8, bad bytes replaced).
   *
   * @return the text
   */
  public String message() {
    return message;
  }

  /**
   * Accepts: the sender becomes a friend (c-toxcore's {@code tox_friend_add_norequest}) and the
   * node connects to it.
   *
   * @return the new friend (the existing one if it was added meanwhile)
   */
  public Friend accept() {
    answered.set(true);
    node.requestAnswered(from);
    return node.addFriendNoRequest(from);
  }

  /** Refuses: nothing is sent; a later request of the same sender is shown again. */
  public void refuse() {
    if (answered.compareAndSet(false, true)) {
      node.requestAnswered(from);
    }
  }

  @Override
  public String toString() {
    return "FriendRequest[from=" + from.toHex().substring(0, 8) + "]";
  }
}
