/**
 * The transport SPI net_crypto is written against: a {@link
 * org.toxreactive.core.transport.PacketTransport} exchanges whole packets ({@link
 * org.toxreactive.core.transport.Datagram}) with peers on a {@link
 * org.toxreactive.core.transport.Path} (a UDP address, or a relay and the peer's key on it), and
 * tells its user about paths coming and going ({@link org.toxreactive.core.transport.PathEvent}).
 * Implementations: UDP (tox-transport-udp), a pool of TCP relays (tox-transport-tcp) and the
 * simulated network (tox-test-kit), all checked by the same contract suite. The interface's javadoc
 * lists what every implementation must do.
 */
@NullMarked
package org.toxreactive.core.transport;

import org.jspecify.annotations.NullMarked;
