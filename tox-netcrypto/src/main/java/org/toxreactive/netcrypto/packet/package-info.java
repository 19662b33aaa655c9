/**
 * net_crypto's packet bookkeeping as small, pure data structures, no I/O and not thread-safe (each
 * is used on its node's thread): {@link org.toxreactive.netcrypto.packet.PacketRing} (the send and
 * receive arrays indexed by u32 packet numbers, docs/protocol.md 4.9), {@link
 * org.toxreactive.netcrypto.packet.PacketRequest} (the packet-request encoding, 4.10) and {@link
 * org.toxreactive.netcrypto.packet.NonceWindow} (the 2-byte nonce expansion, 4.8). Public for the
 * property tests and benchmarks; applications never need them.
 */
@NullMarked
package org.toxreactive.netcrypto.packet;

import org.jspecify.annotations.NullMarked;
