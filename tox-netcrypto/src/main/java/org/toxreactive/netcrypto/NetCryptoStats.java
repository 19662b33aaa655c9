package org.toxreactive.netcrypto;

/**
 * What a {@link NetCryptoNode} has counted since it started: what it refused or dropped to stay
 * responsive under abuse, and the work it did. A snapshot: each call of {@link
 * NetCryptoNode#stats()} makes a new one.
 *
 * @param receiveDropped inbound packets dropped because the engine's data or control lane was full
 *     (the engine fell behind)
 * @param cookieRequestsRateLimited cookie requests dropped unopened: their source had used its
 *     bucket, or the X25519 budget was spent and their DHT key's shared key was not cached
 * @param handshakesRateLimited handshakes from unknown real keys dropped because the X25519 budget
 *     was spent
 * @param sessionsRefused handshakes from unknown real keys refused by a session cap (pending, total
 *     or per source), before the acceptor was asked
 * @param replaysDropped handshakes for a session that already has its key (late resends or replays)
 *     and data packets from a source that is no session's path, dropped without a reply
 * @param decryptFailures data packets that failed to decrypt (all paths)
 * @param keysComputed shared keys computed for the engine's cache (each an X25519)
 * @param requestsSent packet requests (data id 1: acks, hole reports, keepalives) we sent, all
 *     sessions and paths
 * @param dataPacketsSent our other data packets: lossless and lossy messages, kills
 * @param requestsReceived packet requests peers sent us that decrypted
 * @param dataPacketsReceived peers' other data packets that decrypted (duplicates included)
 */
public record NetCryptoStats(
    long receiveDropped,
    long cookieRequestsRateLimited,
    long handshakesRateLimited,
    long sessionsRefused,
    long replaysDropped,
    long decryptFailures,
    long keysComputed,
    long requestsSent,
    long dataPacketsSent,
    long requestsReceived,
    long dataPacketsReceived) {}
