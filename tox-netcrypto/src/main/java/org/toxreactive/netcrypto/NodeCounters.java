package org.toxreactive.netcrypto;

/**
 * What a node counts that its sessions and the engine see (the rest of {@link NetCryptoStats} is
 * counted where it happens: the lanes and the control plane). Written on the engine's worker only,
 * read from any thread.
 */
final class NodeCounters {
  volatile long decryptFailures;
  volatile long replaysDropped;
  volatile long keysComputed;
  private volatile long requestsSent;
  private volatile long dataPacketsSent;
  private volatile long requestsReceived;
  private volatile long dataPacketsReceived;

  /** A session sent a data packet: a packet request or another one. */
  void sent(boolean request) {
    if (request) {
      requestsSent++;
    } else {
      dataPacketsSent++;
    }
  }

  /** A session opened a peer's data packet: a packet request or another one. */
  void received(boolean request) {
    if (request) {
      requestsReceived++;
    } else {
      dataPacketsReceived++;
    }
  }

  /** The node's figures, with the lanes' drops and the control plane's refusals. */
  NetCryptoStats snapshot(long receiveDropped, ControlPlane control) {
    return new NetCryptoStats(
        receiveDropped,
        control.cookieRequestsRateLimited(),
        control.handshakesRateLimited(),
        control.sessionsRefused(),
        replaysDropped,
        decryptFailures,
        keysComputed,
        requestsSent,
        dataPacketsSent,
        requestsReceived,
        dataPacketsReceived);
  }
}
