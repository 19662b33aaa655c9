package org.toxreactive.core;

import org.jspecify.annotations.Nullable;

/**
 * The four outer packets of net_crypto, by their first byte (docs/protocol.md 4.1), and the size
 * limits every layer that carries them shares (docs/protocol.md 4.13). They travel as they are over
 * UDP, and as the payload of a routed or out-of-band relay packet, so the UDP transport, the relay
 * pool and net_crypto itself all decide on them from here.
 *
 * <pre>
 * Id   | Kind            | Length
 * ---- | --------------- | ------
 * 0x18 | cookie request  | 145
 * 0x19 | cookie response | 161
 * 0x1A | handshake       | 385
 * 0x1B | data            | 28..1400
 * </pre>
 *
 * Dispatch with a {@code switch} over the kind (no {@code default}), so a new kind fails to compile
 * where it is not handled:
 *
 * <pre>{@code
 * NetCryptoPacketKind kind = NetCryptoPacketKind.ofId(data.getUnsigned(0));
 * if (kind == null) { ... not net_crypto ... }
 * switch (kind) {
 *   case COOKIE_REQUEST -> ...
 *   case COOKIE_RESPONSE -> ...
 *   case HANDSHAKE -> ...
 *   case DATA -> ...
 * }
 * }</pre>
 */
public enum NetCryptoPacketKind {
  /** 0x18: a stranger asks for a cookie (stateless at the receiver). */
  COOKIE_REQUEST(0x18, "cookie request"),
  /** 0x19: the cookie, boxed for the requester. */
  COOKIE_RESPONSE(0x19, "cookie response"),
  /** 0x1A: a handshake, carrying a cookie made by its receiver. */
  HANDSHAKE(0x1A, "handshake"),
  /** 0x1B: a data packet of an established session. */
  DATA(0x1B, "data");

  /** Largest net_crypto packet, id byte included (c-toxcore's MAX_CRYPTO_PACKET_SIZE): 1400. */
  public static final int MAX_PACKET_SIZE = 1400;

  /**
   * Largest data (data id plus payload) one data packet carries (MAX_CRYPTO_DATA_SIZE): 1373, that
   * is {@link #MAX_PACKET_SIZE} less the id byte, the 2-byte nonce fragment, the 16-byte tag and
   * the 8-byte header of buffer_start and num.
   */
  public static final int MAX_DATA_SIZE = MAX_PACKET_SIZE - 1 - 2 - 16 - 8;

  private static final NetCryptoPacketKind[] BY_ID = new NetCryptoPacketKind[256];

  static {
    for (NetCryptoPacketKind k : values()) {
      BY_ID[k.id] = k;
    }
  }

  private final int id;
  private final String label;

  NetCryptoPacketKind(int id, String label) {
    this.id = id;
    this.label = label;
  }

  /**
   * The first byte of a packet of this kind.
   *
   * @return 0x18..0x1B
   */
  public int id() {
    return id;
  }

  /**
   * The first byte as a Java byte, for comparisons with a packet's raw byte.
   *
   * @return {@link #id()} as a byte
   */
  public byte idByte() {
    return (byte) id;
  }

  /**
   * Lower-case name for messages, such as {@code "cookie request"}.
   *
   * @return the name
   */
  public String label() {
    return label;
  }

  /**
   * The kind for an unsigned first byte.
   *
   * @param unsignedId the first byte, 0..255
   * @return the kind, or null if no net_crypto packet starts with that byte
   * @throws IllegalArgumentException if {@code unsignedId} is not 0..255 (a sign-extended byte)
   */
  public static @Nullable NetCryptoPacketKind ofId(int unsignedId) {
    if (unsignedId < 0 || unsignedId > 0xFF) {
      throw new IllegalArgumentException("packet id must be 0..255, got " + unsignedId);
    }
    return BY_ID[unsignedId];
  }

  /**
   * The kind of a packet from its first byte.
   *
   * @param packet the packet
   * @return the kind, or null if {@code packet} is empty or not net_crypto
   */
  public static @Nullable NetCryptoPacketKind of(Bytes packet) {
    return packet.isEmpty() ? null : BY_ID[packet.getUnsigned(0)];
  }
}
