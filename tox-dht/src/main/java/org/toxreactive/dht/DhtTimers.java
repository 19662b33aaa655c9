package org.toxreactive.dht;

/**
 * The DHT's timing and sizes as c-toxcore 0.2.18 has them (DHT.h, DHT.c, ping.c; docs/protocol.md,
 * DHT section "constants"), in milliseconds.
 */
public final class DhtTimers {
  private DhtTimers() {}

  /**
   * Nodes per close-list bucket and per tracked key ({@code LCLIENT_NODES}, {@code
   * MAX_FRIEND_CLIENTS}).
   */
  public static final int BUCKET_SIZE = 8;

  /** Close-list buckets ({@code LCLIENT_LENGTH}). */
  public static final int BUCKETS = 128;

  /** Close-list entries: 1024 ({@code LCLIENT_LIST}). */
  public static final int CLOSE_LIST_SIZE = BUCKETS * BUCKET_SIZE;

  /** Nodes per nodes response ({@code MAX_SENT_NODES}). */
  public static final int MAX_SENT_NODES = 4;

  /** Queue of returned nodes to ask for nodes next round ({@code MAX_CLOSE_TO_BOOTSTRAP_NODES}). */
  public static final int MAX_CLOSE_TO_BOOTSTRAP = 8;

  /** Ping id lifetime ({@code PING_TIMEOUT}, 5 s). */
  public static final long PING_TIMEOUT = 5_000;

  /** Ping-id ring sizes ({@code DHT_PING_ARRAY_SIZE}, {@code PING_NUM_MAX}). */
  public static final int PING_ARRAY_SIZE = 512;

  /** Nodes request to each known node ({@code PING_INTERVAL}, 60 s). */
  public static final long PING_INTERVAL = 60_000;

  /** A node is bad after 60 + 1 x (60 + 2) s without an answer ({@code BAD_NODE_TIMEOUT}). */
  public static final long BAD_NODE_TIMEOUT = 122_000;

  /** A node is no longer pinged after 122 + 60 s ({@code KILL_NODE_TIMEOUT}). */
  public static final long KILL_NODE_TIMEOUT = 182_000;

  /** Nodes request to one random good node per list ({@code GET_NODE_INTERVAL}, 20 s). */
  public static final long GET_NODE_INTERVAL = 20_000;

  /** The first 5 rounds ignore {@link #GET_NODE_INTERVAL} ({@code MAX_BOOTSTRAP_TIMES}). */
  public static final int MAX_BOOTSTRAP_TIMES = 5;

  /** Ping candidates kept ({@code MAX_TO_PING}). */
  public static final int MAX_TO_PING = 32;

  /** The ping candidates are pinged every 2 s ({@code TIME_TO_PING}). */
  public static final long TIME_TO_PING = 2_000;

  /** The periodic work runs at most once a second (c-toxcore's {@code do_dht} on mono time s). */
  public static final long TICK = 1_000;
}
