package org.toxreactive.dht;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.PublicKey;
import org.toxreactive.dht.packet.BootstrapInfo;

/**
 * Settings of a DHT node.
 *
 * @param ipv6 whether IPv6 sources are served and IPv6 nodes contacted
 * @param info the bootstrap-info (0xF0) answer, or null to leave 0xF0 unanswered
 * @param bootstrapNodes nodes asked for nodes at start, and again every {@link
 *     #REBOOTSTRAP_INTERVAL} ms while no node is good
 * @param trackedRandomKeys random keys tracked as DHT friends (c-toxcore: 2) to learn nodes across
 *     the key space
 * @param answersPerSecond packets per second handled for one source IP (every DHT packet but LAN
 *     discovery: each costs a shared key or earns an answer or a routed copy)
 * @param answerBurst burst of those for one source IP
 * @param maxSources source IPs whose budgets are kept (least recently used forgotten)
 * @param answersPerSecondTotal packets per second handled over all sources: bounds the node's
 *     crypto work under a flood from many addresses (about 0.5 core at 4,000 new keys a second)
 * @param sharedKeys shared keys cached
 */
public record DhtConfig(
    boolean ipv6,
    @Nullable BootstrapInfo info,
    List<BootstrapNode> bootstrapNodes,
    int trackedRandomKeys,
    int answersPerSecond,
    int answerBurst,
    int maxSources,
    int answersPerSecondTotal,
    int sharedKeys) {

  /** Re-bootstrap interval while not connected, ms (ours: c-toxcore has none for a daemon). */
  public static final long REBOOTSTRAP_INTERVAL = 10_000;

  /** The version tox-bootstrapd 0.2.18 sends: 1000002018. */
  public static final long VERSION = BootstrapInfo.daemonVersion(0, 2, 18);

  /**
   * A node to bootstrap from.
   *
   * @param address its UDP address
   * @param key its DHT public key
   */
  public record BootstrapNode(IpPort address, PublicKey key) {
    /**
     * Both must be non-null.
     *
     * @param address its UDP address
     * @param key its DHT public key
     */
    public BootstrapNode {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(key, "key");
    }
  }

  /**
   * Checks the values; the exception says which is wrong.
   *
   * @param ipv6 whether IPv6 is served
   * @param info the 0xF0 answer, or null
   * @param bootstrapNodes nodes to bootstrap from (copied)
   * @param trackedRandomKeys 0 to 16
   * @param answersPerSecond per-source rate, at least 1
   * @param answerBurst per-source burst, at least 1
   * @param maxSources sources tracked, at least 1
   * @param answersPerSecondTotal total rate, at least 1
   * @param sharedKeys shared keys cached, at least 1
   * @throws IllegalArgumentException for a value out of range
   */
  public DhtConfig {
    bootstrapNodes = List.copyOf(bootstrapNodes);
    if (trackedRandomKeys < 0 || trackedRandomKeys > 16) {
      throw new IllegalArgumentException(
          "trackedRandomKeys must be 0..16, got " + trackedRandomKeys);
    }
    if (answersPerSecond < 1 || answerBurst < 1 || maxSources < 1 || answersPerSecondTotal < 1) {
      throw new IllegalArgumentException("DHT rate limits must be positive");
    }
    if (sharedKeys < 1) {
      throw new IllegalArgumentException("sharedKeys must be positive, got " + sharedKeys);
    }
  }

  /**
   * IPv4 only, no MOTD, no bootstrap nodes, 2 random tracked keys, 50 packets/s per source IP
   * (burst 100), 4,000/s in all, 4,096 shared keys cached.
   *
   * @return the defaults
   */
  public static DhtConfig defaults() {
    return new DhtConfig(false, null, List.of(), 2, 50, 100, 65_536, 4_000, 4096);
  }

  /**
   * The bootstrap-info answer tox-bootstrapd gives for {@code motd}: version 1000002018 and the
   * MOTD with its terminating NUL.
   *
   * @throws IllegalArgumentException if the MOTD is longer than 255 UTF-8 bytes
   * @param motd the text, UTF-8, at most 255 bytes
   * @return the 0xF0 answer with that MOTD and {@link #VERSION}
   */
  public static BootstrapInfo motd(String motd) {
    byte[] text = motd.getBytes(StandardCharsets.UTF_8);
    if (text.length + 1 > BootstrapInfo.MAX_MOTD) {
      throw new IllegalArgumentException(
          "motd is " + text.length + " bytes in UTF-8, at most " + (BootstrapInfo.MAX_MOTD - 1));
    }
    byte[] withNul = java.util.Arrays.copyOf(text, text.length + 1);
    return new BootstrapInfo(VERSION, withNul);
  }

  /**
   * Whether IPv6 sources are served and IPv6 nodes contacted.
   *
   * @param on true to serve IPv6
   * @return a copy with this setting
   */
  public DhtConfig withIpv6(boolean on) {
    return new DhtConfig(
        on,
        info,
        bootstrapNodes,
        trackedRandomKeys,
        answersPerSecond,
        answerBurst,
        maxSources,
        answersPerSecondTotal,
        sharedKeys);
  }

  /**
   * The bootstrap-info (0xF0) answer.
   *
   * @param i the answer, or null to leave 0xF0 unanswered
   * @return a copy with this answer
   */
  public DhtConfig withInfo(@Nullable BootstrapInfo i) {
    return new DhtConfig(
        ipv6,
        i,
        bootstrapNodes,
        trackedRandomKeys,
        answersPerSecond,
        answerBurst,
        maxSources,
        answersPerSecondTotal,
        sharedKeys);
  }

  /**
   * The nodes to bootstrap from.
   *
   * @param nodes the nodes, asked in order
   * @return a copy with these nodes
   */
  public DhtConfig withBootstrapNodes(List<BootstrapNode> nodes) {
    return new DhtConfig(
        ipv6,
        info,
        nodes,
        trackedRandomKeys,
        answersPerSecond,
        answerBurst,
        maxSources,
        answersPerSecondTotal,
        sharedKeys);
  }

  /**
   * How many random keys are tracked as DHT friends to learn nodes across the key space.
   *
   * @param n 0 to 16
   * @return a copy with this number
   */
  public DhtConfig withTrackedRandomKeys(int n) {
    return new DhtConfig(
        ipv6,
        info,
        bootstrapNodes,
        n,
        answersPerSecond,
        answerBurst,
        maxSources,
        answersPerSecondTotal,
        sharedKeys);
  }

  /**
   * Per-source and total answer budgets.
   *
   * @param perSecond packets per second handled for one source IP
   * @param burst burst for one source IP
   * @param totalPerSecond packets per second handled over all sources
   * @return a copy with these limits
   */
  public DhtConfig withAnswerLimits(int perSecond, int burst, int totalPerSecond) {
    return new DhtConfig(
        ipv6,
        info,
        bootstrapNodes,
        trackedRandomKeys,
        perSecond,
        burst,
        maxSources,
        totalPerSecond,
        sharedKeys);
  }
}
