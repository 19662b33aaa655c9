package org.toxreactive.test.sim;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * One direction between two nodes, or (from {@link SimNetwork#defaults()}) every link at once. A
 * live handle: each setter changes the link for packets sent from then on and returns this handle,
 * so a script reads as
 *
 * <pre>{@code
 * net.defaults().delay(20, 40);                                 // every link
 * net.link("alice", "relay").loss(0.2).duplicate(0.05).corrupt(0.01);
 * net.link("relay", "alice").reorder(0.1, 30).bandwidth(50_000, 20_000);
 * }</pre>
 *
 * <p>A link uses the defaults for every setting it has not set itself; {@link #reset()} forgets its
 * own settings. Each link draws from its own random stream (seeded by the network seed and the link
 * name), a fixed number of draws per packet, so a link's fates depend neither on other links'
 * traffic nor on which of its own settings are on.
 */
public final class SimLink {
  private enum Setting {
    LOSS,
    DUPLICATE,
    REORDER,
    DELAY,
    CORRUPT,
    BANDWIDTH
  }

  /** One copy leaving the link: when it arrives and its (possibly corrupted) bytes. */
  record Arrival(long atNanos, byte[] data) {}

  private final Object lock;
  private final String from;
  private final String to;
  private final @Nullable SimLink defaults;
  private final SplittableRandom random;
  private final Map<Setting, UnaryOperator<LinkConditions>> settings = new EnumMap<>(Setting.class);

  private long sent;
  private long delivered;
  private long lost;
  private long duplicated;
  private long corrupted;
  private long busyUntilNanos = Long.MIN_VALUE;

  SimLink(
      Object lock, String from, String to, @Nullable SimLink defaults, SplittableRandom random) {
    this.lock = lock;
    this.from = from;
    this.to = to;
    this.defaults = defaults;
    this.random = random;
  }

  /**
   * The sending node's name.
   *
   * @return the name
   */
  public String from() {
    return from;
  }

  /**
   * The receiving node's name.
   *
   * @return the name
   */
  public String to() {
    return to;
  }

  /**
   * Loses each packet with probability {@code p}.
   *
   * @param p probability 0..1
   * @return this link
   */
  public SimLink loss(double p) {
    return set(Setting.LOSS, c -> c.withLoss(p));
  }

  /**
   * Delivers each packet twice with probability {@code p}, each copy with its own delay.
   *
   * @param p probability 0..1
   * @return this link
   */
  public SimLink duplicate(double p) {
    return set(Setting.DUPLICATE, c -> c.withDuplicate(p));
  }

  /**
   * Holds each copy back by an extra 1..{@code maxExtraDelayMillis} ms with probability {@code p},
   * so that packets sent after it overtake it.
   *
   * @param p probability 0..1
   * @param maxExtraDelayMillis the largest extra delay
   * @return this link
   */
  public SimLink reorder(double p, long maxExtraDelayMillis) {
    return set(Setting.REORDER, c -> c.withReorder(p, maxExtraDelayMillis));
  }

  /**
   * One-way delay, uniform in [{@code minMillis}, {@code maxMillis}] whole milliseconds.
   *
   * @param minMillis the smallest delay
   * @param maxMillis the largest delay
   * @return this link
   */
  public SimLink delay(long minMillis, long maxMillis) {
    return set(Setting.DELAY, c -> c.withDelay(minMillis, maxMillis));
  }

  /**
   * Flips exactly one random bit of each copy with probability {@code p}.
   *
   * @param p probability 0..1
   * @return this link
   */
  public SimLink corrupt(double p) {
    return set(Setting.CORRUPT, c -> c.withCorrupt(p));
  }

  /**
   * Limits the rate: packets queue behind each other without bound; 0 removes the limit.
   *
   * @param bytesPerSecond the rate, 0 for no limit
   * @return this link
   */
  public SimLink bandwidth(long bytesPerSecond) {
    return bandwidth(bytesPerSecond, Long.MAX_VALUE);
  }

  /**
   * Limits the rate: a packet that would find more than {@code queueLimitBytes} waiting (itself and
   * the one on the wire included) is dropped, as a router's tail drop.
   *
   * @param bytesPerSecond the rate, 0 for no limit
   * @param queueLimitBytes bytes that may wait before tail drop
   * @return this link
   */
  public SimLink bandwidth(long bytesPerSecond, long queueLimitBytes) {
    return set(Setting.BANDWIDTH, c -> c.withBandwidth(bytesPerSecond, queueLimitBytes));
  }

  /**
   * Forgets this link's own settings: it follows the defaults again.
   *
   * @return this link
   */
  public SimLink reset() {
    synchronized (lock) {
      settings.clear();
    }
    return this;
  }

  /**
   * The conditions in effect now: the defaults overridden by this link's own settings.
   *
   * @return the conditions
   */
  public LinkConditions conditions() {
    synchronized (lock) {
      LinkConditions c = defaults == null ? LinkConditions.PERFECT : defaults.conditions();
      for (UnaryOperator<LinkConditions> s : settings.values()) {
        c = s.apply(c);
      }
      return c;
    }
  }

  /**
   * A snapshot of this link's counters.
   *
   * @return the counters
   */
  public LinkStats stats() {
    synchronized (lock) {
      return new LinkStats(sent, delivered, lost, duplicated, corrupted);
    }
  }

  @Override
  public String toString() {
    return "SimLink[" + from + "->" + to + "]";
  }

  private SimLink set(Setting setting, UnaryOperator<LinkConditions> change) {
    change.apply(LinkConditions.PERFECT); // validates now, not at the next packet
    synchronized (lock) {
      settings.put(setting, change);
    }
    return this;
  }

  /**
   * Decides the fate of one packet sent at {@code now}: the copies that will arrive and when. The
   * caller holds the network lock and gives up {@code data}. {@code blocked} (dead sender or
   * receiver, partition) loses the packet, still drawing its random numbers.
   */
  List<Arrival> transmit(long now, byte[] data, boolean blocked) {
    // Always the same draws, in the same order, whatever the settings.
    double lossRoll = random.nextDouble();
    double duplicateRoll = random.nextDouble();
    double[][] copyRolls = new double[2][];
    long[] bitRolls = new long[2];
    for (int i = 0; i < 2; i++) {
      copyRolls[i] = new double[] {random.nextDouble(), random.nextDouble(), random.nextDouble()};
      bitRolls[i] = random.nextLong();
    }

    sent++;
    LinkConditions c = conditions();
    if (blocked) {
      lost++;
      return List.of();
    }
    long departure = now;
    if (c.bytesPerSecond() > 0) {
      long start = Math.max(now, busyUntilNanos);
      double queuedBytes = (start - now) / 1e9 * c.bytesPerSecond();
      if (queuedBytes + data.length > c.queueLimitBytes()) {
        lost++;
        return List.of();
      }
      departure = start + transmissionNanos(data.length, c.bytesPerSecond());
      busyUntilNanos = departure;
    }
    if (lossRoll < c.loss()) {
      lost++;
      return List.of();
    }
    int copies = duplicateRoll < c.duplicate() ? 2 : 1;
    duplicated += copies - 1;
    List<Arrival> out = new ArrayList<>(copies);
    for (int i = 0; i < copies; i++) {
      byte[] bytes = i == 0 ? data : data.clone();
      double[] rolls = copyRolls[i];
      if (rolls[0] < c.corrupt() && bytes.length > 0) {
        int bit = (int) Math.floorMod(bitRolls[i], (long) bytes.length * 8);
        bytes[bit >>> 3] ^= (byte) (1 << (bit & 7));
        corrupted++;
      }
      long delayMillis =
          c.minDelayMillis() + scale(rolls[1], c.maxDelayMillis() - c.minDelayMillis());
      if (rolls[2] < c.reorder()) {
        delayMillis += 1 + scale(rolls[2] / c.reorder(), c.reorderMaxExtraMillis() - 1);
      }
      out.add(new Arrival(departure + TimeUnit.MILLISECONDS.toNanos(delayMillis), bytes));
    }
    return out;
  }

  void countDelivered() {
    delivered++;
  }

  void countLostInFlight() {
    lost++;
  }

  /** A uniform integer in [0, span] from a uniform double in [0, 1). */
  private static long scale(double u, long span) {
    return Math.min(span, (long) (u * (span + 1)));
  }

  private static long transmissionNanos(int bytes, long bytesPerSecond) {
    return (bytes * 1_000_000_000L + bytesPerSecond - 1) / bytesPerSecond;
  }
}
