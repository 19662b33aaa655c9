package org.toxreactive.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.toxreactive.transport.tcp.packet.RelayPacketKind;

/**
 * The relay's Micrometer meters, all prefixed {@code tox.relay.}: connections (open, unconfirmed,
 * confirmed clients), packets and bytes by kind and direction, drops, kills by reason, refused
 * connections by limit, handshake failures.
 */
final class RelayMetrics {
  final AtomicInteger open = new AtomicInteger();
  final AtomicInteger unconfirmed = new AtomicInteger();
  private final Map<RelayPacketKind, Counter> packetsIn = new EnumMap<>(RelayPacketKind.class);
  private final Map<RelayPacketKind, Counter> packetsOut = new EnumMap<>(RelayPacketKind.class);
  private final Map<RelayPacketKind, Counter> bytesIn = new EnumMap<>(RelayPacketKind.class);
  private final Map<RelayPacketKind, Counter> bytesOut = new EnumMap<>(RelayPacketKind.class);
  private final Map<RelayPacketKind, Counter> drops = new EnumMap<>(RelayPacketKind.class);
  private final Map<KillReason, Counter> kills = new EnumMap<>(KillReason.class);
  final Counter handshakeFailures;
  final Counter accepted;
  final AtomicInteger peakClients = new AtomicInteger();
  final Counter refusedTotal;
  final Counter refusedPerIp;
  final Counter refusedUnconfirmed;
  final Counter onionToUdp;
  final Counter onionToClient;
  final Counter forwardToUdp;
  final Counter forwardToClient;
  final Counter udpDropped;

  RelayMetrics(MeterRegistry registry, Supplier<Number> clients) {
    Gauge.builder("tox.relay.connections", open, AtomicInteger::get)
        .description("open TCP connections")
        .register(registry);
    Gauge.builder("tox.relay.connections.unconfirmed", unconfirmed, AtomicInteger::get)
        .description("connections that have not sent a valid frame yet")
        .register(registry);
    Gauge.builder("tox.relay.clients", clients, s -> s.get().doubleValue())
        .description("confirmed clients")
        .register(registry);
    for (RelayPacketKind k : RelayPacketKind.values()) {
      String kind = k.name().toLowerCase(java.util.Locale.ROOT);
      packetsIn.put(k, counter(registry, "tox.relay.packets", "kind", kind, "direction", "in"));
      packetsOut.put(k, counter(registry, "tox.relay.packets", "kind", kind, "direction", "out"));
      bytesIn.put(k, counter(registry, "tox.relay.bytes", "kind", kind, "direction", "in"));
      bytesOut.put(k, counter(registry, "tox.relay.bytes", "kind", kind, "direction", "out"));
      drops.put(k, counter(registry, "tox.relay.drops", "kind", kind));
    }
    for (KillReason r : KillReason.values()) {
      kills.put(
          r,
          counter(
              registry, "tox.relay.kills", "reason", r.name().toLowerCase(java.util.Locale.ROOT)));
    }
    handshakeFailures = counter(registry, "tox.relay.handshake.failures");
    accepted = counter(registry, "tox.relay.accepted");
    refusedTotal = counter(registry, "tox.relay.refused", "limit", "connections");
    refusedPerIp = counter(registry, "tox.relay.refused", "limit", "per_ip");
    refusedUnconfirmed = counter(registry, "tox.relay.refused", "limit", "unconfirmed");
    onionToUdp = counter(registry, "tox.relay.onion", "direction", "to_udp");
    onionToClient = counter(registry, "tox.relay.onion", "direction", "to_client");
    forwardToUdp = counter(registry, "tox.relay.forwarding", "direction", "to_udp");
    forwardToClient = counter(registry, "tox.relay.forwarding", "direction", "to_client");
    udpDropped = counter(registry, "tox.relay.udp.dropped");
  }

  private static Counter counter(MeterRegistry r, String name, String... tags) {
    return Counter.builder(name).tags(tags).register(r);
  }

  void in(RelayPacketKind k, int bytes) {
    packetsIn.get(k).increment();
    bytesIn.get(k).increment(bytes);
  }

  void out(RelayPacketKind k, int bytes) {
    packetsOut.get(k).increment();
    bytesOut.get(k).increment(bytes);
  }

  void dropped(RelayPacketKind k) {
    drops.get(k).increment();
  }

  void killed(KillReason r) {
    kills.get(r).increment();
  }

  double kills(KillReason r) {
    return kills.get(r).count();
  }

  double drops() {
    return drops.values().stream().mapToDouble(Counter::count).sum();
  }
}
