/**
 * The DHT's packets (docs/protocol.md 12), one immutable record per kind with its byte layout in
 * its javadoc: ping request/response and nodes request/response inside the encrypted {@link
 * org.toxreactive.dht.packet.DhtEnvelope}, the 0x20 {@link
 * org.toxreactive.dht.packet.CryptoRequest} that carries NAT pings between friends, and the 0xF0
 * {@link org.toxreactive.dht.packet.BootstrapInfo}. {@link
 * org.toxreactive.dht.packet.DhtPacketKind} names every first byte the node accepts. Decoding takes
 * a byte array and rejects malformed input with a one-line error; nothing here holds a buffer.
 */
@NullMarked
package org.toxreactive.dht.packet;

import org.jspecify.annotations.NullMarked;
