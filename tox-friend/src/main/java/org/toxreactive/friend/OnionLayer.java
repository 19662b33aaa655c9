package org.toxreactive.friend;

import java.util.List;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * What the friend layer needs of the onion client: announcing us with our relays, looking friends
 * up (their DHT key and relays), and friend requests both ways. Implemented over {@code
 * org.toxreactive.onion.OnionClient} by an adapter, and by fakes in tests.
 */
interface OnionLayer extends Disposable {
  /**
   * A friend's DHT-PK announcement: its current DHT key and the nodes (relays, DHT nodes) it named.
   */
  record DhtPk(PublicKey friend, PublicKey dhtKey, List<PackedNode> nodes) {}

  /** A friend request that reached us through the onion: sender, nospam it carried, message. */
  record Request(PublicKey from, int nospam, Bytes message) {}

  /** The TCP relays our DHT-PK announcements name. */
  void announceRelays(List<PackedNode> relays);

  /** Looks a friend up until disposed. */
  Disposable lookup(PublicKey friendRealKey);

  /** Friends' DHT-PK announcements, hot. */
  Flux<DhtPk> dhtPks();

  /**
   * Sends a friend request through the onion, again and again (the client's timing) until disposed.
   */
  Disposable sendFriendRequest(PublicKey friend, int nospam, Bytes message);

  /** A friend's connection came up or went down (no lookups while it is up; its request ends). */
  void friendOnline(PublicKey friend, boolean online);

  /** Lets a new request from {@code from} through (after ours was refused). */
  void forgetFriendRequest(PublicKey from);

  /** A node to build paths through and announce to (bootstrap nodes). */
  void addBootstrapNode(PackedNode node);

  /** Friend requests to us, hot. */
  Flux<Request> friendRequests();

  /** A DHT-PK packet that came by the DHT route. */
  void onDhtPkPacket(PublicKey from, Bytes payload);

  /** Whether our announce was accepted. */
  boolean announced();
}
