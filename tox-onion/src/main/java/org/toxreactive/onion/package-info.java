/**
 * The onion node of a Tox DHT node (docs/protocol.md 13), wire-compatible with c-toxcore 0.2.18 to
 * 0.2.20: {@link org.toxreactive.onion.OnionNode} relays the three onion layers and their
 * responses, keeps the announce store (friends' and group chats' announces) and the data route, and
 * forwards 0x90-0x92 packets, as a sans-I/O state machine on the caller's millisecond clock; the
 * relay server runs it on its UDP port and for its TCP clients. {@link
 * org.toxreactive.onion.OnionPath} is the client side (building a three-hop path, wrapping and
 * opening requests), used by tests and the onion client. Not thread-safe: one event loop drives a
 * node. The packets are in {@code org.toxreactive.onion.packet}.
 */
@NullMarked
package org.toxreactive.onion;

import org.jspecify.annotations.NullMarked;
