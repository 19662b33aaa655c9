package org.toxreactive.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.toxreactive.transport.tcp.packet.RelayPacketKind;

/**
 * The relay's Micrometer meters, all prefixed {@code tox.relay.}: connections (open, unconfirmed,
 * confirmed clients), packets and bytes by kind and direction, drops under backpressure by kind,
 * discarded packets by reason, kills by reason, refused connections by limit, handshake failures,
 * how often a link stopped reading because the router was behind ({@code inbound.paused}), and how
 * often and how long a sender was not read because a receiver's backlog was full ({@code
 * sender.paused}, {@code sender.pause}; {@code sender.pause.expired}: pauses that ran out, after
 * which that receiver's data was dropped until it drained).
 *
 * <p>Gauges hold their state strongly (Micrometer's default is a weak reference, which reads NaN
 * once the state object is collected) and read thread-safe counts.
 */
final class RelayMetrics {
  /** Why a packet was discarded (not for backpressure: those are {@code tox.relay.drops}). */
  enum Discard {
    /** Data on a route whose peer is not online (the slot is only requested). */
    OFFLINE_ROUTE,
    /** An OOB send to a key that is not connected. */
    UNKNOWN_KEY,
    /** An onion request whose payload is outside the accepted size range. */
    ONION_SIZE,
    /** An onion request whose first hop address does not parse. */
    ONION_ADDRESS;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  final AtomicInteger open = new AtomicInteger();

  /** Confirmed clients; set on the router loop after each change, read anywhere. */
  final AtomicInteger clients = new AtomicInteger();

  private final Map<RelayPacketKind, Counter> packetsIn = new EnumMap<>(RelayPacketKind.class);
  private final Map<RelayPacketKind, Counter> packetsOut = new EnumMap<>(RelayPacketKind.class);
  private final Map<RelayPacketKind, Counter> bytesIn = new EnumMap<>(RelayPacketKind.class);
  private final Map<RelayPacketKind, Counter> bytesOut = new EnumMap<>(RelayPacketKind.class);
  private final Map<RelayPacketKind, Counter> drops = new EnumMap<>(RelayPacketKind.class);
  private final Map<KillReason, Counter> kills = new EnumMap<>(KillReason.class);
  private final Map<Discard, Counter> discards = new EnumMap<>(Discard.class);
  final Counter handshakeFailures;
  final Counter accepted;
  final AtomicInteger peakClients = new AtomicInteger();
  final Counter refusedTotal;
  final Counter refusedOpenFiles;
  final Counter refusedPerIp;
  final Counter onionToUdp;
  final Counter onionToClient;
  final Counter forwardToUdp;
  final Counter forwardToClient;
  final Counter udpDropped;
  final Counter inboundPaused;
  final Counter senderPaused;
  final Counter senderPauseExpired;
  final Timer senderPauseTime;

  /**
   * @param registry where the meters go
   * @param unconfirmed reads the number of unconfirmed connections (thread-safe)
   */
  RelayMetrics(MeterRegistry registry, IntSupplier unconfirmed) {
    Gauge.builder("tox.relay.connections", open, AtomicInteger::get)
        .description("open TCP connections")
        .strongReference(true)
        .register(registry);
    Gauge.builder("tox.relay.connections.unconfirmed", unconfirmed, IntSupplier::getAsInt)
        .description("connections that have not sent a valid frame yet")
        .strongReference(true)
        .register(registry);
    Gauge.builder("tox.relay.clients", clients, AtomicInteger::get)
        .description("confirmed clients")
        .strongReference(true)
        .register(registry);
    for (RelayPacketKind k : RelayPacketKind.values()) {
      String kind = k.name().toLowerCase(Locale.ROOT);
      packetsIn.put(k, counter(registry, "tox.relay.packets", "kind", kind, "direction", "in"));
      packetsOut.put(k, counter(registry, "tox.relay.packets", "kind", kind, "direction", "out"));
      bytesIn.put(k, counter(registry, "tox.relay.bytes", "kind", kind, "direction", "in"));
      bytesOut.put(k, counter(registry, "tox.relay.bytes", "kind", kind, "direction", "out"));
      drops.put(k, counter(registry, "tox.relay.drops", "kind", kind));
    }
    for (KillReason r : KillReason.values()) {
      kills.put(r, counter(registry, "tox.relay.kills", "reason", tag(r)));
    }
    for (Discard d : Discard.values()) {
      discards.put(d, counter(registry, "tox.relay.discarded", "reason", d.tag()));
    }
    handshakeFailures = counter(registry, "tox.relay.handshake.failures");
    accepted = counter(registry, "tox.relay.accepted");
    refusedTotal = counter(registry, "tox.relay.refused", "limit", "connections");
    refusedOpenFiles = counter(registry, "tox.relay.refused", "limit", "open_files");
    refusedPerIp = counter(registry, "tox.relay.refused", "limit", "per_ip");
    onionToUdp = counter(registry, "tox.relay.onion", "direction", "to_udp");
    onionToClient = counter(registry, "tox.relay.onion", "direction", "to_client");
    forwardToUdp = counter(registry, "tox.relay.forwarding", "direction", "to_udp");
    forwardToClient = counter(registry, "tox.relay.forwarding", "direction", "to_client");
    udpDropped = counter(registry, "tox.relay.udp.dropped");
    inboundPaused = counter(registry, "tox.relay.inbound.paused");
    senderPaused = counter(registry, "tox.relay.sender.paused");
    senderPauseExpired = counter(registry, "tox.relay.sender.pause.expired");
    senderPauseTime =
        Timer.builder("tox.relay.sender.pause")
            .description("how long senders were not read while a receiver's backlog drained")
            .register(registry);
  }

  /**
   * @param r a kill reason
   * @return its metrics tag and log name, such as {@code queue_overflow}
   */
  static String tag(KillReason r) {
    return r.name().toLowerCase(Locale.ROOT);
  }

  /** The counter of {@code key}: the constructor puts one for every constant of each enum. */
  private static <K> Counter meter(Map<K, Counter> counters, K key) {
    return Objects.requireNonNull(counters.get(key), "no counter for a constant");
  }

  private static Counter counter(MeterRegistry r, String name, String... tags) {
    return Counter.builder(name).tags(tags).register(r);
  }

  void in(RelayPacketKind k, int bytes) {
    meter(packetsIn, k).increment();
    meter(bytesIn, k).increment(bytes);
  }

  void out(RelayPacketKind k, int bytes) {
    meter(packetsOut, k).increment();
    meter(bytesOut, k).increment(bytes);
  }

  void dropped(RelayPacketKind k) {
    meter(drops, k).increment();
  }

  void discarded(Discard d) {
    meter(discards, d).increment();
  }

  void killed(KillReason r) {
    meter(kills, r).increment();
  }

  double kills(KillReason r) {
    return meter(kills, r).count();
  }

  double drops() {
    return drops.values().stream().mapToDouble(Counter::count).sum();
  }
}
