package org.toxreactive.netcrypto;

import org.jspecify.annotations.Nullable;
import org.toxreactive.netcrypto.packet.PacketRequest;
import org.toxreactive.netcrypto.packet.PacketRing;

/**
 * Our side of the lossless stream (docs/protocol.md 4.9-4.10): numbers messages into the 32768-slot
 * send ring, sends them as its {@link CongestionController} allows, releases them on the peer's
 * cumulative ack ({@code buffer_start}) or when a packet request shows they arrived, and resends
 * what a request reports missing. Not thread-safe: runs on the engine's worker.
 *
 * <p>{@code T} is what a packet's data is kept as until it is acknowledged: the {@link Message}
 * itself in a session (its payload is immutable, so it is not copied), whatever a test likes.
 *
 * <p>Per packet it allocates nothing once warm: numbers wait in an int deque (no boxing), a request
 * is decoded into a reused array, and the per-packet records of released packets are recycled (up
 * to {@link #POOL} of them).
 */
final class SendBuffer<T> {
  /** Puts one data packet on the wire. */
  interface Out<T> {
    void send(int num, T data);
  }

  /**
   * Released records kept for reuse, at most (32 KB of them); never more than the ring has slots,
   * so a session that sent little keeps little.
   */
  static final int POOL = 1024;

  private static final class Outgoing<T> {
    @Nullable T data;
    long sentAt; // 0 = waiting to be (re)sent
    boolean queued;
    boolean retransmitted;
    @Nullable Outgoing<T> nextFree;
  }

  private final PacketRing<Outgoing<T>> ring = new PacketRing<>();
  private final IntDeque toSend = new IntDeque();
  private @Nullable Outgoing<T> free; // recycled records, linked through nextFree
  private int freeCount;
  private int[] requested = new int[16]; // onRequest's decoded numbers, grown on demand
  private final CongestionController cc;
  private final RttEstimator rtt;
  private int inFlight;
  private long retransmissions;
  private long sentNew;
  private long reportedLost;
  private long lastProgressAt;
  private long acknowledged;

  /** {@code cc} decides when to send; {@code rtt} is fed one sample per ack and times resends. */
  SendBuffer(CongestionController cc, RttEstimator rtt) {
    this.cc = cc;
    this.rtt = rtt;
  }

  /** The number the next message gets; also what our packets carry as {@code num}. */
  int end() {
    return ring.end();
  }

  /** Messages sent or queued but not yet acknowledged. */
  int unacked() {
    return ring.span();
  }

  long retransmissions() {
    return retransmissions;
  }

  /** Slots the send ring has allocated now (it grows with the window, up to 32768). */
  int ringCapacity() {
    return ring.capacity();
  }

  /** New packets sent so far (first transmissions only). */
  long sentNew() {
    return sentNew;
  }

  /**
   * Messages the peer has acknowledged in order so far: how far its {@code buffer_start} moved,
   * counted from the first message numbered (a packet request that shows a later one arrived does
   * not count it until the holes before it are filled).
   */
  long acknowledged() {
    return acknowledged;
  }

  /** Packets the peer reported missing (and we marked for resending) so far. */
  long reportedLost() {
    return reportedLost;
  }

  /**
   * Room for new messages: what the window has not used yet, and never more than the ring holds.
   * This is what the application's publisher is asked for, so nothing buffers without bound.
   */
  int capacity() {
    int ringFree = PacketRing.SIZE - ring.span();
    int windowFree = cc.window() - inFlight - toSend.size();
    return Math.max(0, Math.min(ringFree, windowFree));
  }

  /** Numbers a message; it goes out on the next {@link #pump}. */
  void queue(T data) {
    int n = ring.end();
    Outgoing<T> o = take(data);
    ring.store(n, o);
    o.queued = true;
    toSend.addLast(n);
  }

  /** Whether {@code bufferStart} acknowledges only what we sent (anything else is a bad packet). */
  boolean validAck(int bufferStart) {
    return Integer.compareUnsigned(bufferStart - ring.start(), ring.span()) <= 0;
  }

  /** Releases everything below the peer's {@code buffer_start}; returns how many were released. */
  int ack(int bufferStart, long now) {
    int released = 0;
    long newestSentAt = 0;
    while (ring.start() != bufferStart) {
      Outgoing<T> o = ring.remove(ring.start());
      ring.moveStart(ring.start() + 1);
      acknowledged++;
      if (o != null) {
        released++;
        lastProgressAt = now;
        if (o.sentAt != 0) {
          inFlight--;
          newestSentAt = o.retransmitted ? 0 : o.sentAt;
        }
        cc.acked(inFlight);
        recycle(o);
      }
    }
    sample(newestSentAt, now);
    return released;
  }

  private Outgoing<T> take(T data) {
    Outgoing<T> o = free;
    if (o == null) {
      o = new Outgoing<>();
    } else {
      free = o.nextFree;
      o.nextFree = null;
      freeCount--;
    }
    o.data = data;
    return o;
  }

  /** {@code o} has left the ring: nothing refers to it any more (toSend holds numbers). */
  private void recycle(Outgoing<T> o) {
    o.data = null;
    o.sentAt = 0;
    o.queued = false;
    o.retransmitted = false;
    if (freeCount < Math.min(POOL, ring.capacity())) {
      o.nextFree = free;
      free = o;
      freeCount++;
    }
  }

  /**
   * One RTT sample per ack, from the newest packet it released: the older ones may have waited
   * behind a hole at the peer, and their "RTT" would be the repair time.
   */
  private void sample(long sentAt, long now) {
    if (sentAt != 0) {
      rtt.sample(now - sentAt);
      cc.rttSampled();
    }
  }

