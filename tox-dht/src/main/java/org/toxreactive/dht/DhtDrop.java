package org.toxreactive.dht;

/** Why the DHT core dropped an inbound packet (metric tag {@code reason}). */
public enum DhtDrop {
  /** Wrong length, bad count or family, truncated: anything the codecs reject. */
  MALFORMED,
  /** Claims to come from our own key. */
  FROM_SELF,
  /** The sender key is a low-order point (no shared key exists). */
  BAD_KEY,
  /** Did not authenticate under the sender's shared key. */
  DECRYPT,
  /** A response whose ping id we did not hand out, expired, was used, or names another node. */
  UNSOLICITED,
  /** The source's answer budget is spent (amplification limit). */
  RATE_LIMITED,
  /** A crypto request for a key not in the close list. */
  NOT_ROUTABLE,
  /** A crypto request for us that nobody here handles (DHT-PK, NAT ping from an unknown key). */
  NOT_HANDLED,
  /** LAN discovery is off. */
  LAN_DISCOVERY_OFF,
  /** An IPv6 source while IPv6 is off. */
  IPV6_OFF,
  /** Bootstrap info requested while no MOTD is configured. */
  INFO_OFF,
  /**
   * An announce request (0x93 data search, 0x95 retrieve, 0x97 store; announce.c, 0.2.19+) while no
   * onion node with an announce store runs on this socket: ignored, as c-toxcore 0.2.20 ignores
   * packets of a module it runs without (no handler; docs/protocol.md 13.8).
   */
  ANNOUNCE_OFF;

  /**
   * The metric tag: the name in lower case.
   *
   * @return e.g. {@code rate_limited}
   */
  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
