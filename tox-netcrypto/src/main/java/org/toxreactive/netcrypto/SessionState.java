package org.toxreactive.netcrypto;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.SharedKey;
import org.toxreactive.netcrypto.packet.NonceWindow;

/**
 * Where a crypto connection is in its life (docs/protocol.md 4.14), as a sum type: each state
 * carries exactly the data that exists in it, so a session cannot, say, send data before it has a
 * session key or resend a handshake it never built.
 *
 * <pre>
 * initiator: CookieRequesting --cookie response--> HandshakeSent --peer handshake--> NotConfirmed
 * acceptor:  (peer handshake) ----------------------------------------------------> NotConfirmed
 * simultaneous open: CookieRequesting --peer handshake--> NotConfirmed (we answer with its cookie)
 * NotConfirmed --first data packet--> Established;  any state --kill/timeout/close--> Closed
 * </pre>
 */
sealed interface SessionState {

  /**
   * The packet of a handshake state, resent every second until the next state (c-toxcore's "temp
   * packet"), and how often it has gone out so far. Immutable: a resend yields a new value.
   */
  record Temp(byte[] packet, int tries, long sentAt) {
    static Temp first(byte[] packet) {
      return new Temp(packet, 0, 0);
    }

    Temp sent(long now) {
      return new Temp(packet, tries + 1, now);
    }
  }

  /** Our half of the session: a fresh key pair and the base nonce of our send stream. */
  record OwnKeys(KeyPair session, Nonce baseNonce) {
    static OwnKeys generate() {
      return new OwnKeys(KeyPair.generate(), Nonce.random());
    }
  }

  /** A state in which a temp packet is resent: 8 tries, then the connection fails. */
  sealed interface Handshaking extends SessionState {
    Temp temp();

    Handshaking withTemp(Temp temp);

    /** What the peer failed to answer, for the error after the last try. */
    String waitingFor();
  }

  /** Initiator: cookie requests go out on every known path. */
  record CookieRequesting(long echoId, Temp temp) implements Handshaking {
    @Override
    public CookieRequesting withTemp(Temp t) {
      return new CookieRequesting(echoId, t);
    }

    @Override
    public String waitingFor() {
      return "cookie response";
    }
  }

  /** Initiator: our handshake (with the peer's cookie) goes out; waiting for the peer's. */
  record HandshakeSent(OwnKeys own, Temp temp) implements Handshaking {
    @Override
    public HandshakeSent withTemp(Temp t) {
      return new HandshakeSent(own, t);
    }

    @Override
    public String waitingFor() {
      return "handshake";
    }
  }

  /**
   * Both handshakes exchanged: the session key exists and data may flow, but the peer has not yet
   * proven it has the key (its first data packet does). Our handshake keeps being resent.
   */
  record NotConfirmed(OwnKeys own, Channel channel, Temp temp) implements Handshaking {
    @Override
    public NotConfirmed withTemp(Temp t) {
      return new NotConfirmed(own, channel, t);
    }

    @Override
    public String waitingFor() {
      return "data packet confirming the handshake";
    }
  }

  /** The peer proved the session key: the connection is up. */
  record Established(Channel channel) implements SessionState {}

  /** Ended; {@code reason} null means a normal end (kill received, local close). */
  record Closed(@Nullable Throwable reason) implements SessionState {}

  /** The encrypted data stream once keys are agreed (mutable nonces, so not a record). */
  final class Channel {
    final SharedKey key;

    /** Nonce of the next packet we send; incremented after each (docs/protocol.md 4.6). */
    final byte[] sendNonce;

    /** Expands the peer's 2-byte nonce fragments (docs/protocol.md 4.8). */
    final NonceWindow recvNonce;

    Channel(SharedKey key, Nonce ownBase, Nonce peerBase) {
      this.key = Objects.requireNonNull(key);
      this.sendNonce = ownBase.toArray();
      this.recvNonce = new NonceWindow(peerBase.toArray());
    }
  }
}
