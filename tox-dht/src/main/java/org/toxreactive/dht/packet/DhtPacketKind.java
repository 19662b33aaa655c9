package org.toxreactive.dht.packet;

import org.jspecify.annotations.Nullable;

/**
 * The UDP packet ids the DHT node answers (docs/protocol.md, DHT section; c-toxcore 0.2.18
 * network.h). Onion (0x80-0x8e) and forwarding/announce (0x90-0x9f) ids are not DHT packets: the
 * relay hands those to its onion path.
 */
public enum DhtPacketKind {
  /** 0x00: ping request, in an envelope (docs/protocol.md 12.2). */
  PING_REQUEST(0x00),
  /** 0x01: ping response, in an envelope. */
  PING_RESPONSE(0x01),
  /** 0x02: nodes request (the closest nodes to a key), in an envelope. */
  NODES_REQUEST(0x02),
  /** 0x04: nodes response with up to four packed nodes, in an envelope. */
  NODES_RESPONSE(0x04),
  /** The "DHT request" envelope: NAT ping, DHT-PK, routed to the receiver key. */
  CRYPTO(0x20),
  /** LAN discovery: never sent, ignored when received (off, as a public node). */
  LAN_DISCOVERY(0x21),
  /**
   * 0x94: answer to the announce ping (0x93, {@link AnnouncePing}) this node sends a node it adds
   * to its close list, in an envelope (docs/protocol.md 13.8). The 0x93 requests other nodes send
   * go to the onion node, not here.
   */
  DATA_SEARCH_RESPONSE(0x94),
  /** 0xF0: bootstrap info request and response (MOTD and version), not encrypted. */
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

  /**
   * The first byte of the packet.
   *
   * @return the id, 0 to 255
   */
  public int id() {
    return id;
  }

  /**
   * The kind for a first byte, or null if it is not a DHT packet.
   *
   * @param id the first byte, unsigned
   * @return the kind, or null
   */
  public static @Nullable DhtPacketKind ofId(int id) {
    return id >= 0 && id < 256 ? BY_ID[id] : null;
  }

  /**
   * True if the first byte names a DHT packet (so the relay's UDP dispatch sends it here).
   *
   * @param id the first byte, unsigned
   * @return whether the DHT node handles it
   */
  public static boolean isDht(int id) {
    return ofId(id) != null;
  }

  /**
   * Lower-case metric tag, e.g. {@code nodes_request}.
   *
   * @return the tag used in {@code tox.dht.*} meters
   */
  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
