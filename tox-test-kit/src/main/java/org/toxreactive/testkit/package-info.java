/**
 * Test kit for code written against tox-core's {@code PacketTransport}, for test scope: {@link
 * org.toxreactive.testkit.SimTransport} puts a node of tox-test's seeded simulated network (loss,
 * delay, reordering, partitions, on a virtual clock) behind the transport SPI, so net_crypto or an
 * application runs on it unchanged; {@link org.toxreactive.testkit.PacketTransportContract} is the
 * JUnit 5 suite every transport of the project passes, and a transport of your own can extend.
 *
 * <p>Nothing here registers itself with JUnit or touches global state.
 */
@NullMarked
package org.toxreactive.testkit;

import org.jspecify.annotations.NullMarked;
