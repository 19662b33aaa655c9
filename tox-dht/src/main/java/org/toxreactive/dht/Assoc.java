package org.toxreactive.dht;

import org.jspecify.annotations.Nullable;
import org.toxreactive.core.IpPort;

/**
 * One address of a node (c-toxcore {@code IPPTsPng}): where it answered from, when it last
 * answered, when we last asked it for nodes, and the address it reported for the list's key. Times
 * are milliseconds of the core's clock; {@link #NEVER} means "not set". Mutable; owned by one
 * {@link NodeEntry}.
 */
public final class Assoc {
  /** A time far enough in the past to be timed out under every timeout. */
  public static final long NEVER = Long.MIN_VALUE / 4;

  @Nullable IpPort address;
  long timestamp = NEVER;
  long lastPinged = NEVER;
  @Nullable IpPort returnedAddress;
  long returnedTimestamp = NEVER;

  /**
   * The address, or null.
   *
   * @return the address it answered from, or null if this family is empty
   */
  public @Nullable IpPort address() {
    return address;
  }

  /**
   * When it last answered (ms), or {@link #NEVER}.
   *
   * @return the time in milliseconds of the caller's clock
   */
  public long timestamp() {
    return timestamp;
  }

  /**
   * When we last sent it a nodes request (ms), or {@link #NEVER}.
   *
   * @return the time in milliseconds of the caller's clock
   */
  public long lastPinged() {
    return lastPinged;
  }

  /**
   * What this node said the list's key is at, or null.
   *
   * @return the address another node reported, or null
   */
  public @Nullable IpPort returnedAddress() {
    return returnedAddress;
  }

  /**
   * When another node last reported {@link #returnedAddress()} (ms), or {@link #NEVER}.
   *
   * @return the time in milliseconds of the caller's clock
   */
  public long returnedTimestamp() {
    return returnedTimestamp;
  }

  /**
   * Bad: no answer for {@link DhtTimers#BAD_NODE_TIMEOUT} (or never).
   *
   * @param now the caller's clock, in milliseconds
   * @return true if bad
   */
  public boolean isBad(long now) {
    return timestamp + DhtTimers.BAD_NODE_TIMEOUT <= now;
  }

  /** Killed: no answer for {@link DhtTimers#KILL_NODE_TIMEOUT}; no longer pinged. */
  boolean isKilled(long now) {
    return timestamp + DhtTimers.KILL_NODE_TIMEOUT <= now;
  }

  void set(IpPort address, long now) {
    this.address = address;
    this.timestamp = now;
  }

  void reset() {
    address = null;
    timestamp = NEVER;
    lastPinged = NEVER;
    returnedAddress = null;
    returnedTimestamp = NEVER;
  }
}
