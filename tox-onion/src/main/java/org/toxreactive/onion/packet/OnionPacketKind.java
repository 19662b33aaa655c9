package org.toxreactive.onion.packet;

import org.jspecify.annotations.Nullable;

/**
 * Every UDP packet id of the onion, announce and forwarding layers (docs/protocol.md 13), with the
 * c-toxcore 0.2.20 {@code network.h} name and the version that introduced it.
 */
public enum OnionPacketKind {
  /** {@code NET_PACKET_ONION_SEND_INITIAL}: client to node 1. */
  SEND_INITIAL(0x80, "onion request 1"),
  /** {@code NET_PACKET_ONION_SEND_1}: node 1 to node 2. */
  SEND_1(0x81, "onion request 2"),
  /** {@code NET_PACKET_ONION_SEND_2}: node 2 to node 3. */
  SEND_2(0x82, "onion request 3"),
  /** {@code NET_PACKET_ANNOUNCE_REQUEST_OLD}: the announce request of 0.2.18 clients. */
  ANNOUNCE_REQUEST_OLD(0x83, "old announce request"),
  /** {@code NET_PACKET_ANNOUNCE_RESPONSE_OLD}. */
  ANNOUNCE_RESPONSE_OLD(0x84, "old announce response"),
  /** {@code NET_PACKET_ONION_DATA_REQUEST}. */
  DATA_REQUEST(0x85, "onion data request"),
  /** {@code NET_PACKET_ONION_DATA_RESPONSE}. */
  DATA_RESPONSE(0x86, "onion data response"),
  /** {@code NET_PACKET_ANNOUNCE_REQUEST}: handled since 0.2.18, passed along paths from 0.2.19. */
  ANNOUNCE_REQUEST(0x87, "announce request"),
  /** {@code NET_PACKET_ANNOUNCE_RESPONSE}. */
  ANNOUNCE_RESPONSE(0x88, "announce response"),
  /** {@code NET_PACKET_ONION_RECV_3}: destination to node 3. */
  RECV_3(0x8C, "onion response 3"),
  /** {@code NET_PACKET_ONION_RECV_2}: node 3 to node 2. */
  RECV_2(0x8D, "onion response 2"),
  /** {@code NET_PACKET_ONION_RECV_1}: node 2 to node 1. */
  RECV_1(0x8E, "onion response 1"),
  /** {@code NET_PACKET_FORWARD_REQUEST} (forwarding.c, 0.2.18+). */
  FORWARD_REQUEST(0x90, "forward request"),
  /** {@code NET_PACKET_FORWARDING}. */
  FORWARDING(0x91, "forwarding"),
  /** {@code NET_PACKET_FORWARD_REPLY}. */
  FORWARD_REPLY(0x92, "forward reply"),
  /** {@code NET_PACKET_DATA_SEARCH_REQUEST} (announce.c, 0.2.18+). */
  DATA_SEARCH_REQUEST(0x93, "data search request"),
  /** {@code NET_PACKET_DATA_SEARCH_RESPONSE}. */
  DATA_SEARCH_RESPONSE(0x94, "data search response"),
  /** {@code NET_PACKET_DATA_RETRIEVE_REQUEST}. */
  DATA_RETRIEVE_REQUEST(0x95, "data retrieve request"),
  /** {@code NET_PACKET_DATA_RETRIEVE_RESPONSE}. */
  DATA_RETRIEVE_RESPONSE(0x96, "data retrieve response"),
  /** {@code NET_PACKET_STORE_ANNOUNCE_REQUEST}. */
  STORE_ANNOUNCE_REQUEST(0x97, "store announce request"),
  /** {@code NET_PACKET_STORE_ANNOUNCE_RESPONSE}. */
  STORE_ANNOUNCE_RESPONSE(0x98, "store announce response");

  private static final OnionPacketKind[] BY_ID = new OnionPacketKind[256];

  static {
    for (OnionPacketKind k : values()) {
      BY_ID[k.id] = k;
    }
  }

  private final int id;
  private final String label;

  OnionPacketKind(int id, String label) {
    this.id = id;
    this.label = label;
  }

  /**
   * The packet id byte.
   *
   * @return the first byte, 0 to 255
   */
  public int id() {
    return id;
  }

  /**
   * Human name for error messages.
   *
   * @return the label used in metrics and logs
   */
  public String label() {
    return label;
  }

  /**
   * The kind with this id byte, or null.
   *
   * @param id the first byte, unsigned
   * @return the kind, or null if it is not an onion packet
   */
  public static @Nullable OnionPacketKind ofId(int id) {
    return id < 0 || id > 0xFF ? null : BY_ID[id];
  }
}
