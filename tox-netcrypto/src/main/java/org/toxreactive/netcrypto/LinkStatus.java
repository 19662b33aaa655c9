package org.toxreactive.netcrypto;

import org.toxreactive.core.transport.Path;

/**
 * How a connection currently reaches its peer, as published by {@link CryptoConnection#status()}.
 */
public record LinkStatus(Kind kind, Path path) {
  public enum Kind {
    /** Handshaking: not usable yet. */
    CONNECTING,
    /** Direct UDP, heard from within the last 8 s. */
    DIRECT,
    /** Through a TCP relay. */
    RELAYED,
    /** Closed. */
    OFFLINE
  }

  static LinkStatus of(Path path) {
    return new LinkStatus(path instanceof Path.Udp ? Kind.DIRECT : Kind.RELAYED, path);
  }
}
