package org.toxreactive.onion.packet;

import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;

/**
 * The size constants of the onion (docs/protocol.md 13.1), named as in c-toxcore's {@code onion.h}
 * and {@code onion_announce.h} (checked against v0.2.18 and v0.2.20; equal in both).
 */
public final class OnionSizes {
  private OnionSizes() {}

  /** Every onion packet, at any hop, is dropped above this: 1400. */
  public static final int MAX_PACKET_SIZE = 1400;

  /** The 19-byte fixed IP_Port of onion layers and return blocks. */
  public static final int IPPORT = IpPort.FIXED_SIZE;

  /** nonce ‖ box(IP_Port): 24 + 19 + 16 = 59. */
  public static final int RETURN_1 = Nonce.SIZE + IPPORT + CryptoBox.MAC_SIZE;

  /** nonce ‖ box(IP_Port ‖ RETURN_1): 118. */
  public static final int RETURN_2 = Nonce.SIZE + IPPORT + CryptoBox.MAC_SIZE + RETURN_1;

  /** nonce ‖ box(IP_Port ‖ RETURN_2): 177. */
  public static final int RETURN_3 = Nonce.SIZE + IPPORT + CryptoBox.MAC_SIZE + RETURN_2;

  /** One onion layer's fixed part: key ‖ IP_Port ‖ MAC = 67. */
  public static final int SEND_BASE = PublicKey.SIZE + IPPORT + CryptoBox.MAC_SIZE;

  /** 24 + 3 * 67 = 225. */
  public static final int SEND_1 = Nonce.SIZE + 3 * SEND_BASE;

  /** 24 + 2 * 67 + 59 = 217. */
  public static final int SEND_2 = Nonce.SIZE + 2 * SEND_BASE + RETURN_1;

  /** 24 + 67 + 118 = 209. */
  public static final int SEND_3 = Nonce.SIZE + SEND_BASE + RETURN_2;

  /** Largest inner request (announce or data request) a client may wrap: 1400 - 226 = 1174. */
  public static final int MAX_DATA_SIZE = MAX_PACKET_SIZE - (SEND_1 + 1);

  /** Largest response a destination may send back through a path: 1400 - 178 = 1222. */
  public static final int RESPONSE_MAX_DATA_SIZE = MAX_PACKET_SIZE - (1 + RETURN_3);

  /** Largest inner request as the destination receives it (with RETURN_3 behind): 1223. */
  public static final int MAX_INNER_REQUEST = MAX_PACKET_SIZE - RETURN_3;

  /** Ping ids ({@code ONION_PING_ID_SIZE} = {@code TIMED_AUTH_SIZE}): 32. */
  public static final int PING_ID = 32;

  /** Announce sendback ({@code ONION_ANNOUNCE_SENDBACK_DATA_LENGTH}): 8 opaque bytes. */
  public static final int SENDBACK = 8;

  /** Group-chat extra data of a 0x87 request ({@code ONION_MAX_EXTRA_DATA_SIZE}): up to 136. */
  public static final int MAX_EXTRA_DATA_SIZE = 136;

  /** Nodes in an announce response ({@code MAX_SENT_NODES}): 4. */
  public static final int MAX_SENT_NODES = 4;
}
