package org.toxreactive.netcrypto;

/**
 * The engine's limits: see the builder methods of {@link NetCrypto} that set them.
 *
 * @param keysPerSecond X25519 computations a second for cookie requests and handshakes from unknown
 *     keys
 * @param maxPendingSessions sessions peers opened to us that are not established yet
 * @param maxSessions established sessions plus pending ones peers opened
 * @param maxSessionsPerSource sessions peers opened from one source (UDP: the IP address; a relay
 *     path: the peer's DHT key)
 * @param dataQueue data packets waiting for the worker, at most
 * @param controlQueue control packets waiting for the worker, at most
 */
record Limits(
    int keysPerSecond,
    int maxPendingSessions,
    int maxSessions,
    int maxSessionsPerSource,
    int dataQueue,
    int controlQueue) {
  static final Limits DEFAULTS = new Limits(500, 64, 1024, 8, 8192, 512);

  Limits {
    if (keysPerSecond < 1
        || maxPendingSessions < 1
        || maxSessions < 1
        || maxSessionsPerSource < 1
        || dataQueue < 1
        || controlQueue < 1) {
      throw new IllegalArgumentException("every limit must be at least 1: " + this);
    }
  }

  /** The budget's bucket holds a quarter of a second's tokens (at least 10). */
  int keyBurst() {
    return Math.max(10, keysPerSecond / 4);
  }
}
