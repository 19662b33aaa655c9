package org.toxreactive.dht.packet;

import org.jspecify.annotations.Nullable;

/**
 * The UDP packet ids the DHT node answers (docs/protocol.md, DHT section; c-toxcore 0.2.18
 * network.h). Onion (0x80-0x8e) and forwarding/announce (0x90-0x9f) ids are not DHT packets: the
 * relay hands those to its onion path.
 */
public enum DhtPacketKind {
  PING_REQUEST(0x00),
  PING_RESPONSE(0x01),
  NODES_REQUEST(0x02),
  NODES_RESPONSE(0x04),
  /** The "DHT request" envelope: NAT ping, DHT-PK, routed to the receiver key. */
  CRYPTO(0x20),
  /** LAN discovery: never sent, ignored when received (off, as a public node). */
  LAN_DISCOVERY(0x21),
  BOOTSTRAP_INFO(0xF0);

  private static final DhtPacketKind[] BY_ID = new DhtPacketKind[256];

  static {
    for (DhtPacketKind k : values()) {
      BY_ID[k.id] = k;
    }
  }

  private final int id;

  DhtPacketKind(int id) {
    this.id = id;
  }

  /** The first byte of the packet. */
  public int id() {
    return id;
  }

  /** The kind for a first byte, or null if it is not a DHT packet. */
  public static @Nullable DhtPacketKind ofId(int id) {
    return id >= 0 && id < 256 ? BY_ID[id] : null;
  }

  /** True if the first byte names a DHT packet (so the relay's UDP dispatch sends it here). */
  public static boolean isDht(int id) {
    return ofId(id) != null;
  }

  /** Lower-case metric tag, e.g. {@code nodes_request}. */
  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
