package org.toxreactive.netcrypto;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.SessionState.Channel;
import org.toxreactive.netcrypto.SessionState.Closed;
import org.toxreactive.netcrypto.SessionState.CookieRequesting;
import org.toxreactive.netcrypto.SessionState.Established;
import org.toxreactive.netcrypto.SessionState.HandshakeSent;
import org.toxreactive.netcrypto.SessionState.Handshaking;
import org.toxreactive.netcrypto.SessionState.NotConfirmed;
import org.toxreactive.netcrypto.SessionState.OwnKeys;
import org.toxreactive.netcrypto.SessionState.Temp;
import org.toxreactive.netcrypto.packet.CookieRequest;
import org.toxreactive.netcrypto.packet.CookieResponse;
import org.toxreactive.netcrypto.packet.DataPacket;
import org.toxreactive.netcrypto.packet.Handshake;
import org.toxreactive.netcrypto.packet.PacketRequest;
import org.toxreactive.netcrypto.packet.PacketRing;

/**
 * One crypto connection: the handshake as a {@link SessionState} sum type, the receive side of the
 * data plane, and the timers. Runs on the engine's single worker; all time comes from the engine.
 * Sending is in {@link SendBuffer} (with {@link Congestion}); delivery and the reactive surface are
 * in {@link Connection}.
 */
