package org.toxreactive.relay;

import java.time.Duration;

/**
 * Resource limits of a relay. c-toxcore has almost none (no handshake timer, unlimited clients);
 * these defaults keep a public relay safe without getting in the way of honest clients. With them,
 * the memory any one client can make the relay hold is bounded by configuration: its unread
 * outbound backlog by {@code maxBacklogBytes}, its unconfirmed connections by the per-IP and
 * per-prefix shares.
 *
 * <p>What happens at each limit, and the counter that records it:
 *
 * <ul>
 *   <li>{@code maxConnections} (lowered at start to fit the process's open-file limit, see {@link
 *       RelayServer#openFileLimit(long)}): new connections are refused, {@code
 *       tox.relay.refused{limit=connections}} or {@code {limit=open_files}} when the open-file
 *       limit set the cap;
 *   <li>{@code maxConnectionsPerIp}: refused, {@code tox.relay.refused{limit=per_ip}};
 *   <li>{@code maxUnconfirmedPerPrefix}: a newcomer from a source prefix (IPv4 /24, IPv6 /64) that
 *       already holds its share of unconfirmed connections replaces that prefix's oldest one,
 *       {@code tox.relay.kills{reason=evicted_prefix_share}};
 *   <li>{@code maxUnconfirmed}: when the pool is full, a newcomer replaces the oldest unconfirmed
 *       connection of the most crowded prefix, {@code tox.relay.kills{reason=evicted_pool_full}}
 *       (c-toxcore likewise evicts the oldest pending connection), so stalled handshakes cannot
 *       lock newcomers out;
 *   <li>{@code handshakeTimeout}: the link is closed, {@code tox.relay.kills{reason=
 *       handshake_timeout}};
 *   <li>{@code maxQueuedBytes}: the clients whose relayed data or OOB packets go to this client are
 *       no longer read (their packets wait in their sockets, TCP slows them down) until its backlog
 *       is back under half the limit, {@code tox.relay.sender.paused}; a sender waits at most 500
 *       ms, then the client's data is dropped until it drains, {@code
 *       tox.relay.sender.pause.expired}; onion and forwarding packets to it are dropped; past
 *       {@link #dataDropBytes()} data is dropped too, {@code tox.relay.drops{kind=...}};
 *   <li>{@code maxBacklogBytes}: the client is disconnected, {@code tox.relay.kills{reason=
 *       queue_overflow}}; its peers get disconnect notifications.
 * </ul>
 *
 * <p>Kills and refusals are also logged at INFO, one line per reason per 10 s with the count.
 *
 * @param maxConnections open TCP connections in total, confirmed or not
 * @param maxConnectionsPerIp open connections from one source address
 * @param maxUnconfirmed connections that have not yet sent their first valid frame
 * @param handshakeTimeout from accept until the first valid frame (handshake plus confirmation)
 * @param maxQueuedBytes per-client unread outbound bytes above which relayed data, OOB and onion
 *     packets to it are dropped (control packets still go)
 * @param maxBacklogBytes hard cap on a client's unread outbound bytes, control packets included
 *     (what sits in its socket's outbound buffer plus what the router has handed to its event loop,
 *     each packet counted with a fixed bookkeeping overhead); a client past it is disconnected.
 *     Must exceed {@code maxQueuedBytes}, so only control traffic the client provokes itself
 *     (pings, routing requests it never reads the answers to) can reach it. The default, 512 KiB,
 *     is twice the data queue: honest clients read their pongs and routing responses and stay far
 *     below it, while a client that floods requests and never reads is cut off after a few thousand
 *     answers (a hardened c-toxcore fork caps a connection at 64 packets / 128 KiB).
 * @param maxUnconfirmedPerPrefix unconfirmed connections one source prefix (IPv4 /24, IPv6 /64) may
 *     hold before its newcomers replace its oldest ones
 */
