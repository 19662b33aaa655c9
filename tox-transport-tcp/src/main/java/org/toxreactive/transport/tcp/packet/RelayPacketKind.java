package org.toxreactive.transport.tcp.packet;

import org.jspecify.annotations.Nullable;
import org.toxreactive.transport.tcp.RelayProtocol;

/**
 * The kind of a relay packet, from its first plaintext byte (docs/protocol.md 2.4). Ids 0..11 are
 * control packets, 12..15 are reserved (a peer sending one is killed), and every id from {@link
 * RelayProtocol#NUM_RESERVED_IDS} to 255 is a {@link #DATA} packet whose first byte is the
 * connection id itself.
 *
 * <pre>{@code
 * RelayPacketKind kind = RelayPacketKind.ofId(buf.getUnsignedByte(buf.readerIndex()));
 * if (kind == null) { ... reserved id: kill the link ... }
 * }</pre>
 */
public enum RelayPacketKind {
  /** Id 0: ask the relay for a route to a peer. */
  ROUTING_REQUEST(0, true, "routing request"),
  /** Id 1: the relay's connection id for a route, or refusal. */
  ROUTING_RESPONSE(1, true, "routing response"),
  /** Id 2: the peer on a route came online. */
  CONNECT_NOTIFICATION(2, true, "connect notification"),
  /** Id 3: the peer on a route went offline, or a route is given up. */
  DISCONNECT_NOTIFICATION(3, true, "disconnect notification"),
  /** Id 4: keepalive request. */
  PING(4, true, "ping"),
  /** Id 5: keepalive answer. */
  PONG(5, true, "pong"),
  /** Id 6: out-of-band data to a DHT key. */
  OOB_SEND(6, false, "oob send"),
  /** Id 7: out-of-band data from a DHT key. */
  OOB_RECV(7, false, "oob recv"),
  /** Id 8: onion request, the relay as node 1. */
  ONION_REQUEST(8, false, "onion request"),
  /** Id 9: onion response back to the client. */
  ONION_RESPONSE(9, false, "onion response"),
  /** Id 10: ask the relay to forward data over UDP. */
  FORWARD_REQUEST(10, false, "forward request"),
  /** Id 11: data forwarded to the client. */
  FORWARDING(11, false, "forwarding"),
  /** Ids 16..255; {@link #id()} is -1 because the id byte is the connection id. */
  DATA(-1, false, "data");

  private static final int ID_COUNT = Codecs.MAX_UNSIGNED_BYTE + 1;
  private static final RelayPacketKind[] BY_ID = new RelayPacketKind[ID_COUNT];

  static {
    for (RelayPacketKind kind : values()) {
      if (kind.id >= 0) {
        BY_ID[kind.id] = kind;
      }
    }
    for (int id = RelayProtocol.NUM_RESERVED_IDS; id < ID_COUNT; id++) {
      BY_ID[id] = DATA;
    }
  }

  private final int id;
  private final boolean priority;
  private final String label;

  RelayPacketKind(int id, boolean priority, String label) {
    this.id = id;
    this.priority = priority;
    this.label = label;
  }

  /**
   * The wire id, or -1 for {@link #DATA}.
   *
   * @return 0..11, or -1
   */
  public int id() {
    return id;
  }

  /**
   * Whether the packet is written with priority: queued, never dropped, when the socket is full.
   * True for routing, connect/disconnect and ping/pong; false for everything that may be dropped
   * under backpressure (docs/protocol.md 2.3).
   *
   * @return whether it is a priority packet
   */
  public boolean isPriority() {
    return priority;
  }

  /** Lower-case name for messages, such as {@code "ping"}. */
  String label() {
    return label;
  }

  /**
   * The kind for an unsigned id byte: {@code null} for the reserved ids 12..15, {@link #DATA} for
   * 16..255.
   *
   * @throws IllegalArgumentException if {@code unsignedId} is not 0..255 (a sign-extended byte)
   * @param unsignedId the id byte, 0..255
   * @return the kind, or null for a reserved id
   */
  public static @Nullable RelayPacketKind ofId(int unsignedId) {
    if (unsignedId < 0 || unsignedId >= ID_COUNT) {
      throw new IllegalArgumentException("packet id must be 0..255, got " + unsignedId);
    }
    return BY_ID[unsignedId];
  }
}
