package org.toxreactive.netcrypto;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.transport.Path;

/**
 * How a connection currently reaches its peer, as published by {@link CryptoConnection#status()}.
 *
 * @param kind the state of the connection
 * @param path the path data goes on: never null for {@link Kind#DIRECT} and {@link Kind#RELAYED}
 *     (and then the peer was heard on it within the last 3 s), always null for {@link
 *     Kind#CONNECTING}, {@link Kind#UNREACHABLE} and {@link Kind#OFFLINE}
 */
public record LinkStatus(Kind kind, @Nullable Path path) {
  /** The states of a connection, in the order a connection normally goes through them. */
  public enum Kind {
    /** Handshaking: not usable yet. */
    CONNECTING,
    /** Direct UDP, the peer heard on it within the last 3 s. */
    DIRECT,
    /** Through a TCP relay, the peer heard on it within the last 3 s. */
    RELAYED,
    /**
     * Established, but the peer has not been heard on any usable path for 3 s: messages wait (and
     * are resent) until a path comes back, or the idle timeout ends the connection.
     */
    UNREACHABLE,
    /** Ended. */
    OFFLINE
  }

  /**
   * Checks that {@code path} is given exactly for the kinds that have one.
   *
   * @param kind the state
   * @param path the path of DIRECT and RELAYED, null otherwise
   */
  public LinkStatus {
    Objects.requireNonNull(kind, "kind");
    boolean hasPath = kind == Kind.DIRECT || kind == Kind.RELAYED;
    if (hasPath != (path != null)) {
      throw new IllegalArgumentException(kind + " " + (hasPath ? "needs" : "has no") + " path");
    }
  }

  static LinkStatus of(Path path) {
    return new LinkStatus(path instanceof Path.Udp ? Kind.DIRECT : Kind.RELAYED, path);
  }

  static final LinkStatus CONNECTING = new LinkStatus(Kind.CONNECTING, null);
  static final LinkStatus UNREACHABLE = new LinkStatus(Kind.UNREACHABLE, null);
  static final LinkStatus OFFLINE = new LinkStatus(Kind.OFFLINE, null);
}
