/**
 * Reach a friend by Tox ID: {@link org.toxreactive.friend.ToxId}, the demultiplexer of the shared
 * UDP socket ({@link org.toxreactive.friend.UdpDemux}), friend connections over net_crypto (ALIVE,
 * SHARE_RELAYS, ONLINE, MESSAGE: docs/protocol.md "Friend connections and Messenger") and the
 * reactive {@link org.toxreactive.friend.ToxNode} on top of the DHT and onion clients.
 */
@NullMarked
package org.toxreactive.friend;

import org.jspecify.annotations.NullMarked;
