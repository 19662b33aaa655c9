package org.toxreactive.dht;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.toxreactive.dht.packet.DhtPacketKind;

/**
 * Publishes a node's {@link DhtStats} to Micrometer: {@code tox.dht.packets{kind, direction}},
 * {@code tox.dht.dropped{reason}}, gauges {@code tox.dht.close.nodes} and {@code
 * tox.dht.close.good}.
 */
public final class DhtMetrics {
  private DhtMetrics() {}

  /**
   * Registers the meters above on {@code registry}, reading {@code stats} when scraped.
   *
   * @param registry the registry
   * @param stats the node's live counters
   */
  public static void bind(MeterRegistry registry, DhtStats stats) {
    for (DhtPacketKind k : DhtPacketKind.values()) {
      FunctionCounter.builder("tox.dht.packets", stats, s -> s.received(k))
          .tag("kind", k.tag())
          .tag("direction", "in")
          .description("DHT packets received")
          .register(registry);
      FunctionCounter.builder("tox.dht.packets", stats, s -> s.sent(k))
          .tag("kind", k.tag())
          .tag("direction", "out")
          .description("DHT packets sent")
          .register(registry);
    }
    for (DhtDrop d : DhtDrop.values()) {
      FunctionCounter.builder("tox.dht.dropped", stats, s -> s.dropped(d))
          .tag("reason", d.tag())
          .description("inbound DHT packets dropped")
          .register(registry);
    }
    Gauge.builder("tox.dht.close.nodes", stats, DhtStats::closeListSize)
        .description("keys in the close list")
        .register(registry);
    Gauge.builder("tox.dht.close.good", stats, DhtStats::goodNodes)
        .description("close-list keys with a good address")
        .register(registry);
  }
}
