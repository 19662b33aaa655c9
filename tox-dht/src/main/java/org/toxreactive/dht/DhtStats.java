package org.toxreactive.dht;

import java.util.concurrent.atomic.AtomicLongArray;
import org.toxreactive.dht.packet.DhtPacketKind;

/**
 * Counters of a {@link DhtCore}: packets in and out by kind, drops by reason, and the close-list
 * size. Written on the core's thread, readable from any thread (metrics, {@code stats()}).
 */
public final class DhtStats {
  private final AtomicLongArray in = new AtomicLongArray(DhtPacketKind.values().length);
  private final AtomicLongArray out = new AtomicLongArray(DhtPacketKind.values().length);
  private final AtomicLongArray drops = new AtomicLongArray(DhtDrop.values().length);
  private final java.util.concurrent.atomic.AtomicLong announcePings =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong refreshes =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile int closeListSize;
  private volatile int goodNodes;

  void in(DhtPacketKind kind) {
    in.incrementAndGet(kind.ordinal());
  }

  void out(DhtPacketKind kind) {
    out.incrementAndGet(kind.ordinal());
  }

  void announcePingSent() {
    announcePings.incrementAndGet();
  }

  /**
   * Announce pings (0x93, no {@link DhtPacketKind}) sent to nodes added to the close list; their
   * answers count as {@link DhtPacketKind#DATA_SEARCH_RESPONSE} received.
   *
   * @return the count since start
   */
  public long announcePingsSent() {
    return announcePings.get();
  }

  void refreshSent() {
    refreshes.incrementAndGet();
  }

  /**
   * Nodes requests sent by the sparse-bucket refresh experiment ({@link DhtCore#refreshInterval}),
   * also counted in {@link #sent} as {@link DhtPacketKind#NODES_REQUEST}.
   *
   * @return the count since start
   */
  public long refreshesSent() {
    return refreshes.get();
  }

  void drop(DhtDrop reason) {
    drops.incrementAndGet(reason.ordinal());
  }

  void closeList(int size, int good) {
    closeListSize = size;
    goodNodes = good;
  }

  /**
   * Packets of {@code kind} received.
   *
   * @param kind a packet kind
   * @return the count since start
   */
  public long received(DhtPacketKind kind) {
    return in.get(kind.ordinal());
  }

  /**
   * Packets of {@code kind} sent (forwarded crypto requests included).
   *
   * @param kind a packet kind
   * @return the count since start
   */
  public long sent(DhtPacketKind kind) {
    return out.get(kind.ordinal());
  }

  /**
   * Inbound packets dropped for {@code reason}.
   *
   * @param reason a drop reason
   * @return the count since start
   */
  public long dropped(DhtDrop reason) {
    return drops.get(reason.ordinal());
  }

  /**
   * All drops.
   *
   * @return the count since start
   */
  public long dropped() {
    long n = 0;
    for (int i = 0; i < drops.length(); i++) {
      n += drops.get(i);
    }
    return n;
  }

  /**
   * Keys in the close list, as of the last update.
   *
   * @return the number of keys
   */
  public int closeListSize() {
    return closeListSize;
  }

  /**
   * Close-list keys with a good address, as of the last update.
   *
   * @return the number of good keys
   */
  public int goodNodes() {
    return goodNodes;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("DhtStats[close=" + closeListSize + " good=" + goodNodes);
    for (DhtPacketKind k : DhtPacketKind.values()) {
      if (received(k) + sent(k) > 0) {
        s.append(' ').append(k.tag()).append('=').append(received(k)).append('/').append(sent(k));
      }
    }
    for (DhtDrop d : DhtDrop.values()) {
      if (dropped(d) > 0) {
        s.append(" drop.").append(d.tag()).append('=').append(dropped(d));
      }
    }
    return s.append(']').toString();
  }
}