  /**
   * A packet request from the peer: marks the requested packets sent more than a round trip ago for
   * resending (a younger one may still be on its way) and releases those before the last requested
   * one that were not requested (the peer has them). Returns how many were released.
   */
  int onRequest(byte[] request, long now) {
    if (this.requested.length < request.length - 1) {
      this.requested = new int[request.length - 1]; // a longer request than before: grow once
    }
    int[] requested = this.requested;
    int count = PacketRequest.decode(request, ring.start(), ring.end(), requested);
    if (count <= 0) {
      return 0;
    }
    int lastRequested = requested[count - 1];
    boolean loss = false;
    for (int i = 0; i < count; i++) {
      int n = requested[i];
      Outgoing<T> o = ring.get(n);
      if (o != null && o.sentAt != 0 && now - o.sentAt > rtt.resendAfter()) {
        o.sentAt = 0;
        o.retransmitted = true;
        inFlight--;
        loss = true;
        reportedLost++;
        if (!o.queued) {
          o.queued = true;
          toSend.addFirst(n);
        }
      }
    }
    int released = 0;
    long newestSentAt = 0;
    int k = 0; // requested numbers come in ascending ring order
    for (int n = ring.start(); n != lastRequested; n++) {
      if (k < count && requested[k] == n) {
        k++;
        continue;
      }
      Outgoing<T> o = ring.get(n);
      if (o != null && o.sentAt != 0) {
        ring.remove(n);
        inFlight--;
        released++;
        lastProgressAt = now;
        newestSentAt = o.retransmitted ? 0 : o.sentAt;
        recycle(o);
      }
    }
    sample(newestSentAt, now);
    if (loss) {
      cc.lost(now);
    }
    return released;
  }

  /**
   * Sends queued packets while congestion control allows. Repairs go first and bypass the window:
   * the window may be full of packets the peer already holds behind the very hole this one fills
   * (c-toxcore keeps a separate budget for them too). They are paced like new packets, though: a
   * request reporting hundreds of holes sent as one burst on top of a full window overflowed the
   * receiver's socket buffer again and lost the repairs with it.
   */
  void pump(long now, Out<T> out) {
    cc.refill(now);
    while (!toSend.isEmpty()) {
      int n = toSend.peekFirst();
      Outgoing<T> o = ring.get(n);
      if (o != null
          && o.sentAt == 0
          && (o.retransmitted ? !cc.mayResend() : !cc.maySend(inFlight))) {
        break;
      }
      toSend.pollFirst();
      if (o == null || o.sentAt != 0) {
        if (o != null) {
          o.queued = false;
        }
        continue;
      }
      o.queued = false;
      if (o.retransmitted) {
        retransmissions++;
      } else {
        sentNew++;
      }
      cc.spent();
      o.sentAt = now == 0 ? 1 : now;
      if (inFlight == 0) {
        lastProgressAt = now; // a new flight: the stall clock starts now
      }
      inFlight++;
      T data = o.data;
      if (data != null) { // always: only a record the ring let go of is cleared (recycle)
        out.send(n, data);
      }
    }
  }

  /**
   * Whether data is in flight and nothing has been acknowledged for {@code timeoutMillis}: the path
   * it went on is probably dead or blackholed.
   */
  boolean stalled(long now, long timeoutMillis) {
    return inFlight > 0 && now - lastProgressAt > timeoutMillis;
  }

  /**
   * Marks every packet in flight for sending again (on whatever path is chosen next), ahead of new
   * data and outside the window. Not a congestion signal: the packets were lost with their path.
   */
  int resendInFlight(long now) {
    int n = 0;
    // newest first, each to the front: the oldest ends up first, ahead of new data
    for (int i = ring.end() - 1; i != ring.start() - 1; i--) {
      Outgoing<T> o = ring.get(i);
      if (o != null && o.sentAt != 0) {
        o.sentAt = 0;
        o.retransmitted = true;
        inFlight--;
        n++;
        if (!o.queued) {
          o.queued = true;
          toSend.addFirst(i);
        }
      }
    }
    lastProgressAt = now;
    return n;
  }

  /** A growable ring of ints: ArrayDeque's operations used here, without boxing. */
  static final class IntDeque {
    private int[] items = new int[16];
    private int head; // index of the first
    private int size;

    boolean isEmpty() {
      return size == 0;
    }

    int size() {
      return size;
    }

    void addLast(int v) {
      if (size == items.length) {
        grow();
      }
      items[(head + size) & (items.length - 1)] = v;
      size++;
    }

    void addFirst(int v) {
      if (size == items.length) {
        grow();
      }
      head = (head - 1) & (items.length - 1);
      items[head] = v;
      size++;
    }

    /** The first; only when not empty. */
    int peekFirst() {
      return items[head];
    }

    /** Removes and returns the first; only when not empty. */
    int pollFirst() {
      int v = items[head];
      head = (head + 1) & (items.length - 1);
      size--;
      return v;
    }

    private void grow() {
      int[] bigger = new int[items.length * 2];
      int firstPart = Math.min(size, items.length - head);
      System.arraycopy(items, head, bigger, 0, firstPart);
      System.arraycopy(items, 0, bigger, firstPart, size - firstPart);
      items = bigger;
      head = 0;
    }
  }

  @Override
  public String toString() {
    return "send="
        + ring.start()
        + ".."
        + ring.end()
        + " inFlight="
        + inFlight
        + " toSend="
        + toSend.size()
        + " resent="
        + retransmissions
        + " "
        + cc
        + " losses="
        + cc.lossEvents();
  }
}
