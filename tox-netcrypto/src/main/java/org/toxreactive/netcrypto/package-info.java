/**
 * net_crypto, Tox's encrypted, reliable, multipath connection between two peers (docs/protocol.md
 * 4), over any {@code PacketTransport}s: cookies, handshake, session keys, lossless messages in
 * order with resends, lossy messages, congestion control and the choice between UDP and relay
 * paths. Start a {@link org.toxreactive.netcrypto.NetCryptoNode} with {@link
 * org.toxreactive.netcrypto.NetCrypto#create}, then {@code connect} to peers or accept them; each
 * {@link org.toxreactive.netcrypto.CryptoConnection} offers {@code send}, {@code lossless()},
 * {@code lossy()} and {@code status()} as Reactor streams with backpressure.
 *
 * <p>Threads: all of a node's state lives on one thread; callbacks run on it unless the node is
 * given {@code publishOn(Scheduler)}. Everything public is thread-safe. The node does not own its
 * transports: the caller disposes them.
 */
@NullMarked
package org.toxreactive.netcrypto;

import org.jspecify.annotations.NullMarked;
