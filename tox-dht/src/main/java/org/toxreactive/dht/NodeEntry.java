package org.toxreactive.dht;

import org.jspecify.annotations.Nullable;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.PublicKey;

/**
 * A slot of a node list (c-toxcore {@code Client_data}): a public key and its IPv4 and IPv6
 * addresses. A slot with no key is empty. Mutable; owned by its list, confined to the core's
 * thread.
 */
public final class NodeEntry {
  @Nullable PublicKey key;

  /** {@link #key}'s bytes, kept for distance comparisons without copies. */
  byte @Nullable [] keyBytes;

  final Assoc ipv4 = new Assoc();
  final Assoc ipv6 = new Assoc();

  /** Answered our announce ping (0x93) with a valid 0x94; cleared when the slot changes hands. */
  boolean announceNode;

  /**
   * Whether this node answered our announce ping (c-toxcore 0.2.20 {@code announce_node}): only
   * such nodes are listed in data search answers.
   *
   * @return true once a valid 0x94 came from it
   */
  public boolean announceNode() {
    return announceNode;
  }

  /**
   * The key held in this slot.
   *
   * @return the key, or null while the slot is empty
   */
  public @Nullable PublicKey key() {
    return key;
  }

  /**
   * The IPv4 address and its timers.
   *
   * @return the IPv4 assoc
   */
  public Assoc ipv4() {
    return ipv4;
  }

  /**
   * The IPv6 address and its timers.
   *
   * @return the IPv6 assoc
   */
  public Assoc ipv6() {
    return ipv6;
  }

  /** The assoc of {@code address}'s family. */
  Assoc assoc(IpPort address) {
    return address.isIpv4() ? ipv4 : ipv6;
  }

  /**
   * Both addresses bad (or the slot empty): the slot may be reused.
   *
   * @param now the caller's clock, in milliseconds
   * @return true if the slot may be reused
   */
  public boolean isBad(long now) {
    return key == null || (ipv4.isBad(now) && ipv6.isBad(now));
  }

  /**
   * The address a nodes response gives for this node: the IPv4 one if it answered at least as
   * recently, else the IPv6 one (c-toxcore {@code get_close_nodes_inner} with family unspec).
   */
  Assoc preferred() {
    return ipv4.timestamp >= ipv6.timestamp ? ipv4 : ipv6;
  }

  /** Takes {@code key} at {@code address} now; the other family is cleared. */
  void fill(PublicKey key, IpPort address, long now) {
    this.key = key;
    this.keyBytes = key.toArray();
    this.announceNode = false;
    Assoc write = assoc(address);
    Assoc clear = address.isIpv4() ? ipv6 : ipv4;
    write.reset();
    write.set(address, now);
    clear.reset();
  }

  /**
   * Refreshes the address of the family it answered on. A non-LAN address is not replaced by a LAN
   * one (c-toxcore {@code update_client}).
   */
  void refresh(IpPort address, long now) {
    Assoc a = assoc(address);
    if (a.address != null && !Lan.isLan(a.address) && Lan.isLan(address)) {
      return;
    }
    a.set(address, now);
  }

  void clear() {
    announceNode = false;
    key = null;
    keyBytes = null;
    ipv4.reset();
    ipv6.reset();
  }

  @Override
  public String toString() {
    return "NodeEntry["
        + (key == null ? "empty" : key.toHex().substring(0, 8))
        + " v4="
        + ipv4.address
        + " v6="
        + ipv6.address
        + "]";
  }
}
