package org.toxreactive.netcrypto;

import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.packet.NonceWindow;
import org.toxreactive.netcrypto.packet.PacketRequest;
import org.toxreactive.netcrypto.packet.PacketRing;

/**
 * One crypto connection's state machine (PROTOCOL.md 4.14): COOKIE_REQUESTING -> HANDSHAKE_SENT ->
 * NOT_CONFIRMED -> ESTABLISHED. Runs on the engine's single worker; all time comes from the engine.
 * The data plane (numbering, acks, requests, resends, window) is here; delivery and the reactive
 * surface are in {@link Connection}.
 */
final class Session {
  enum State {
    COOKIE_REQUESTING,
    HANDSHAKE_SENT,
    NOT_CONFIRMED,
    ESTABLISHED,
    CLOSED
  }

  static final long SEND_PACKET_INTERVAL = 1000;
  static final int MAX_TRIES = 8;
  static final long REQUEST_INTERVAL = 1000;
  static final long ACK_DELAY = 20;
  static final int INITIAL_WINDOW = 64;
  static final int MIN_WINDOW = 64;
  static final int RING = 32768;

  final Engine engine;
  final PublicKey peerReal;
  PublicKey peerDht;
  final Connection connection;
  State state;

  // handshake
  private final long echoId = ThreadLocalRandom.current().nextLong();
  private final SharedKey dhtShared;
  private final SharedKey realShared;
  private byte[] tempPacket;
  private int tempTries;
  private long tempSentAt;
  private KeyPair sessionKeys;
  private Nonce baseNonce;
  private byte[] sendNonce;
  private SharedKey sessionKey;
  private NonceWindow recvNonce;
  private final CryptoBox box = new CryptoBox();

  // paths
  final Set<Path> paths = new LinkedHashSet<>();
  Path lastHeard;
  long lastHeardAt;

  // data plane
  private final PacketRing<Outgoing> sendRing = new PacketRing<>();
  private final PacketRing<byte[]> recvRing = new PacketRing<>();
  private final ArrayDeque<Integer> toSend = new ArrayDeque<>();
  private int inFlight;
  private double window = INITIAL_WINDOW;
  private double ssthresh = RING;
  private long lastLossAt = Long.MIN_VALUE / 2;
  private long srtt = -1;
  private long lastRequestSentAt = Long.MIN_VALUE / 2;
  private int receivedSinceAck;

  static final class Outgoing {
    final byte[] data;
    long sentAt; // 0 = waiting to be (re)sent
    boolean queued;
    boolean retransmitted;

    Outgoing(byte[] data) {
      this.data = data;
    }
  }

  Session(Engine engine, PublicKey peerReal, PublicKey peerDht) {
    this.engine = engine;
    this.peerReal = peerReal;
    this.peerDht = peerDht;
    this.dhtShared = engine.sharedDht(peerDht);
    this.realShared = engine.sharedReal(peerReal);
    this.connection = new Connection(this);
  }

  long now() {
    return engine.now();
  }

  // ================================================================= handshake (initiator)

  /** Starts as initiator: cookie request on every known path, resent every second. */
  void startCookieRequest() {
    state = State.COOKIE_REQUESTING;
    tempPacket =
        engine
            .wire()
            .cookieRequest(
                dhtShared,
                engine.dhtKeys().publicKey(),
                engine.realKeys().publicKey(),
                echoId,
                box);
    tempTries = 0;
    sendTemp();
  }

  private void sendTemp() {
    tempTries++;
    tempSentAt = now();
    for (Path p : paths) {
      engine.send(p, tempPacket);
    }
  }

  void onCookieResponse(byte[] packet, Path from) {
    if (state != State.COOKIE_REQUESTING) {
      return;
    }
    Wire.CookieReply r = engine.wire().openCookieResponse(dhtShared, packet, box);
    if (r == null || r.echoId() != echoId) {
      return;
    }
    heard(from);
    newSessionKeys();
    tempPacket = handshakePacket(r.cookie());
    state = State.HANDSHAKE_SENT;
    tempTries = 0;
    sendTemp();
  }

  private void newSessionKeys() {
    sessionKeys = KeyPair.generate();
    baseNonce = Nonce.random();
    sendNonce = baseNonce.toArray();
  }

  private byte[] handshakePacket(byte[] peerCookie) {
    byte[] otherCookie = engine.wire().mintCookie(engine.nowSeconds(), peerReal, peerDht, box);
    return engine
        .wire()
        .handshake(realShared, peerCookie, baseNonce, sessionKeys.publicKey(), otherCookie, box);
  }

