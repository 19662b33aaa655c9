package org.toxreactive.netcrypto;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.SessionState.Channel;
import org.toxreactive.netcrypto.packet.DataKind;
import org.toxreactive.netcrypto.packet.DataPacket;
import org.toxreactive.netcrypto.packet.Handshake;

/**
 * One crypto connection, as four parts that each fit in a head, and the glue between them:
 *
 * <ul>
 *   <li>{@link SessionHandshake}: cookies and handshakes, and the {@link SessionState} they lead
 *       through (its only writer);
 *   <li>{@link SendSide}: what goes on the wire once keyed (the lossless stream, its {@link
 *       CongestionController} and {@link RttEstimator}, requests, keepalives, the kill);
 *   <li>{@link ReceiveSide}: the receive ring, the receive window and when our acks are due;
 *   <li>{@link PathPolicy}: which path data goes on ({@link PathTable}) and what a change costs.
 * </ul>
 *
 * This class opens the peer's data packets and dispatches them by {@link DataKind}, runs the timers
 * and ends the session. Runs on the engine's single worker; all time comes from the engine.
 * Delivery and the reactive surface are in {@link Connection}.
 */
final class Session {
  final Engine engine;
  final PublicKey peerReal;
  PublicKey peerDht;
  final Connection connection;

  /**
   * Where the peer's first handshake came from ({@link ControlPlane#sourceOf}) for a session a peer
   * opened to us; null for one we opened. Counted against the per-source cap while it lives.
   */
  final @Nullable Object source;

  final PathTable paths = new PathTable();
  final SessionHandshake handshake;
  final ReceiveSide receive;
  final SendSide send;
  final PathPolicy policy;

  private final SharedKey realShared;
  private final CryptoBox box = new CryptoBox();

  /** The expanded nonce of the data packet being opened (engine thread only). */
  private final byte[] nonceScratch = new byte[Nonce.SIZE];

  /** When the peer was last heard on any path (a packet of it that opened). */
  private long lastHeardAt;

  /**
   * A session with the peer; {@code source} as for {@link #source} (null for one we open).
   *
   * @throws IllegalArgumentException if the peer's real key is not usable (low order)
   */
  Session(Engine engine, PublicKey peerReal, PublicKey peerDht, @Nullable Object source) {
    this.engine = engine;
    this.peerReal = peerReal;
    this.peerDht = peerDht;
    this.source = source;
    this.realShared = engine.keys.real(peerReal);
    this.handshake = new SessionHandshake(this, box);
    this.receive = new ReceiveSide(engine.receiveWindow);
    this.send = new SendSide(this, box, engine.congestion);
    this.policy = new PathPolicy(this, paths, send.rtt(), send.buffer());
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
    return handshake.isEstablished();
  }

  /** NOT_CONFIRMED or ESTABLISHED: a session key exists and a late handshake is ignored. */
  boolean hasSessionKey() {
    return handshake.hasSessionKey();
  }

  boolean isClosed() {
    return handshake.isClosed();
  }

  /** For tests in this package: where the session is in its life. */
  @Nullable SessionState state() {
    return handshake.state();
  }

  /** The paths this session knows (the engine indexes them). */
  List<Path> paths() {
    return paths.paths();
  }

  // ================================================================= the engine's calls

  /** Starts as initiator. */
  void startCookieRequest() {
    handshake.startCookieRequest();
  }

  void onCookieResponse(byte[] packet, Path from) {
    handshake.onCookieResponse(packet, from);
  }

  /** The peer's handshake, its outer cookie naming our peer (see {@link SessionHandshake}). */
  void onHandshake(Handshake h, Path from) {
    handshake.onHandshake(h, from);
  }

  /**
   * The peer's handshake came under a new DHT key before ours had a session key (it restarted): the
   * session goes on under that key. The engine re-indexes it.
   */
  void peerDhtChanged(PublicKey newDht) {
    peerDht = newDht;
  }

  /** Ends the session's state (the engine does the rest: indexes, the connection's streams). */
  void markClosed(@Nullable Throwable reason) {
    handshake.close(reason);
  }

  /** Adds a path we were told about (a hint, or where an acceptor heard the peer). */
  void addPath(Path p) {
    policy.add(p);
  }

  /** The transport's news about a path. */
  void pathEvent(Path p, boolean usable) {
    policy.pathEvent(p, usable);
  }

  /** A packet of the peer opened on {@code from}. */
  void heard(Path from) {
    long now = now();
    lastHeardAt = now;
    policy.heard(from, now);
  }

  // ================================================================= receiving

