package org.toxreactive.transport.tcp;

import java.util.Objects;

/**
 * One relay of a {@link RelayPool}, as {@link RelayPool#relays()} sees it now.
 *
 * @param address where the relay is and its key
 * @param role whether the pool uses it, keeps it in reserve or gave up on it
 * @param connected whether its link is up (always false unless {@link Role#ACTIVE})
 * @param routes peers the pool keeps a route to on it (sleeping ones not counted)
 * @param online peers online on it now: routed data flows to them
 * @param connects links established to it so far
 * @param note why it was dropped or the last link failure; empty if none
 */
public record RelayStatus(
    RelayAddress address,
    Role role,
    boolean connected,
    int routes,
    int online,
    long connects,
    String note) {
  /** What the pool does with a relay. */
  public enum Role {
    /** Connected (or being reconnected) and used. */
    ACTIVE,
    /** Not connected; takes over when an active relay is dropped or unreachable. */
    SPARE,
    /** Given up for the rest of the pool's life (see {@link RelayPool#pathFailed}). */
    DROPPED
  }

  /**
   * Checks that nothing is null.
   *
   * @param address where the relay is and its key
   * @param role what the pool does with it
   * @param connected whether its link is up
   * @param routes peers routed on it
   * @param online peers online on it
   * @param connects links established so far
   * @param note why it was dropped or the last failure; empty if none
   */
  public RelayStatus {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(note, "note");
  }
}
