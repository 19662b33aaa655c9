/**
 * The plaintext packets of the TCP relay protocol (docs/protocol.md 2.4), one immutable record per
 * kind with its byte layout in its javadoc: routing request/response, connect and disconnect
 * notifications, ping/pong, out-of-band send/receive, data, onion request/response and forwarding.
 * {@link org.toxreactive.transport.tcp.packet.RelayPacket#decode} is an exhaustive decode of one
 * packet; {@link org.toxreactive.transport.tcp.packet.RelayPacketHandler} has one method per kind,
 * so a new kind fails to compile where it is not handled. Encoding and decoding borrow the Netty
 * buffer and never release it; decoded payloads are copied into {@code Bytes}. Malformed input is a
 * {@link org.toxreactive.transport.tcp.packet.MalformedRelayPacketException} with a one-line
 * message.
 */
@NullMarked
package org.toxreactive.transport.tcp.packet;

import org.jspecify.annotations.NullMarked;