  void onData(Bytes packet, Path from) {
    Channel ch = handshake.channel();
    if (ch == null) {
      return;
    }
    int fragment = DataPacket.nonceFragment(packet);
    byte[] nonce = ch.recvNonce.candidate(fragment, nonceScratch);
    DataPacket d = DataPacket.open(ch.key, nonce, packet, engine.scratch(), box);
    if (d == null) {
      engine.counters.decryptFailures++;
      policy.decryptFailed(from, now());
      return;
    }
    if (!send.validAck(d.bufferStart())) {
      return; // acknowledges what we never sent: not a packet of this stream
    }
    ch.recvNonce.accept(fragment);
    heard(from);
    long now = now();
    long acknowledgedBefore = send.acknowledged();
    int released = send.ack(d.bufferStart(), now);
    if (send.acknowledged() != acknowledgedBefore) {
      connection.acknowledgedUpTo(send.acknowledged()); // before a kill ends the session below
    }
    DataKind kind = d.kind();
    receive.counted(kind == DataKind.REQUEST);
    engine.counters.received(kind == DataKind.REQUEST);
    if (kind == DataKind.KILL) { // honoured in any state that can decrypt it
      engine.closed(this, null, true);
      return;
    }
    if (handshake.confirm()) {
      connection.established();
    }
    released +=
        switch (kind) {
          case REQUEST -> {
            receive.onUnnumbered(d.num());
            yield send.onRequest(d.data(), now);
          }
          case LOSSLESS -> {
            if (receive.onLossless(d.num(), d.data(), now)) {
              connection.drainLossless();
              if (receive.ackNow()) {
                send.sendRequest();
              }
            }
            yield 0;
          }
          case LOSSY -> {
            receive.onUnnumbered(d.num());
            connection.deliverLossy(Message.fromData(d.data()));
            yield 0;
          }
          case KILL, RESERVED -> 0; // the kill ended the session above; ids 3..15, 255: dropped
        };
    if (released > 0) {
      policy.progress();
      connection.acked(released);
    }
    send.pump();
  }

  /** Lossless packets that arrived beyond the receive window (not stored, sent again later). */
  long beyondWindow() {
    return receive.beyondWindow();
  }

  /** Lossless messages received and waiting for the subscriber's demand. */
  int buffered() {
    return receive.buffered();
  }

  /** The next in-order lossless message without taking it, or null if it has not arrived. */
  byte @Nullable [] peekInOrder() {
    return receive.peekInOrder();
  }

  /** Pops the next in-order lossless message, or null if it has not arrived. */
  byte @Nullable [] pollInOrder() {
    return receive.pollInOrder();
  }

  // ================================================================= sending

  /** Room for new lossless messages (send ring and window). */
  int sendCapacity() {
    return send.capacity();
  }

  /** Lossless messages not yet acknowledged. */
  int unacked() {
    return send.unacked();
  }

  /** Lossless messages the peer has acknowledged in order since the session began. */
  long acknowledged() {
    return send.acknowledged();
  }

  /** Numbers a lossless message and sends it when congestion control allows. */
  void queueLossless(Message m) {
    send.queue(m);
  }

  void sendLossy(Message m) {
    send.sendLossy(m);
  }

  /**
   * For tests in this package: sends {@code data} (id byte first) as one data packet, unchecked.
   */
  void sendRawData(byte[] data) {
    send.sendRaw(data);
  }

  /** The kill on every live path, if established (see {@link SendSide#sendKill}). */
  void sendKill() {
    send.sendKill();
  }

  // ================================================================= timers

  /** Every engine tick: temp packet resends, idle timeout, acks/requests, paths, paced sending. */
  void tick() {
    long now = now();
    ConnectFailedException failed = handshake.resendDue(now);
    if (failed != null) {
      engine.closed(this, failed, false);
      return;
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
    if (receive.requestDue(now)) {
      send.sendRequest();
    }
    policy.tick(now);
    send.pump();
    connection.statusChanged(); // the chosen path may have gone quiet: UNREACHABLE
  }

  // ================================================================= figures

  /** Whether the relay paths are on standby (direct UDP carries the data). */
  boolean relaysAsleep() {
    return policy.relaysAsleep();
  }

  /** How often the data path changed. */
  long pathSwitches() {
    return policy.switches();
  }

  /** Packet requests this session sent (acks, hole reports and keepalives; every path). */
  long requestsSent() {
    return send.requestsSent();
  }

  /** Other data packets this session sent (messages and kills, first sends and resends). */
  long dataPacketsSent() {
    return send.dataPacketsSent();
  }

  /** Packet requests from the peer that decrypted. */
  long requestsReceived() {
    return receive.requestsReceived();
  }

  /** Other data packets from the peer that decrypted, duplicates included. */
  long dataPacketsReceived() {
    return receive.dataPacketsReceived();
  }

  CongestionController congestion() {
    return send.congestion();
  }

  RttEstimator rtt() {
    return send.rtt();
  }

  long retransmissions() {
    return send.buffer().retransmissions();
  }

  /** Slots the receive and send rings have allocated now (small while the session is idle). */
  int ringCapacity() {
    return receive.ringCapacity() + send.buffer().ringCapacity();
  }

  @Override
  public String toString() {
    return "Session[" + handshake + " " + send + " " + receive + "]";
  }
}
