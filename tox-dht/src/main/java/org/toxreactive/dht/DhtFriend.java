package org.toxreactive.dht;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;

/**
 * A tracked key and the 8 nodes closest to it that answered us (c-toxcore {@code DHT_Friend};
 * docs/protocol.md, DHT section "lists"). A node tracks two random keys (as c-toxcore's {@code
 * DHT_FAKE_FRIEND_NUMBER}) to learn nodes all over the key space; a client (issue 13) tracks its
 * friends' DHT keys.
 *
 * <p>Rules ({@code replace_all}): a known key refreshes its address; else, if slot 0 or 1 is bad or
 * farther from the tracked key than the new one, the list is sorted (bad first, then farthest
 * first) and slot 0 is overwritten. So the list keeps the 8 closest good nodes. Not thread-safe.
 */
public final class DhtFriend {
  private final PublicKey key;
  final NodeEntry[] clients = new NodeEntry[DhtTimers.BUCKET_SIZE];

  /** Returned nodes to ask next round (at most {@link DhtTimers#MAX_SENT_NODES}). */
  final List<PackedNode> toBootstrap = new ArrayList<>();

  long lastGetNodes = Assoc.NEVER;
  int bootstrapTimes;

  /** Callers tracking this key ({@code lock_count}); 0 for the core's own random keys. */
  int locks;

  /** NAT ping and hole-punching state (docs/protocol.md section 12.10). */
  final HolePunch nat;

  /** The friend's own addresses last reported to the listener (IPv4, IPv6), or null. */
  @Nullable IpPort reported4;

  @Nullable IpPort reported6;

  long reported4At = Assoc.NEVER;

  long reported6At = Assoc.NEVER;

  /**
   * An empty list for {@code key}.
   *
   * @param key the tracked key
   */
  public DhtFriend(PublicKey key) {
    this(key, 0);
  }

  DhtFriend(PublicKey key, long natPingId) {
    this.key = key;
    this.nat = new HolePunch(natPingId);
    for (int i = 0; i < clients.length; i++) {
      clients[i] = new NodeEntry();
    }
  }

  /**
   * The tracked key.
   *
   * @return the key
   */
  public PublicKey key() {
    return key;
  }

  /**
   * The 8 slots, empty ones included.
   *
   * @return the slots, read-only
   */
  public List<NodeEntry> clients() {
    return Collections.unmodifiableList(Arrays.asList(clients));
  }

  @Nullable NodeEntry find(PublicKey pk) {
    for (NodeEntry e : clients) {
      if (pk.equals(e.key)) {
        return e;
      }
    }
    return null;
  }

  /** c-toxcore {@code store_node_ok} on slots 0 and 1 (the worst after a sort). */
  boolean storeOk(PublicKey pk, long now) {
    return storeOk(clients[0], pk, now) || storeOk(clients[1], pk, now);
  }

  private boolean storeOk(NodeEntry e, PublicKey pk, long now) {
    PublicKey held = e.key;
    return held == null || e.isBad(now) || Distance.compare(key, held, pk) > 0;
  }

  /** Records an answer from {@code pk} at {@code address}; true if it is (now) in the list. */
  boolean update(PublicKey pk, IpPort address, long now) {
    NodeEntry known = find(pk);
    if (known != null) {
      known.refresh(address, now);
      return true;
    }
    for (NodeEntry e : clients) {
      if (e.key != null && address.equals(e.assoc(address).address)) {
        e.fill(pk, address, now);
        return true;
      }
    }
    if (!storeOk(pk, now)) {
      return false;
    }
    sort(now);
    clients[0].fill(pk, address, now);
    return true;
  }

  /** Bad (and empty) slots first, then the farthest from the tracked key first. */
  void sort(long now) {
    Comparator<NodeEntry> order =
        (a, b) -> {
          boolean ba = a.isBad(now);
          boolean bb = b.isBad(now);
          if (ba || bb) {
            return ba == bb ? 0 : ba ? -1 : 1;
          }
          PublicKey ka = a.key;
          PublicKey kb = b.key;
          if (ka == null || kb == null) { // bad, so not reached: an empty slot is bad
            return 0;
          }
          return -Distance.compare(key, ka, kb);
        };
    Arrays.sort(clients, order);
  }

  /** Whether {@code pk} at that family is in the list and good. */
  boolean containsGood(PublicKey pk, IpPort address, long now) {
    NodeEntry e = find(pk);
    return e != null && !e.assoc(address).isBad(now);
  }
}
