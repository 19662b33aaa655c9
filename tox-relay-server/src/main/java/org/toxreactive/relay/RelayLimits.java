package org.toxreactive.relay;

import java.time.Duration;

/**
 * Resource limits of a relay. c-toxcore has almost none (no handshake timer, unlimited clients);
 * these defaults keep a public relay safe without getting in the way of honest clients.
 *
 * @param maxConnections open TCP connections in total, confirmed or not
 * @param maxConnectionsPerIp open connections from one source address
 * @param maxUnconfirmed connections that have not yet sent their first valid frame
 * @param handshakeTimeout from accept until the first valid frame (handshake plus confirmation)
 * @param maxQueuedBytes per-client outbound bytes above which relayed data, OOB and onion packets
 *     are dropped (control packets are always queued)
 */
public record RelayLimits(
    int maxConnections,
    int maxConnectionsPerIp,
    int maxUnconfirmed,
    Duration handshakeTimeout,
    int maxQueuedBytes) {

  public RelayLimits {
    if (maxConnections < 1
        || maxConnectionsPerIp < 1
        || maxUnconfirmed < 1
        || maxQueuedBytes < 2050) {
      throw new IllegalArgumentException(
          "relay limits must be positive (queue >= one frame): " + this);
    }
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshake timeout must be positive");
    }
  }

  public static RelayLimits defaults() {
    return new RelayLimits(100_000, 64, 1024, Duration.ofSeconds(10), 256 * 1024);
  }

  public RelayLimits withMaxConnections(int n) {
    return new RelayLimits(
        n, maxConnectionsPerIp, maxUnconfirmed, handshakeTimeout, maxQueuedBytes);
  }

  public RelayLimits withMaxConnectionsPerIp(int n) {
    return new RelayLimits(maxConnections, n, maxUnconfirmed, handshakeTimeout, maxQueuedBytes);
  }

  public RelayLimits withMaxUnconfirmed(int n) {
    return new RelayLimits(
        maxConnections, maxConnectionsPerIp, n, handshakeTimeout, maxQueuedBytes);
  }

  public RelayLimits withHandshakeTimeout(Duration d) {
    return new RelayLimits(maxConnections, maxConnectionsPerIp, maxUnconfirmed, d, maxQueuedBytes);
  }

  public RelayLimits withMaxQueuedBytes(int n) {
    return new RelayLimits(
        maxConnections, maxConnectionsPerIp, maxUnconfirmed, handshakeTimeout, n);
  }
}
