package org.toxreactive.netcrypto;

import java.util.ArrayDeque;
import org.toxreactive.netcrypto.packet.PacketRequest;
import org.toxreactive.netcrypto.packet.PacketRing;

/**
 * Our side of the lossless stream (PROTOCOL.md 4.9-4.10): numbers messages into the 32768-slot send
 * ring, sends them as {@link Congestion} allows, releases them on the peer's cumulative ack ({@code
 * buffer_start}) or when a packet request shows they arrived, and resends what a request reports
 * missing. Not thread-safe: runs on the engine's worker.
 */
final class SendBuffer {
  /** Puts one data packet on the wire. */
  interface Out {
    void send(int num, byte[] data);
  }

  private static final class Outgoing {
    final byte[] data;
    long sentAt; // 0 = waiting to be (re)sent
    boolean queued;
    boolean retransmitted;

    Outgoing(byte[] data) {
      this.data = data;
    }
  }

  private final PacketRing<Outgoing> ring = new PacketRing<>();
  private final ArrayDeque<Integer> toSend = new ArrayDeque<>();
  private final Congestion cc;
  private int inFlight;
  private long retransmissions;

  SendBuffer(Congestion cc) {
    this.cc = cc;
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
  void queue(byte[] data) {
    int n = ring.end();
    Outgoing o = new Outgoing(data);
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
    while (ring.start() != bufferStart) {
      Outgoing o = ring.remove(ring.start());
      ring.moveStart(ring.start() + 1);
      if (o != null) {
        released++;
        if (o.sentAt != 0) {
          inFlight--;
          if (!o.retransmitted) {
            cc.rttSample(now - o.sentAt);
          }
        }
        cc.acked(inFlight);
      }
    }
    return released;
  }

  /**
   * A packet request from the peer: marks the requested packets sent more than a round trip ago for
   * resending (a younger one may still be on its way) and releases those before the last requested
   * one that were not requested (the peer has them). Returns how many were released.
   */
  int onRequest(byte[] request, long now) {
    PacketRequest.Requested r = PacketRequest.decode(request, ring.start(), ring.end());
    if (r == null || r.requestedNumbers().length == 0) {
      return 0;
    }
    int[] requested = r.requestedNumbers();
    boolean loss = false;
    for (int n : requested) {
      Outgoing o = ring.get(n);
      if (o != null && o.sentAt != 0 && now - o.sentAt > cc.rtt()) {
        o.sentAt = 0;
        o.retransmitted = true;
        inFlight--;
        loss = true;
        if (!o.queued) {
          o.queued = true;
          toSend.addFirst(n);
        }
      }
    }
    int released = 0;
    int k = 0; // requested numbers come in ascending ring order
    for (int n = ring.start(); n != r.lastRequested(); n++) {
      if (k < requested.length && requested[k] == n) {
        k++;
        continue;
      }
      Outgoing o = ring.get(n);
      if (o != null && o.sentAt != 0) {
        ring.remove(n);
        inFlight--;
        released++;
      }
    }
    if (loss) {
      cc.lost(now);
    }
    return released;
  }

  /**
   * Sends queued packets while congestion control allows. Repairs go first and bypass the window:
   * the window may be full of packets the peer already holds behind the very hole this one fills
   * (c-toxcore keeps a separate budget for them too).
   */
  void pump(long now, Out out) {
    cc.refill(now);
    while (!toSend.isEmpty()) {
      int n = toSend.peekFirst();
      Outgoing o = ring.get(n);
      if (o != null && o.sentAt == 0 && !o.retransmitted && !cc.maySend(inFlight)) {
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
        cc.spent();
      }
      o.sentAt = now == 0 ? 1 : now;
      inFlight++;
      out.send(n, o.data);
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
        + " "
        + cc;
  }
}
