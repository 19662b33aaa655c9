/**
 * The Tox DHT node (docs/protocol.md 12), wire-compatible with c-toxcore 0.2.18: {@link
 * org.toxreactive.dht.DhtCore} is the whole node as a sans-I/O state machine on the caller's
 * millisecond clock (close list, tracked friend keys, ping ids, per-source rate limits, NAT ping
 * and bootstrap info replies); {@link org.toxreactive.dht.DhtChannel} runs a core on a bound
 * Reactor Netty UDP channel's event loop, and {@link org.toxreactive.dht.DhtNode} is a stand-alone
 * node on a UDP port of its own. {@link org.toxreactive.dht.DhtStats} and {@link
 * org.toxreactive.dht.DhtMetrics} count packets by kind and every drop by reason. The core is not
 * thread-safe (one event loop drives it); the node and channel are. LAN addresses are answered only
 * to LAN requesters; nothing here broadcasts.
 */
@NullMarked
package org.toxreactive.dht;

import org.jspecify.annotations.NullMarked;