  /**
   * A handshake for this connection (its outer cookie already validated by the engine and naming
   * our peer). Accepted in the handshake states; ignored once established.
   */
  void onHandshake(Wire.HandshakeOpened h, Path from) {
    if (state == State.ESTABLISHED || state == State.CLOSED) {
      return;
    }
    if (state == State.NOT_CONFIRMED && sessionKey != null) {
      return; // a late handshake cannot reset a live connection
    }
    heard(from);
    if (state == State.COOKIE_REQUESTING || sessionKeys == null) {
      newSessionKeys();
    }
    recvNonce = new NonceWindow(h.baseNonce().toArray());
    sessionKey = CryptoBox.beforenm(h.sessionKey(), sessionKeys.secretKey());
    boolean mustAnswer = state != State.HANDSHAKE_SENT;
    state = State.NOT_CONFIRMED;
    if (mustAnswer) {
      // acceptor, or simultaneous open: answer with the cookie the peer minted for us
      tempPacket = handshakePacket(h.otherCookie());
      tempTries = 0;
      sendTemp();
    }
    connection.statusChanged();
  }

  // ================================================================= data plane

  void onData(byte[] packet, Path from) {
    if (sessionKey == null || state == State.CLOSED) {
      return;
    }
    int fragment = ((packet[1] & 0xFF) << 8) | (packet[2] & 0xFF);
    byte[] nonce = recvNonce.candidate(fragment);
    Wire.DataOpened d = engine.wire().openData(sessionKey, nonce, packet, box);
    if (d == null) {
      engine.decryptFailed(this, from);
      return;
    }
    recvNonce.accept(fragment);
    heard(from);

    // cumulative ack through the header's buffer_start
    int ack = d.bufferStart();
    if (Integer.compareUnsigned(ack - sendRing.start(), sendRing.end() - sendRing.start()) > 0) {
      return; // acks beyond what we ever sent: reject the packet
    }
    releaseUpTo(ack);

    int id = d.data()[0] & 0xFF;
    if (id == 2) { // kill
      engine.closed(this, null, true);
      return;
    }
    if (state == State.NOT_CONFIRMED) {
      state = State.ESTABLISHED;
      tempPacket = null;
      connection.established();
    }
    if (id == 1) {
      recvRing.setEnd(d.num());
      onRequest(d.data());
    } else if (Message.isLossless(id)) {
      if (recvRing.store(d.num(), d.data())) {
        receivedSinceAck++;
        connection.drainLossless();
      }
    } else if (Message.isLossy(id)) {
      recvRing.setEnd(d.num());
      connection.deliverLossy(Message.fromData(d.data()));
    }
    // ids 3..15 and 255: dropped
  }

  private void heard(Path from) {
    lastHeard = from;
    lastHeardAt = now();
    if (paths.add(from)) {
      engine.pathAdded(this, from);
      connection.statusChanged();
    }
  }

  private void releaseUpTo(int ack) {
    long now = now();
    while (sendRing.start() != ack) {
      Outgoing o = sendRing.remove(sendRing.start());
      sendRing.moveStart(sendRing.start() + 1);
      if (o != null) {
        if (o.sentAt != 0) {
          inFlight--;
          if (!o.retransmitted) {
            sampleRtt(now - o.sentAt);
          }
        }
        grow();
        connection.acked(1);
      }
    }
  }

