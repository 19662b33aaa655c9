/**
 * A deployable Tox TCP relay: {@link org.toxreactive.relay.RelayRouter} holds every rule of the
 * relay protocol (routing, connect notifications, out-of-band, pings, kills) as a pure state
 * machine tested without sockets; {@link org.toxreactive.relay.RelayServer} binds it with the
 * handshake, limits ({@link org.toxreactive.relay.RelayLimits}), backpressure and metrics on
 * Reactor Netty, plus the DHT and onion node on the relay's UDP port. {@code
 * RelayServer.create()...bindNow()} returns a {@link org.toxreactive.relay.RunningRelay}, owned by
 * the caller: {@code dispose()} starts its shutdown, {@code onDispose()} completes when it has
 * stopped, {@code disposeNow(Duration)} waits. The router runs on one thread of its own; the public
 * types are thread-safe.
 */
@NullMarked
package org.toxreactive.relay;

import org.jspecify.annotations.NullMarked;
