package org.toxreactive.dht;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.PublicKey;

/**
 * The close list (c-toxcore {@code close_clientlist}; docs/protocol.md, DHT section "lists"): 128
 * buckets of 8 slots, 1024 in all. A key goes into the bucket numbered by how many leading bits it
 * shares with our own key, capped at 127, so half the key space shares bucket 0 and the keys
 * closest to ours get buckets of their own.
 *
 * <p>Rules, as c-toxcore 0.2.18 ({@code addto_lists}, {@code add_to_close}): a node is stored only
 * after it answered a request of ours from that address; a known key refreshes the address of the
 * family it answered on; a new key takes the first slot of its bucket whose two addresses are both
 * bad (no answer for 122 s) or empty, and is not stored if there is none: good nodes are never
 * evicted by closer ones. An address already held by another key passes to the new key (c-toxcore
 * overwrites that slot in place; here the old slot is emptied and the new key goes to its own
 * bucket, so every key is always in the bucket of its prefix).
 *
 * <p>Not thread-safe: confined to the core's thread. Reusable by a DHT client (issue 13).
 */
public final class CloseList {
  private final PublicKey self;
  private final NodeEntry[] slots = new NodeEntry[DhtTimers.CLOSE_LIST_SIZE];

  /**
   * An empty close list around our own key.
   *
   * @param self our DHT public key
   */
  public CloseList(PublicKey self) {
    this.self = self;
    for (int i = 0; i < slots.length; i++) {
      slots[i] = new NodeEntry();
    }
  }

  /**
   * Our own key, the list's centre.
   *
   * @return the key
   */
  public PublicKey self() {
    return self;
  }

  /**
   * The bucket of {@code key}: its common prefix with our key, capped at 127.
   *
   * @param key a DHT public key
   * @return 0 to 127
   */
  public int bucketOf(PublicKey key) {
    return Math.min(Distance.commonPrefix(self, key), DhtTimers.BUCKETS - 1);
  }

  /**
   * The slot holding {@code key}, or null.
   *
   * @param key a DHT public key
   * @return the entry, or null if the key is not held
   */
  public @Nullable NodeEntry find(PublicKey key) {
    int base = bucketOf(key) * DhtTimers.BUCKET_SIZE;
    for (int i = 0; i < DhtTimers.BUCKET_SIZE; i++) {
      NodeEntry e = slots[base + i];
      if (key.equals(e.key)) {
        return e;
      }
    }
    return null;
  }

  /**
   * True if a new key could be stored: its bucket has a bad or empty slot ({@code add_to_close}
   * simulated).
   *
   * @param key a DHT public key
   * @param now the caller's clock, in milliseconds
   * @return whether {@link #update} would store it
   */
  public boolean addable(PublicKey key, long now) {
    return freeSlot(key, now) != null;
  }

  /**
   * True if {@code key} is in the list with a good address of {@code address}'s family.
   *
   * @param key a DHT public key
   * @param address the address whose family is checked
   * @param now the caller's clock, in milliseconds
   * @return whether the key has a good address of that family
   */
  public boolean containsGood(PublicKey key, IpPort address, long now) {
    NodeEntry e = find(key);
    return e != null && !e.assoc(address).isBad(now);
  }

  private @Nullable NodeEntry freeSlot(PublicKey key, long now) {
    int base = bucketOf(key) * DhtTimers.BUCKET_SIZE;
    for (int i = 0; i < DhtTimers.BUCKET_SIZE; i++) {
      NodeEntry e = slots[base + i];
      if (e.isBad(now)) {
        return e;
      }
    }
    return null;
  }

  /** Result of {@link #update}. */
  public enum Update {
    /** Already there: address and time refreshed. */
    REFRESHED,
    /** Stored in a free slot. */
    ADDED,
    /** Its bucket is full of good nodes. */
    FULL,
    /** Our own key. */
    SELF
  }

  /**
   * Records that {@code key} answered from {@code address} now (after a verified answer).
   *
   * @param key the node's key
   * @param address where the answer came from
   * @param now the caller's clock, in milliseconds
   * @return what happened
   */
  public Update update(PublicKey key, IpPort address, long now) {
    if (key.equals(self)) {
      return Update.SELF;
    }
    NodeEntry known = find(key);
    if (known != null) {
      known.refresh(address, now);
      return Update.REFRESHED;
    }
    for (NodeEntry e : slots) {
      if (e.key != null && address.equals(e.assoc(address).address)) {
        e.clear(); // the address changed hands: the old key is gone from it
        break;
      }
    }
    NodeEntry free = freeSlot(key, now);
    if (free == null) {
      return Update.FULL;
    }
    free.fill(key, address, now);
    return Update.ADDED;
  }

  /**
   * Every slot (empty ones included), bucket by bucket.
   *
   * @return a read-only view, in bucket order
   */
  public List<NodeEntry> slots() {
    return Collections.unmodifiableList(java.util.Arrays.asList(slots));
  }

  /**
   * Slots holding a key.
   *
   * @return the number of keys held
   */
  public int size() {
    int n = 0;
    for (NodeEntry e : slots) {
      if (e.key != null) {
        n++;
      }
    }
    return n;
  }

  /**
   * Slots holding a key with at least one good address.
   *
   * @param now the caller's clock, in milliseconds
   * @return the number of good keys
   */
  public int goodCount(long now) {
    int n = 0;
    for (NodeEntry e : slots) {
      if (!e.isBad(now)) {
        n++;
      }
    }
    return n;
  }

  /**
   * True if any node is good ({@code dht_isconnected}).
   *
   * @param now the caller's clock, in milliseconds
   * @return whether at least one node is good
   */
  public boolean connected(long now) {
    for (NodeEntry e : slots) {
      if (!e.isBad(now)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The keys held now, for tests and diagnostics.
   *
   * @return a new list of the keys
   */
  public List<PublicKey> keys() {
    List<PublicKey> keys = new ArrayList<>();
    for (NodeEntry e : slots) {
      if (e.key != null) {
        keys.add(e.key);
      }
    }
    return keys;
  }
}