  private void onRequest(byte[] data) {
    PacketRequest.Requested r = PacketRequest.decode(data, sendRing.start(), sendRing.end());
    if (r == null) {
      return;
    }
    long now = now();
    boolean loss = false;
    for (int n : r.requestedNumbers()) {
      Outgoing o = sendRing.get(n);
      if (o != null && o.sentAt != 0 && now - o.sentAt > rtt()) {
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
    // everything before the last requested packet that was not requested has arrived
    if (r.requestedNumbers().length > 0) {
      int last = r.lastRequested();
      for (int n = sendRing.start(); n != last; n++) {
        Outgoing o = sendRing.get(n);
        if (o != null && o.sentAt != 0 && !contains(r.requestedNumbers(), n)) {
          sendRing.remove(n);
          inFlight--;
          connection.acked(1);
        }
      }
    }
    if (loss && now - lastLossAt > rtt()) {
      lastLossAt = now;
      // Random loss is not always congestion: back off gently, never below c-toxcore's 64.
      window = Math.max(MIN_WINDOW, window * 0.7);
      ssthresh = window;
    }
    pump();
  }

  private static boolean contains(int[] a, int v) {
    for (int x : a) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }

  private void grow() {
    window = window < ssthresh ? window + 1 : window + 1 / window;
    if (window > RING) {
      window = RING;
    }
  }

  /**
   * Keeps the minimum RTT seen, as c-toxcore does: cumulative acks of packets that waited behind a
   * hole come late, so averages would grow with loss and slow every repair down.
   */
  private void sampleRtt(long sample) {
    srtt = srtt < 0 ? sample : Math.min(srtt, sample);
  }

  long rtt() {
    return srtt < 0 ? 200 : Math.max(srtt, 5);
  }

  /** Room for new lossless messages (send ring and window). */
  int sendCapacity() {
    int ringFree = RING - (sendRing.end() - sendRing.start());
    int windowFree = (int) window - inFlight - toSend.size();
    return Math.max(0, Math.min(ringFree, Math.max(windowFree, 0)));
  }

  /** Numbers a lossless message and sends it when the window allows. */
  void queueLossless(Message m) {
    int n = sendRing.end();
    Outgoing o = new Outgoing(m.toData());
    sendRing.store(n, o);
    o.queued = true;
    toSend.addLast(n);
    pump();
  }

  void sendLossy(Message m) {
    sendDataPacket(recvRing.start(), sendRing.end(), m.toData());
  }

  /** Sends queued packets while the window has room. */
  void pump() {
    if (state != State.ESTABLISHED && state != State.NOT_CONFIRMED) {
      return;
    }
    long now = now();
    while (!toSend.isEmpty()) {
      int n = toSend.peekFirst();
      Outgoing o = sendRing.get(n);
      // Repairs go out whatever the window says: the window may be full of packets the peer
      // already holds behind the very hole this one fills (c-toxcore keeps a separate budget).
      if (o != null && !o.retransmitted && inFlight >= (int) window) {
        break;
      }
      toSend.pollFirst();
      if (o == null) {
        continue;
      }
      o.queued = false;
      if (o.sentAt != 0) {
        continue;
      }
      o.sentAt = now == 0 ? 1 : now;
      inFlight++;
      sendDataPacket(recvRing.start(), n, o.data);
    }
  }

  private void sendDataPacket(int bufferStart, int num, byte[] data) {
    Path p = engine.bestPath(this);
    if (p == null) {
      return;
    }
    byte[] packet = engine.wire().data(sessionKey, sendNonce, bufferStart, num, data, box);
    Nonce.incrementInPlace(sendNonce);
    engine.send(p, packet);
  }

  void sendRequest() {
    lastRequestSentAt = now();
    receivedSinceAck = 0;
    sendDataPacket(recvRing.start(), sendRing.end(), PacketRequest.encode(recvRing));
  }

  void sendKill() {
    if (state == State.ESTABLISHED) {
      sendDataPacket(recvRing.start(), sendRing.end(), new byte[] {2});
    }
  }

  /** Pops in-order lossless data while {@code demand} allows; returns what was popped. */
  byte[] pollInOrder() {
    byte[] d = recvRing.get(recvRing.start());
    if (d != null) {
      recvRing.remove(recvRing.start());
      recvRing.moveStart(recvRing.start() + 1);
    }
    return d;
  }

  @Override
  public String toString() {
    return "Session["
        + state
        + " window="
        + (int) window
        + " inFlight="
        + inFlight
        + " toSend="
        + toSend.size()
        + " send="
        + sendRing.start()
        + ".."
        + sendRing.end()
        + " recv="
        + recvRing.start()
        + ".."
        + recvRing.end()
        + " rtt="
        + rtt()
        + "]";
  }

  /** Unacknowledged lossless messages. */
  int unacked() {
    return sendRing.end() - sendRing.start();
  }

  // ================================================================= timers

  /** Called every tick; returns false if the session must close (reason already given). */
  void tick() {
    long now = now();
    if (tempPacket != null && now - tempSentAt >= SEND_PACKET_INTERVAL) {
      if (tempTries >= MAX_TRIES) {
        engine.closed(
            this,
            new NetCryptoException(
                (state == State.COOKIE_REQUESTING ? "no cookie response" : "no handshake")
                    + " from "
                    + peerReal.toHex().substring(0, 16)
                    + " after "
                    + MAX_TRIES
                    + " tries"),
            false);
        return;
      }
      sendTemp();
    }
    if (state == State.NOT_CONFIRMED || state == State.ESTABLISHED) {
      if (now - lastHeardAt >= engine.idleTimeoutMillis()) {
        engine.closed(
            this,
            new NetCryptoException(
                "peer "
                    + peerReal.toHex().substring(0, 16)
                    + " silent for "
                    + (now - lastHeardAt)
                    + " ms"),
            false);
        return;
      }
      boolean holes = recvRing.end() != recvRing.start();
      long interval =
          holes || receivedSinceAck > 0 || unacked() > 0
              ? Math.max(ACK_DELAY, rtt() / 2)
              : REQUEST_INTERVAL;
      if (now - lastRequestSentAt >= interval) {
        sendRequest();
      }
      pump();
    }
  }
}
