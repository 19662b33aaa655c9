/**
 * The onion and forwarding packets (docs/protocol.md 13), one immutable record per kind with its
 * byte layout in its javadoc: the three send layers and their return blocks (0x80-0x82, 0x8C-0x8E),
 * announce requests and responses (0x83/0x84, 0x87/0x88), data requests and responses (0x85/0x86),
 * the DHT-announce packets of group chats and forwarding (0x90-0x92). {@link
 * org.toxreactive.onion.packet.OnionPacketKind} names every first byte; {@link
 * org.toxreactive.onion.packet.OnionSizes} holds the size limits. Decoding rejects malformed input
 * with a one-line {@link org.toxreactive.onion.packet.MalformedOnionPacketException}; nothing here
 * holds a buffer.
 */
@NullMarked
package org.toxreactive.onion.packet;

import org.jspecify.annotations.NullMarked;
