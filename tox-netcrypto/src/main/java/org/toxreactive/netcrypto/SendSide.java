package org.toxreactive.netcrypto;

import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.SessionState.Channel;
import org.toxreactive.netcrypto.packet.DataKind;
import org.toxreactive.netcrypto.packet.DataPacket;
import org.toxreactive.netcrypto.packet.PacketRequest;

/**
 * What one session puts on the wire once it has a session key (docs/protocol.md 4.6-4.11): its
 * lossless stream ({@link SendBuffer}, paced and windowed by a {@link CongestionController}, timed
 * by the {@link RttEstimator}), lossy messages, packet requests, keepalives and the kill, each
 * sealed as one {@link DataPacket} with the next send nonce. The path comes from the session's
 * {@link PathPolicy}; every packet carries the {@link ReceiveSide}'s ack. Runs on the engine's
 * worker.
 */
final class SendSide {
  private final Session s;
  private final CryptoBox box;
  private final RttEstimator rtt = new RttEstimator();
  private final CongestionController cc;
  private final SendBuffer<Message> out;

  /** How the send buffer puts a message on the wire: on the chosen path (made once). */
  private final SendBuffer.Out<Message> onChosenPath;

  // what this session put on the wire (also counted node-wide by the engine)
  private long requestsSent;
  private long dataPacketsSent;

  SendSide(Session s, CryptoBox box, CongestionController.Factory congestion) {
    this.s = s;
    this.box = box;
    this.cc = congestion.create(rtt, Engine.TICK_MILLIS);
    this.out = new SendBuffer<>(cc, rtt);
    this.onChosenPath = (num, m) -> sendOn(s.policy.sendPath(), num, m.id(), m.payload());
  }

  RttEstimator rtt() {
    return rtt;
  }

  CongestionController congestion() {
    return cc;
  }

  /** The lossless stream's buffer (read its figures; only this class drives it). */
  SendBuffer<Message> buffer() {
    return out;
  }

  /** Room for new lossless messages (send ring and window). */
  int capacity() {
    return out.capacity();
  }

  /** Lossless messages not yet acknowledged. */
  int unacked() {
    return out.unacked();
  }

  /** Lossless messages the peer has acknowledged in order (see {@link SendBuffer#acknowledged}). */
  long acknowledged() {
    return out.acknowledged();
  }

  /** Whether the peer's {@code buffer_start} acknowledges only what we sent. */
  boolean validAck(int bufferStart) {
    return out.validAck(bufferStart);
  }

  /** The peer's cumulative ack; returns how many messages it released. */
  int ack(int bufferStart, long now) {
    return out.ack(bufferStart, now);
  }

  /** The peer's packet request; returns how many messages it showed arrived. */
  int onRequest(byte[] request, long now) {
    return out.onRequest(request, now);
  }

  /** Numbers a lossless message and sends it when congestion control allows. */
  void queue(Message m) {
    out.queue(m);
    pump();
  }

  /** A lossy message goes out at once, outside congestion control. */
  void sendLossy(Message m) {
    sendOn(s.policy.sendPath(), out.end(), m.id(), m.payload());
  }

  /** Sends what the window and the pacer allow now (nothing before the session key exists). */
  void pump() {
    if (s.handshake.channel() != null) {
      out.pump(s.now(), onChosenPath);
    }
  }

  /** A packet request (our ack and holes) on the chosen path. */
  void sendRequest() {
    sendOn(s.policy.sendPath(), out.end(), PacketRequest.ID, s.receive.request(s.now()));
  }

  /** A packet request on {@code p} as its keepalive (it does not count as our ack). */
  void sendKeepalive(Path p) {
    sendOn(p, out.end(), PacketRequest.ID, s.receive.keepaliveRequest());
  }

  /**
   * Sends the kill packet on every live path (it is not retransmitted, so it should not depend on
   * one path); only an established connection has one to send (c-toxcore).
   */
  void sendKill() {
    if (s.handshake.isEstablished()) {
      for (Path p : s.paths.live()) {
        sendOn(p, out.end(), DataKind.KILL_ID, Bytes.EMPTY);
      }
    }
  }

  /** For tests in this package: {@code data} (id byte first) as one data packet, unchecked. */
  void sendRaw(byte[] data) {
    sendOn(s.policy.sendPath(), out.end(), data);
  }

  /** What a path lost with it: everything in flight goes again, ahead of new data. */
  void resendInFlight(long now) {
    out.resendInFlight(now);
  }

  private void sendOn(Path p, int num, byte[] data) {
    sendOn(p, num, data[0] & 0xFF, Bytes.adopt(data, 1, data.length - 1));
  }

  /** The id and payload are written straight into the packet: no joined copy first. */
  private void sendOn(Path p, int num, int id, Bytes payload) {
    Channel ch = s.handshake.channel();
    if (ch == null || p == null) {
      return;
    }
    byte[] packet = s.engine.sealScratch(); // the transport copies it before sendBorrowed returns
    int length =
        DataPacket.encodeInto(
            ch.key, ch.sendNonce, s.receive.start(), num, id, payload, box, packet);
    Nonce.incrementInPlace(ch.sendNonce);
    s.engine.sendBorrowed(p, packet, length);
    boolean request = id == PacketRequest.ID;
    if (request) {
      requestsSent++;
    } else {
      dataPacketsSent++;
      if (p.equals(s.paths.best())) {
        s.receive.ackCarried();
      }
    }
    s.engine.counters.sent(request);
  }

  /** Packet requests this session sent (acks, hole reports and keepalives; every path). */
  long requestsSent() {
    return requestsSent;
  }

  /** Other data packets this session sent (messages and kills, first sends and resends). */
  long dataPacketsSent() {
    return dataPacketsSent;
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
