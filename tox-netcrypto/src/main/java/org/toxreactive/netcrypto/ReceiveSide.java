package org.toxreactive.netcrypto;

import org.jspecify.annotations.Nullable;
import org.toxreactive.core.Bytes;
import org.toxreactive.netcrypto.packet.PacketRequest;
import org.toxreactive.netcrypto.packet.PacketRing;

/**
 * The peer's side of the lossless stream as we receive it (docs/protocol.md 4.9-4.10): the receive
 * ring the subscriber drains in order, the receive window that bounds it, and when our acks are
 * due. Every data packet we send carries the ring's start ({@code buffer_start}, a cumulative ack),
 * so a packet request is needed only when nothing else carried the ack soon enough, when holes are
 * open, or as a keepalive. Not thread-safe: runs on the engine's worker.
 */
final class ReceiveSide {
  /** Where packet requests are written, one at a time on the worker (id byte first). */
  private final byte[] requestScratch = new byte[PacketRequest.MAX_DATA];

  /**
   * Requests go out at least this often, as keepalive and ack, when nothing needs one sooner
   * (c-toxcore's CRYPTO_SEND_PACKET_INTERVAL).
   */
  static final long REQUEST_INTERVAL = 1000;

  /**
   * ...this often while holes are open (there is something to request), and this long at most after
   * a lossless packet arrived that nothing of ours has acknowledged yet: every data packet carries
   * our {@code buffer_start}, so a message we send within this time (a reply, an echo, the next of
   * a stream) is the ack, and no request is needed. Our own unacknowledged data is no reason to
   * send one: a request asks the peer for nothing of that. (Sending every 20 ms while ours was
   * unacknowledged made ten times c-toxcore's requests per data packet.)
   */
  static final long ACK_DELAY = 20;

  /**
   * ...and at once after this many new lossless packets: the sender's window slides on our acks, so
   * an ack clock of one timer tick would cap its rate at window / (RTT + tick). c-toxcore acks at
   * most every 50 ms, which is one reason its transfers need huge windows to go fast.
   */
  static final int ACK_EVERY = 16;

  private final PacketRing<byte[]> ring = new PacketRing<>();
  private final int window;
  private long lastRequestSentAt = Long.MIN_VALUE / 2;
  private long beyondWindow;

  /** Lossless packets received since our last packet (of any kind) carried the ack. */
  private int receivedSinceAck;

  /** When the first of them arrived. */
  private long unackedSince;

  private long requestsReceived;
  private long dataPacketsReceived;

  /** {@code window}: lossless messages stored ahead of the subscriber, at most. */
  ReceiveSide(int window) {
    this.window = window;
  }

  /** Our {@code buffer_start}: what every data packet we send acknowledges. */
  int start() {
    return ring.start();
  }

  /** A peer's packet opened: a packet request or another one. */
  void counted(boolean request) {
    if (request) {
      requestsReceived++;
    } else {
      dataPacketsReceived++;
    }
  }

  /**
   * A lossless message numbered {@code num}. Returns true if it was stored (new, within the
   * window): the subscriber may take it. One beyond the window is neither stored nor acknowledged,
   * so the peer's window stops sliding; it sends the packet again when our requests reach it.
   */
  boolean onLossless(int num, byte[] data, long now) {
    int ahead = num - ring.start();
    if (Integer.compareUnsigned(ahead, PacketRing.SIZE) < 0 && ahead >= window) {
      beyondWindow++;
      return false;
    }
    if (ring.store(num, data)) {
      if (receivedSinceAck++ == 0) {
        unackedSince = now;
      }
      return true;
    }
    if (receivedSinceAck == 0) {
      // a duplicate: the peer resends because our ack was lost (maybe with its path), so ack
      // soon even if nothing new came
      receivedSinceAck = 1;
      unackedSince = now;
    }
    return false;
  }

  /** Whether so many lossless packets came since the last ack that one should go at once. */
  boolean ackNow() {
    return receivedSinceAck >= ACK_EVERY;
  }

  /**
   * A request, lossy message or kill carries the peer's send ring end as {@code num}: our ring's
   * end moves there (so lost packets at the tail of a burst become holes), but never past the
   * receive window, so the holes our requests report (and the frontier they release) stay within
   * what we would store.
   */
  void onUnnumbered(int num) {
    int ahead = num - ring.start();
    if (Integer.compareUnsigned(ahead, PacketRing.SIZE) <= 0 && ahead > window) {
      num = ring.start() + window;
    }
    ring.setEnd(num);
  }

  /** Whether a packet request is due now (see the constants). */
  boolean requestDue(long now) {
    if (ring.span() != 0) {
      return now - lastRequestSentAt >= ACK_DELAY; // holes: ask for them
    }
    if (receivedSinceAck > 0) {
      return now - unackedSince >= ACK_DELAY; // an ack nothing else has carried
    }
    return now - lastRequestSentAt >= REQUEST_INTERVAL;
  }

  /**
   * The packet request for our holes, without its id byte, counted as the ack it is: a view of this
   * side's one request array, valid until the next request (the sender seals it at once).
   */
  Bytes request(long now) {
    lastRequestSentAt = now;
    receivedSinceAck = 0;
    return keepaliveRequest();
  }

  /** The same request for another path, as its keepalive: our ack timers are not touched. */
  Bytes keepaliveRequest() {
    int length = PacketRequest.encode(ring, true, requestScratch);
    return Bytes.adopt(requestScratch, 1, length - 1);
  }

  /**
   * A message of ours went out on the chosen path: its {@code buffer_start} acknowledges everything
   * we hold when no hole is open, so no request is due for it.
   */
  void ackCarried() {
    if (ring.span() == 0) {
      receivedSinceAck = 0;
    }
  }

  /** The next in-order lossless message without taking it, or null if it has not arrived. */
  byte @Nullable [] peekInOrder() {
    return ring.get(ring.start());
  }

  /** Pops the next in-order lossless message, or null if it has not arrived. */
  byte @Nullable [] pollInOrder() {
    byte[] d = ring.get(ring.start());
    if (d != null) {
      ring.remove(ring.start());
      ring.moveStart(ring.start() + 1);
    }
    return d;
  }

  /** Lossless messages received and waiting for the subscriber's demand (holes included). */
  int buffered() {
    return ring.span();
  }

  /** Lossless packets that arrived beyond the receive window (not stored, sent again later). */
  long beyondWindow() {
    return beyondWindow;
  }

  long requestsReceived() {
    return requestsReceived;
  }

  long dataPacketsReceived() {
    return dataPacketsReceived;
  }

  /** Slots the ring has allocated now. */
  int ringCapacity() {
    return ring.capacity();
  }

  @Override
  public String toString() {
    return "recv=" + ring.start() + ".." + ring.end();
  }
}
