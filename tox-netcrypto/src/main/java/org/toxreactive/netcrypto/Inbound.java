package org.toxreactive.netcrypto;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.BytesPool;
import org.toxreactive.core.NetCryptoPacketKind;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.packet.DataPacket;

/**
 * Where the engine's inbound packets go, one at a time on its worker: by {@link
 * NetCryptoPacketKind}, data and cookie responses to the session of the path they came on, cookie
 * requests and handshakes to the {@link ControlPlane}.
 */
final class Inbound {
  private static final Logger log = LoggerFactory.getLogger(Inbound.class);

  private final SessionIndex sessions;
  private final ControlPlane control;
  private final NodeCounters counters;

  Inbound(SessionIndex sessions, ControlPlane control, NodeCounters counters) {
    this.sessions = sessions;
    this.control = control;
    this.counters = counters;
  }

  /**
   * One packet from a lane (its kind was checked by {@link EngineLoop#receive}). A switch
   * expression: a new packet kind fails to compile here until it is handled. Ends the loan of the
   * packet's bytes, if they are one ({@link BytesPool}), once handled: nothing here keeps them (a
   * data packet is opened into the worker's scratch array, the others are copied by {@code
   * toArray()}).
   */
  void onDatagram(Datagram d) {
    try {
      dispatch(d);
    } finally {
      BytesPool.release(d.data());
    }
  }

  private void dispatch(Datagram d) {
    Bytes data = d.data();
    Path from = d.path();
    NetCryptoPacketKind kind =
        Objects.requireNonNull(NetCryptoPacketKind.of(data), "not a net_crypto packet");
    boolean taken =
        switch (kind) {
          case DATA -> onDataPacket(data, from); // opened straight from the immutable bytes
          case COOKIE_REQUEST -> control.onCookieRequest(data.toArray(), from);
          case COOKIE_RESPONSE -> onCookieResponse(data.toArray(), from);
          case HANDSHAKE -> control.onHandshake(data.toArray(), from);
        };
    if (!taken && log.isTraceEnabled()) {
      log.trace("net_crypto: {} of {} bytes from {} dropped", kind.label(), data.length(), from);
    }
  }

  /** Returns whether a session took the packet (it may still fail to decrypt there). */
  private boolean onDataPacket(Bytes data, Path from) {
    Session s = sessions.byPath(from);
    if (s == null && from instanceof Path.Relay r) {
      // A relay the peer shares with us that we had not used yet: the relay authenticated the
      // peer's DHT key on its own link, so data that decrypts there is the peer's and the path
      // is added. A UDP source that is no session's path proves nothing (anyone can replay a
      // packet from anywhere): its data is dropped without a reply.
      s = sessions.byDht(r.peer());
    }
    if (s == null) {
      counters.replaysDropped++;
      return false;
    }
    if (!DataPacket.isLength(data.length())) {
      return false;
    }
    s.onData(data, from);
    return true;
  }

  /** A cookie response is taken only from a path of the session that asked (docs 4.3). */
  private boolean onCookieResponse(byte[] b, Path from) {
    Session s = sessions.byPath(from);
    if (s == null) {
      return false;
    }
    s.onCookieResponse(b, from);
    return true;
  }
}