final class Session {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Session.class);

  /** CRYPTO_SEND_PACKET_INTERVAL: the temp packet is resent this often. */
  static final long SEND_PACKET_INTERVAL = 1000;

  /** MAX_NUM_SENDPACKET_TRIES. */
  static final int MAX_TRIES = 8;

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

  /** Every path other than the chosen one carries a request this often, as its keepalive. */
  static final long KEEPALIVE_INTERVAL = 1000;

  /** Data unacknowledged this long (or 4 RTTs if longer) makes its path suspect. */
  static final long STALL_MILLIS = 250;

  /**
   * After leaving a path that died (down, failed, stalled), how long the new path has before a
   * stall verdict: the peer's replies were lost with the old path and it must notice the death
   * itself before they come on the new one.
   */
  static final long LOST_PATH_GRACE = 1_000;

  /**
   * After direct UDP has carried the data this long, the relay paths are put on standby (a relay
   * pool gives up their routes), and woken as soon as data leaves UDP (docs/protocol.md 4.15).
   */
  static final long SLEEP_RELAYS_AFTER = 10_000;

  /**
   * A path that loses more than this share of what we send on it, over a second with at least
   * {@link #LOSS_SAMPLE} packets, is left for another live path (a relay dropping packets). With no
   * other path the loss is only a congestion signal.
   */
  static final double LOSSY_PATH = 0.2;

  static final int LOSS_SAMPLE = 50;

  final Engine engine;
  final PublicKey peerReal;
  PublicKey peerDht;
  final Connection connection;
  SessionState state;

  /**
   * Where the peer's first handshake came from ({@link Engine#sourceOf}) for a session a peer
   * opened to us; null for one we opened. Counted against the per-source cap while it lives.
   */
  Object source;

  private final SharedKey realShared;

  /** Ours with the peer's DHT key: only an initiator needs it (cookie request and response). */
  private SharedKey dhtShared;

  private final CryptoBox box = new CryptoBox();

  /** The expanded nonce of the data packet being opened (engine thread only). */
  private final byte[] nonceScratch = new byte[Nonce.SIZE];

  // paths
  final PathTable paths = new PathTable();
  long lastHeardAt;
  private long lastKeepaliveAt = Long.MIN_VALUE / 2;
  private long switches;
  private long directSince = -1;
  private boolean relaysAsleep;
  private long lossWindowStart;
  private long stallGraceUntil;
  private long sentAtWindowStart;
  private long lostAtWindowStart;

  // data plane
  private final Congestion cc = new Congestion(Engine.TICK_MILLIS);
  private final SendBuffer<Message> out = new SendBuffer<>(cc);
  private final PacketRing<byte[]> recvRing = new PacketRing<>();
  private long lastRequestSentAt = Long.MIN_VALUE / 2;

  private long beyondWindow;

  /**
   * Stalls in a row with nothing acknowledged in between: each doubles the wait before the next
   * verdict (up to 32x), so a peer whose subscriber stopped reading (its window closed) is not sent
   * the whole flight again every quarter of a second.
   */
  private int stallsWithoutProgress;

  /** Lossless packets received since our last packet (of any kind) carried the ack. */
  private int receivedSinceAck;

  /** When the first of them arrived. */
  private long unackedSince;

  // what this session put on the wire and opened (also counted node-wide by the engine)
  private long requestsSent;
  private long dataPacketsSent;
  private long requestsReceived;
  private long dataPacketsReceived;

  Session(Engine engine, PublicKey peerReal, PublicKey peerDht) {
    this.engine = engine;
    this.peerReal = peerReal;
    this.peerDht = peerDht;
    this.realShared = engine.sharedReal(peerReal);
    this.connection = new Connection(this);
  }

  long now() {
    return engine.now();
  }

  /** Ours with the peer's real key: the session holds it, whatever the engine's cache forgets. */
  SharedKey realShared() {
    return realShared;
  }

  boolean isEstablished() {
    return state instanceof Established;
  }

  /** NOT_CONFIRMED or ESTABLISHED: a session key exists and a late handshake is ignored. */
  boolean hasSessionKey() {
    return state instanceof NotConfirmed || state instanceof Established;
  }

  boolean isClosed() {
    return state instanceof Closed;
  }

  private Channel channel() {
    if (state instanceof Established e) {
      return e.channel();
    }
    if (state instanceof NotConfirmed n) {
      return n.channel();
    }
    return null;
  }

  // ================================================================= handshake

  /** Starts as initiator: cookie request on every known path, resent every second. */
  void startCookieRequest() {
    long echoId = ThreadLocalRandom.current().nextLong();
    dhtShared = engine.sharedDht(peerDht);
    byte[] request =
        new CookieRequest(engine.dhtKeys().publicKey(), engine.realKeys().publicKey(), echoId)
            .encode(dhtShared, Nonce.random(), box);
    state = new CookieRequesting(echoId, Temp.first(request));
    sendTemp();
  }

  private void sendTemp() {
    Handshaking h = (Handshaking) state;
    for (Path p : paths.live()) {
      engine.send(p, h.temp().packet());
    }
    state = h.withTemp(h.temp().sent(now()));
  }

  void onCookieResponse(byte[] packet, Path from) {
    if (!(state instanceof CookieRequesting c) || dhtShared == null) {
      return;
    }
    CookieResponse r = CookieResponse.open(dhtShared, packet, box);
    if (r == null || r.echoId() != c.echoId()) {
      return;
    }
    heard(from);
    OwnKeys own = OwnKeys.generate();
    state = new HandshakeSent(own, Temp.first(handshakePacket(own, r.cookie())));
    sendTemp();
  }

  private byte[] handshakePacket(OwnKeys own, byte[] peerCookie) {
    byte[] otherCookie = engine.mintCookie(peerReal, peerDht, box);
    return new Handshake(own.baseNonce(), own.session().publicKey(), otherCookie)
        .encode(realShared, peerCookie, Nonce.random(), box);
  }

  /**
   * The peer's handshake (its outer cookie already validated by the engine and naming our peer). In
   * COOKIE_REQUESTING (simultaneous open) or as a fresh acceptor we answer with a handshake built
   * from the peer's other cookie; in HANDSHAKE_SENT ours is already out. Ignored once a session key
   * exists: a late or replayed handshake cannot reset a live connection.
   */
  void onHandshake(Handshake h, Path from) {
    if (isClosed()) {
      return;
    }
    if (hasSessionKey()) {
      // ignored, and its source is not taken as a path: a handshake can be replayed from anywhere
      return;
    }
    heard(from);
    OwnKeys own;
    Temp temp;
    if (state instanceof HandshakeSent sent) {
      own = sent.own();
      temp = sent.temp();
    } else { // COOKIE_REQUESTING, or null for a session the acceptor just created
      own = OwnKeys.generate();
      temp = Temp.first(handshakePacket(own, h.otherCookie()));
    }
    SharedKey key = CryptoBox.beforenm(h.sessionKey(), own.session().secretKey());
    boolean answer = temp.tries() == 0;
    state = new NotConfirmed(own, new Channel(key, own.baseNonce(), h.baseNonce()), temp);
    // Not the path the (stateless) cookie response came on first: the one the peer handshakes on.
    paths.adopt(from, now());
    if (answer) {
      sendTemp();
    }
    connection.statusChanged();
  }

  // ================================================================= receiving

  void onData(Bytes packet, Path from) {
    Channel ch = channel();
    if (ch == null) {
      return;
    }
    int fragment = DataPacket.nonceFragment(packet);
    byte[] nonce = ch.recvNonce.candidate(fragment, nonceScratch);
    DataPacket d = DataPacket.open(ch.key, nonce, packet, engine.scratch(), box);
    if (d == null) {
      engine.decryptFailed(this, from);
      if (paths.decryptFailed(from, now())) {
        engine.pathFailed(
            this,
            from,
            PathTable.DECRYPT_FAILURES
                + " packets failed to decrypt on this path within "
                + PathTable.FAILURE_WINDOW_MILLIS
                + " ms");
        reselect(true);
      }
      return;
    }
    if (!out.validAck(d.bufferStart())) {
      return; // acknowledges what we never sent: not a packet of this stream
    }
    ch.recvNonce.accept(fragment);
    heard(from);
    long now = now();
    int released = out.ack(d.bufferStart(), now);

    int id = d.data()[0] & 0xFF;
    if (id == PacketRequest.ID) {
      requestsReceived++;
    } else {
      dataPacketsReceived++;
    }
    engine.countReceived(id == PacketRequest.ID);
    if (id == 2) { // kill, honoured in any state that can decrypt it
      engine.closed(this, null, true);
      return;
    }
    if (state instanceof NotConfirmed) {
      state = new Established(ch);
      connection.established();
    }
    if (id == PacketRequest.ID) {
      recvRing.setEnd(withinWindow(d.num()));
      released += out.onRequest(d.data(), now);
    } else if (Message.isLossless(id)) {
      int ahead = d.num() - recvRing.start();
      if (Integer.compareUnsigned(ahead, PacketRing.SIZE) < 0 && ahead >= engine.receiveWindow) {
        // beyond what we hold for the subscriber: neither stored nor acknowledged, so the peer's
        // window stops sliding; it sends the packet again when our requests reach it
        beyondWindow++;
      } else if (recvRing.store(d.num(), d.data())) {
        if (receivedSinceAck++ == 0) {
          unackedSince = now;
        }
        connection.drainLossless();
        if (receivedSinceAck >= ACK_EVERY) {
          sendRequest();
        }
      } else if (receivedSinceAck == 0) {
        // a duplicate: the peer resends because our ack was lost (maybe with its path), so ack
        // soon even if nothing new came
        receivedSinceAck = 1;
        unackedSince = now;
      }
    } else if (Message.isLossy(id)) {
      recvRing.setEnd(withinWindow(d.num()));
      connection.deliverLossy(Message.fromData(d.data()));
    }
    // ids 0, 3..15 and 255: no meaning here, dropped
    if (released > 0) {
      stallsWithoutProgress = 0;
      connection.acked(released);
    }
    pump();
  }

  /**
   * The peer's {@code num} as the end of our receive ring, but never past the receive window: the
   * holes our requests report (and the frontier they release) stay within what we would store.
   */
  private int withinWindow(int num) {
    int ahead = num - recvRing.start();
    if (Integer.compareUnsigned(ahead, PacketRing.SIZE) <= 0 && ahead > engine.receiveWindow) {
      return recvRing.start() + engine.receiveWindow;
    }
    return num;
  }

  /** Lossless packets that arrived beyond the receive window (not stored, sent again later). */
  long beyondWindow() {
    return beyondWindow;
  }

  /** Lossless messages received and waiting for the subscriber's demand. */
  int buffered() {
    return recvRing.span();
  }

  private void heard(Path from) {
    long now = now();
    lastHeardAt = now;
    if (paths.add(from)) {
      engine.pathAdded(this, from);
    }
    boolean peerMoved = paths.heard(from, now);
    if (peerMoved) {
      log.debug("net_crypto {}: the peer moved to {}", this, from);
    }
    if (!from.equals(paths.best())) {
      reselect(peerMoved); // hearing on the chosen path changes nothing; elsewhere it may
    }
  }

  /** Adds a path we were told about (a hint, or where an acceptor heard the peer). */
  void addPath(Path p) {
    if (paths.add(p)) {
      engine.pathAdded(this, p);
    }
  }

  /** The transport's news about a path. */
  void pathEvent(Path p, boolean usable) {
    paths.down(p, !usable, now());
    if (usable) {
      paths.reportedUp(p);
    }
    if (!usable) {
      reselect(true); // a path coming up is weighed at the next tick, with its siblings' news
    }
  }

  /**
   * Chooses the data path again. When the old one was given up ({@code lostOld}), what was in
   * flight on it is sent again on the new one: it is lost with its path, and waiting for the peer's
   * requests would cost round trips.
   */
  private void reselect(boolean lostOld) {
    Path before = paths.best();
    Path after = paths.choose(now());
    if (Objects.equals(before, after)) {
      return;
    }
    if (relaysAsleep && !(after instanceof Path.Udp)) {
      standbyRelays(false);
    }
    // the loss count starts again on the new path (losses reported now were the old path's)
    lossWindowStart = now();
    // the peer needs a moment to follow us to the new path; its acks come back there after that.
    // When the old path died, its replies in flight died with it, and the peer has to find out
    // for itself (c-toxcore: hundreds of milliseconds to give a dead relay up, then a repair over
    // TCP only for packets sent more than 500 ms ago): no stall verdict on the new path before.
    stallGraceUntil =
        now() + Math.max(PathTable.FOLLOW_MILLIS + 2 * cc.rtt(), lostOld ? LOST_PATH_GRACE : 0);
    sentAtWindowStart = out.sentNew();
    lostAtWindowStart = out.reportedLost();
    if (before != null) {
      switches++;
      log.debug("net_crypto {}: data path {} -> {} (lost: {})", this, before, after, lostOld);
      if (lostOld && channel() != null) {
        out.resendInFlight(now());
      }
    }
    connection.statusChanged();
    if (channel() != null) {
      sendRequest(); // an ack on the new path at once: ours on the old one may have been lost
    }
    pump();
  }

  /** The next in-order lossless message without taking it, or null if it has not arrived. */
  byte[] peekInOrder() {
    return recvRing.get(recvRing.start());
  }

  /** Pops the next in-order lossless message, or null if it has not arrived. */
  byte[] pollInOrder() {
    byte[] d = recvRing.get(recvRing.start());
    if (d != null) {
      recvRing.remove(recvRing.start());
      recvRing.moveStart(recvRing.start() + 1);
    }
    return d;
  }

  // ================================================================= sending

  /** Room for new lossless messages (send ring and window). */
  int sendCapacity() {
    return out.capacity();
  }

  /** Lossless messages not yet acknowledged. */
  int unacked() {
    return out.unacked();
  }

  /** Numbers a lossless message and sends it when congestion control allows. */
  void queueLossless(Message m) {
    out.queue(m);
    pump();
  }

  void sendLossy(Message m) {
    sendMessage(out.end(), m);
  }

  void pump() {
    if (channel() != null) {
      out.pump(now(), this::sendMessage);
    }
  }

  /** Sends {@code data} (data id first, then payload) as one data packet on the best path. */
  private void sendDataPacket(int num, byte[] data) {
    sendDataPacketOn(sendPath(), num, data);
  }

  private void sendDataPacketOn(Path p, int num, byte[] data) {
    sendDataPacketOn(p, num, data[0] & 0xFF, Bytes.adopt(data, 1, data.length - 1));
  }

  private void sendMessage(int num, Message m) {
    sendDataPacketOn(sendPath(), num, m.id(), m.payload());
  }

  private Path sendPath() {
    Path p = paths.best();
    return p != null ? p : paths.choose(now());
  }

  /** The id and payload are written straight into the packet: no joined copy first. */
  private void sendDataPacketOn(Path p, int num, int id, Bytes payload) {
    Channel ch = channel();
    if (ch == null || p == null) {
      return;
    }
    byte[] packet =
        DataPacket.encode(ch.key, ch.sendNonce, recvRing.start(), num, id, payload, box);
    Nonce.incrementInPlace(ch.sendNonce);
    engine.send(p, packet);
    if (id == PacketRequest.ID) {
      requestsSent++;
    } else {
      dataPacketsSent++;
      if (recvRing.span() == 0 && p.equals(paths.best())) {
        receivedSinceAck = 0; // its buffer_start acknowledges everything we hold: no request due
      }
    }
    engine.countSent(id == PacketRequest.ID);
  }

  /**
   * For tests in this package: sends {@code data} (id byte first) as one data packet, unchecked.
   */
  void sendRawData(byte[] data) {
    sendDataPacket(out.end(), data);
  }

  private void sendRequest() {
    lastRequestSentAt = now();
    receivedSinceAck = 0;
    sendDataPacket(out.end(), PacketRequest.encode(recvRing, true));
  }

  /**
   * Sends the kill packet on every live path (it is not retransmitted, so it should not depend on
   * one path); only an established connection has one to send (c-toxcore).
   */
  void sendKill() {
    if (isEstablished()) {
      for (Path p : paths.live()) {
        sendDataPacketOn(p, out.end(), 2, Bytes.EMPTY);
      }
    }
  }

  // ================================================================= timers

  /** Every engine tick: temp packet resends, idle timeout, acks/requests, paced sending. */
  void tick() {
    long now = now();
    if (state instanceof Handshaking h && now - h.temp().sentAt() >= SEND_PACKET_INTERVAL) {
      if (h.temp().tries() >= MAX_TRIES) {
        boolean cookie = state instanceof CookieRequesting;
        engine.closed(
            this,
            new ConnectFailedException(
                cookie
                    ? ConnectFailedException.Reason.UNREACHABLE
                    : ConnectFailedException.Reason.REFUSED,
                "no "
                    + h.waitingFor()
                    + " from "
                    + peerReal.toHex().substring(0, 16)
                    + " after "
                    + MAX_TRIES
                    + " tries"
                    + (cookie
                        ? " (no peer with that DHT key on any path)"
                        : " (it answered the cookie request: its acceptor refused us, or the real"
                            + " key is not its)")),
            false);
        return;
      }
      sendTemp();
    }
    if (!hasSessionKey()) {
      return;
    }
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
    boolean due;
    if (recvRing.span() != 0) {
      due = now - lastRequestSentAt >= ACK_DELAY; // holes: ask for them
    } else if (receivedSinceAck > 0) {
      due = now - unackedSince >= ACK_DELAY; // an ack nothing else has carried
    } else {
      due = now - lastRequestSentAt >= REQUEST_INTERVAL;
    }
    if (due) {
      sendRequest();
    }
    if (now - lastKeepaliveAt >= KEEPALIVE_INTERVAL) {
      lastKeepaliveAt = now;
      for (Path p : paths.others(now)) {
        sendDataPacketOn(p, out.end(), PacketRequest.encode(recvRing, true));
      }
    }
    // a repair waits resendAfter() before going out: a stall is longer than two of those
    long stallAfter =
        Math.max(STALL_MILLIS, Math.max(4 * cc.rtt(), 2 * cc.resendAfter()))
            << Math.min(stallsWithoutProgress, 5);
    if (now >= stallGraceUntil && out.stalled(now, stallAfter)) {
      stallsWithoutProgress++;
      if (relaysAsleep) {
        standbyRelays(false); // the relays are the way out: wake them before choosing
      }
      if (paths.hasOtherUp()) {
        log.debug("net_crypto {}: stalled on {}", this, paths.best());
        paths.suspect(paths.best(), now);
        reselect(true);
      } else {
        // no other path to try (the rest are down): no verdict, which would only make a path
        // coming back look better than this one; send what is in flight again, here
        log.debug("net_crypto {}: stalled on {}, the only path up", this, paths.best());
        out.resendInFlight(now);
      }
    }
    reselect(false); // paths age: the chosen one may have gone quiet
    leaveALossyPath(now);
    sleepOrWakeRelays(now);
    pump();
    connection.statusChanged(); // the chosen path may have gone quiet: UNREACHABLE
  }

  private void leaveALossyPath(long now) {
    if (now - lossWindowStart < 1_000) {
      return;
    }
    long sent = out.sentNew() - sentAtWindowStart;
    long lost = out.reportedLost() - lostAtWindowStart;
    lossWindowStart = now;
    sentAtWindowStart = out.sentNew();
    lostAtWindowStart = out.reportedLost();
    if (sent >= LOSS_SAMPLE && lost > LOSSY_PATH * sent && paths.hasAlternative(now)) {
      log.debug("net_crypto {}: {} of {} packets lost on {}", this, lost, sent, paths.best());
      paths.suspect(paths.best(), now);
      reselect(true);
    }
  }

  private void sleepOrWakeRelays(long now) {
    if (relaysAsleep && !paths.bestIsAlive(now)) {
      standbyRelays(false); // UDP went quiet (8 s in c-toxcore; 3 s here)
      reselect(true);
      return;
    }
    if (paths.best() instanceof Path.Udp) {
      if (directSince < 0) {
        directSince = now;
      } else if (!relaysAsleep && now - directSince >= SLEEP_RELAYS_AFTER) {
        standbyRelays(true);
      }
    } else {
      directSince = -1;
      if (relaysAsleep) {
        standbyRelays(false);
      }
    }
  }

  private void standbyRelays(boolean asleep) {
    relaysAsleep = asleep;
    for (Path p : paths.paths()) {
      if (p instanceof Path.Relay) {
        engine.standby(p, asleep);
        if (!asleep) {
          // "down" while asleep was our own doing, not news about the relay: it may carry data
          // again at once (out of band until the route is back), the transport says if it cannot
          paths.down(p, false, now());
        }
      }
    }
  }

  /** Whether the relay paths are on standby (direct UDP carries the data). */
  boolean relaysAsleep() {
    return relaysAsleep;
  }

  /** How often the data path changed. */
  long pathSwitches() {
    return switches;
  }

  /** Packet requests this session sent (acks, hole reports and keepalives; every path). */
  long requestsSent() {
    return requestsSent;
  }

  /** Other data packets this session sent (messages and kills, first sends and resends). */
  long dataPacketsSent() {
    return dataPacketsSent;
  }

  /** Packet requests from the peer that decrypted. */
  long requestsReceived() {
    return requestsReceived;
  }

  /** Other data packets from the peer that decrypted, duplicates included. */
  long dataPacketsReceived() {
    return dataPacketsReceived;
  }

  Congestion congestion() {
    return cc;
  }

  long retransmissions() {
    return out.retransmissions();
  }

  /** Slots the receive and send rings have allocated now (small while the session is idle). */
  int ringCapacity() {
    return recvRing.capacity() + out.ringCapacity();
  }

  @Override
  public String toString() {
    return "Session["
        + (state == null ? "New" : state.getClass().getSimpleName())
        + " "
        + out
        + " recv="
        + recvRing.start()
        + ".."
        + recvRing.end()
        + "]";
  }
}
