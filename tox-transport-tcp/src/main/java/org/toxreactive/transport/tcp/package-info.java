/**
 * The client side of the Tox TCP relay protocol (docs/protocol.md 2 and 3): {@link
 * org.toxreactive.transport.tcp.RelayClient} opens one encrypted link to a relay ({@link
 * org.toxreactive.transport.tcp.RelayConnection}: routing requests, data, out-of-band packets,
 * onion packets as {@link org.toxreactive.transport.tcp.RelayEvent}s), and {@link
 * org.toxreactive.transport.tcp.RelayPool} keeps links to several relays and offers them to
 * net_crypto as one {@code PacketTransport}, with failover. Also the handshake and the encrypted
 * framing both client and server use ({@link org.toxreactive.transport.tcp.ClientHandshake}, {@link
 * org.toxreactive.transport.tcp.ServerHandshake}, {@link
 * org.toxreactive.transport.tcp.SecureSession}), on Reactor Netty; the packets themselves are in
 * {@code org.toxreactive.transport.tcp.packet}. Clients, links and pools are thread-safe and owned
 * by whoever created them ({@code dispose()} / {@code disposeNow(Duration)}).
 */
@NullMarked
package org.toxreactive.transport.tcp;

import org.jspecify.annotations.NullMarked;
