/**
 * A seeded simulated network on a Reactor {@code Scheduler}, usually a {@code
 * VirtualTimeScheduler}: {@link org.toxreactive.test.sim.SimNetwork} holds named {@link
 * org.toxreactive.test.sim.SimNode}s that exchange byte arrays over directed {@link
 * org.toxreactive.test.sim.SimLink}s with {@link org.toxreactive.test.sim.LinkConditions} (loss,
 * delay, reordering, duplication, corruption, bandwidth), partitions and node kills, all decided by
 * one seeded random source, so a run is reproducible. {@link org.toxreactive.test.sim.LinkStats}
 * counts what happened. tox-test-kit's {@code SimTransport} puts a node behind the {@code
 * PacketTransport} SPI. Thread-safe; deliveries run on the network's scheduler.
 */
@NullMarked
package org.toxreactive.test.sim;

import org.jspecify.annotations.NullMarked;
