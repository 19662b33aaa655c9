package org.toxreactive.transport.tcp;

import org.jspecify.annotations.Nullable;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.PublicKey;

/**
 * What a relay tells a client, as published by {@link RelayConnection#events()}. Peers are named by
 * their DHT public key; connection ids are the relay's (16..255) and are local to this link.
 */
public sealed interface RelayEvent {
  /** The relay gave {@code peer} the connection id {@code connectionId} (routing response). */
  record RouteAssigned(PublicKey peer, int connectionId) implements RelayEvent {}

  /** The relay refused to route to {@code peer} (rpid 0: our own key or a full table). */
  record RouteRefused(PublicKey peer) implements RelayEvent {}

  /** Both sides routed to each other; data can flow on {@code connectionId}. */
  record PeerOnline(int connectionId, PublicKey peer) implements RelayEvent {}

  /** The peer left or disconnected; the route stays requested and re-pairs when it returns. */
  record PeerOffline(int connectionId, PublicKey peer) implements RelayEvent {}

  /**
   * Data relayed from {@code peer} on {@code connectionId}. {@code peer} is null if the id is not
   * one of our routes (c-toxcore passes such data up too).
   */
  record DataReceived(int connectionId, @Nullable PublicKey peer, Bytes payload)
      implements RelayEvent {}

  /** An out-of-band packet from {@code sender} (no route needed). */
  record OobReceived(PublicKey sender, Bytes data) implements RelayEvent {}

  /** An onion response (id 9): the inner onion packet, starting with its own id. */
  record OnionResponseReceived(Bytes packet) implements RelayEvent {}

  /** A forwarding packet (id 11) relayed back to us. */
  record ForwardingReceived(Bytes data) implements RelayEvent {}
}