public record RelayLimits(
    int maxConnections,
    int maxConnectionsPerIp,
    int maxUnconfirmed,
    Duration handshakeTimeout,
    int maxQueuedBytes,
    int maxBacklogBytes,
    int maxUnconfirmedPerPrefix) {

  /** One frame: 2048 bytes of ciphertext plus its 2-byte length. */
  private static final int MIN_QUEUE = 2050;

  /**
   * Checks every limit; a bad one is an {@link IllegalArgumentException} whose message starts with
   * the limit's name, then what is allowed and the value given, e.g. {@code maxConnections must be
   * at least 1, got 0}.
   *
   * @param maxConnections open TCP connections in total, at least 1
   * @param maxConnectionsPerIp open connections from one source address, at least 1
   * @param maxUnconfirmed connections without a valid first frame yet, at least 1
   * @param handshakeTimeout from accept until the first valid frame
   * @param maxQueuedBytes per-client unread outbound bytes above which non-control packets are
   *     dropped, at least one frame (2050)
   * @param maxBacklogBytes per-client unread outbound bytes above which the client is disconnected;
   *     more than {@code maxQueuedBytes} plus one frame
   * @param maxUnconfirmedPerPrefix unconfirmed connections one /24 (IPv4) or /64 (IPv6) may hold,
   *     at least 1
   * @throws IllegalArgumentException naming the first limit that is out of range
   */
  public RelayLimits {
    atLeast("maxConnections", maxConnections, 1, "");
    atLeast("maxConnectionsPerIp", maxConnectionsPerIp, 1, "");
    atLeast("maxUnconfirmed", maxUnconfirmed, 1, "");
    atLeast("maxUnconfirmedPerPrefix", maxUnconfirmedPerPrefix, 1, "");
    atLeast("maxQueuedBytes", maxQueuedBytes, MIN_QUEUE, " (one frame)");
    if (maxBacklogBytes < (long) maxQueuedBytes + MIN_QUEUE) {
      throw new IllegalArgumentException(
          "maxBacklogBytes must exceed maxQueuedBytes ("
              + maxQueuedBytes
              + ") by at least one frame ("
              + MIN_QUEUE
              + "), got "
              + maxBacklogBytes);
    }
    if (handshakeTimeout == null || handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException(
          "handshakeTimeout must be positive, got " + handshakeTimeout);
    }
  }

  /**
   * The backlog past which data, OOB, onion and forwarding packets to a client are dropped even
   * when their sender could be paused: half-way from {@code maxQueuedBytes} to {@code
   * maxBacklogBytes} (384 KiB with the defaults), so that control packets keep room below the
   * disconnect limit.
   *
   * @return bytes, more than {@code maxQueuedBytes}
   */
  public long dataDropBytes() {
    return maxQueuedBytes + ((long) maxBacklogBytes - maxQueuedBytes) / 2;
  }

  private static void atLeast(String name, int value, int min, String why) {
    if (value < min) {
      throw new IllegalArgumentException(
          name + " must be at least " + min + why + ", got " + value);
    }
  }

  /**
   * 100,000 connections, 64 per IP, 1,024 unconfirmed (128 per prefix), 10 s handshake, 256 KiB
   * data queue, 512 KiB backlog per client.
   *
   * @return the defaults
   */
  public static RelayLimits defaults() {
    return new RelayLimits(100_000, 64, 1024, Duration.ofSeconds(10), 256 * 1024, 512 * 1024, 128);
  }

  /**
   * @param n total connections
   * @return a copy with {@code maxConnections = n}
   */
  public RelayLimits withMaxConnections(int n) {
    return new RelayLimits(
        n,
        maxConnectionsPerIp,
        maxUnconfirmed,
        handshakeTimeout,
        maxQueuedBytes,
        maxBacklogBytes,
        maxUnconfirmedPerPrefix);
  }

  /**
   * @param n connections per source address
   * @return a copy with {@code maxConnectionsPerIp = n}
   */
  public RelayLimits withMaxConnectionsPerIp(int n) {
    return new RelayLimits(
        maxConnections,
        n,
        maxUnconfirmed,
        handshakeTimeout,
        maxQueuedBytes,
        maxBacklogBytes,
        maxUnconfirmedPerPrefix);
  }

  /**
   * @param n unconfirmed connections in total
   * @return a copy with {@code maxUnconfirmed = n}
   */
  public RelayLimits withMaxUnconfirmed(int n) {
    return new RelayLimits(
        maxConnections,
        maxConnectionsPerIp,
        n,
        handshakeTimeout,
        maxQueuedBytes,
        maxBacklogBytes,
        maxUnconfirmedPerPrefix);
  }

  /**
   * @param d time from accept to the first valid frame
   * @return a copy with {@code handshakeTimeout = d}
   */
  public RelayLimits withHandshakeTimeout(Duration d) {
    return new RelayLimits(
        maxConnections,
        maxConnectionsPerIp,
        maxUnconfirmed,
        d,
        maxQueuedBytes,
        maxBacklogBytes,
        maxUnconfirmedPerPrefix);
  }

  /**
   * @param n per-client bytes above which droppable packets are dropped
   * @return a copy with {@code maxQueuedBytes = n}
   */
  public RelayLimits withMaxQueuedBytes(int n) {
    return new RelayLimits(
        maxConnections,
        maxConnectionsPerIp,
        maxUnconfirmed,
        handshakeTimeout,
        n,
        maxBacklogBytes,
        maxUnconfirmedPerPrefix);
  }

  /**
   * @param n per-client unread outbound bytes above which the client is disconnected
   * @return a copy with {@code maxBacklogBytes = n}
   */
  public RelayLimits withMaxBacklogBytes(int n) {
    return new RelayLimits(
        maxConnections,
        maxConnectionsPerIp,
        maxUnconfirmed,
        handshakeTimeout,
        maxQueuedBytes,
        n,
        maxUnconfirmedPerPrefix);
  }

  /**
   * @param n unconfirmed connections per source prefix
   * @return a copy with {@code maxUnconfirmedPerPrefix = n}
   */
  public RelayLimits withMaxUnconfirmedPerPrefix(int n) {
    return new RelayLimits(
        maxConnections,
        maxConnectionsPerIp,
        maxUnconfirmed,
        handshakeTimeout,
        maxQueuedBytes,
        maxBacklogBytes,
        n);
  }
}
