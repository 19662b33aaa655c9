/**
 * The direct path: {@link org.toxreactive.transport.udp.UdpTransport}, a {@code PacketTransport} on
 * one UDP socket (Reactor Netty), with a bounded inbound queue that drops and counts when its
 * subscriber is slow, and a per-source limit on cookie requests. Create it with {@code
 * UdpTransport.create()}, configure, then {@code bind()} or {@code bindNow()}; the caller owns it
 * and disposes it. Loopback and explicit addresses only: no broadcast, no LAN discovery.
 */
@NullMarked
package org.toxreactive.transport.udp;

import org.jspecify.annotations.NullMarked;
