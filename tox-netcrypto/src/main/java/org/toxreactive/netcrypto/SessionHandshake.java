package org.toxreactive.netcrypto;

import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.Nonce;
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
import org.toxreactive.netcrypto.packet.Handshake;

/**
 * The handshake of one session and the {@link SessionState} it leads through (docs/protocol.md
 * 4.2-4.6, 4.14): cookie request, cookie response, the two handshakes, the confirming data packet,
 * and the end. The only writer of the session's state; the temp packet of a handshaking state is
 * resent every {@link #SEND_PACKET_INTERVAL} ms, {@link #MAX_TRIES} times, on every live path. Runs
 * on the engine's worker.
 */
final class SessionHandshake {
  /** CRYPTO_SEND_PACKET_INTERVAL: the temp packet is resent this often. */
  static final long SEND_PACKET_INTERVAL = 1000;

  /** MAX_NUM_SENDPACKET_TRIES. */
  static final int MAX_TRIES = 8;

  private final Session s;
  private final CryptoBox box;

  /** Null for a session an acceptor created, until the peer's handshake is taken. */
  private @Nullable SessionState state;

  /** Ours with the peer's DHT key: only an initiator needs it (cookie request and response). */
  private @Nullable SharedKey dhtShared;

  SessionHandshake(Session s, CryptoBox box) {
    this.s = s;
    this.box = box;
  }

  @Nullable SessionState state() {
    return state;
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

  /** The keys and nonces of the data stream, or null before the session key exists. */
  @Nullable Channel channel() {
    if (state instanceof Established e) {
      return e.channel();
    }
    if (state instanceof NotConfirmed n) {
      return n.channel();
    }
    return null;
  }

  /** Starts as initiator: cookie request on every known path, resent every second. */
  void startCookieRequest() {
    long echoId = ThreadLocalRandom.current().nextLong();
    dhtShared = s.engine.keys.dht(s.peerDht);
    byte[] request =
        new CookieRequest(s.engine.dhtKeys().publicKey(), s.engine.realKeys().publicKey(), echoId)
            .encode(dhtShared, Nonce.random(), box);
    sendTemp(new CookieRequesting(echoId, Temp.first(request)));
  }

  /** Enters {@code h} and sends its temp packet on every live path. */
  private void sendTemp(Handshaking h) {
    state = h;
    for (Path p : s.paths.live()) {
      s.engine.send(p, h.temp().packet());
    }
    state = h.withTemp(h.temp().sent(s.now()));
  }

  void onCookieResponse(byte[] packet, Path from) {
    if (!(state instanceof CookieRequesting c) || dhtShared == null) {
      return;
    }
    CookieResponse r = CookieResponse.open(dhtShared, packet, box);
    if (r == null || r.echoId() != c.echoId()) {
      return;
    }
    s.heard(from);
    OwnKeys own = OwnKeys.generate();
    sendTemp(new HandshakeSent(own, Temp.first(handshakePacket(own, r.cookie()))));
  }

  private byte[] handshakePacket(OwnKeys own, byte[] peerCookie) {
    byte[] otherCookie = s.engine.mintCookie(s.peerReal, s.peerDht);
    return new Handshake(own.baseNonce(), own.session().publicKey(), otherCookie)
        .encode(s.realShared(), peerCookie, Nonce.random(), box);
  }

  /**
   * The peer's handshake (its outer cookie already validated by the engine and naming our peer). In
   * COOKIE_REQUESTING (simultaneous open) or as a fresh acceptor we answer with a handshake built
   * from the peer's other cookie; in HANDSHAKE_SENT ours is already out. Ignored once a session key
   * exists: a late or replayed handshake cannot reset a live connection.
   */
  void onHandshake(Handshake h, Path from) {
    if (isClosed() || hasSessionKey()) {
      // ignored, and its source is not taken as a path: a handshake can be replayed from anywhere
      return;
    }
    s.heard(from);
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
    NotConfirmed confirming =
        new NotConfirmed(own, new Channel(key, own.baseNonce(), h.baseNonce()), temp);
    state = confirming;
    // Not the path the (stateless) cookie response came on first: the one the peer handshakes on.
    s.paths.adopt(from, s.now());
    if (answer) {
      sendTemp(confirming);
    }
    s.connection.statusChanged();
  }

  /**
   * A data packet of the peer opened: NOT_CONFIRMED becomes ESTABLISHED. Returns true if it just
   * did.
   */
  boolean confirm() {
    if (state instanceof NotConfirmed n) {
      state = new Established(n.channel());
      return true;
    }
    return false;
  }

  /** The end: {@code reason} null for a normal one. */
  void close(@Nullable Throwable reason) {
    state = new Closed(reason);
  }

  /**
   * Every tick: the temp packet again when it is due. Returns the failure that ends the session
   * after the last try, else null.
   */
  @Nullable ConnectFailedException resendDue(long now) {
    if (!(state instanceof Handshaking h) || now - h.temp().sentAt() < SEND_PACKET_INTERVAL) {
      return null;
    }
    if (h.temp().tries() < MAX_TRIES) {
      sendTemp(h);
      return null;
    }
    boolean cookie = state instanceof CookieRequesting;
    return new ConnectFailedException(
        cookie ? ConnectFailedException.Reason.UNREACHABLE : ConnectFailedException.Reason.REFUSED,
        "no "
            + h.waitingFor()
            + " from "
            + s.peerReal.toHex().substring(0, 16)
            + " after "
            + MAX_TRIES
            + " tries"
            + (cookie
                ? " (no peer with that DHT key on any path)"
                : " (it answered the cookie request: its acceptor refused us, or the real"
                    + " key is not its)"));
  }

  @Override
  public String toString() {
    return state == null ? "New" : state.getClass().getSimpleName();
  }
}
