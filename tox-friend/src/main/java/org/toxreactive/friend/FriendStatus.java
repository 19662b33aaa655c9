package org.toxreactive.friend;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.CryptoConnection;

/**
 * How a friend is reached now, as {@link Friend#status()} publishes it: c-toxcore's {@code
 * Tox_Connection} (NONE, TCP, UDP) with the connection while the friend is online.
 *
 * <p>A friend is online once its connection is up and it has sent ONLINE (Messenger's packet 24),
 * as c-toxcore calls a friend online; it is offline again when the connection ends (the friend's
 * kill packet, 32 s of silence, or a new DHT key of the friend).
 *
 * @param kind offline, or how the connection reaches the friend
 * @param connection the net_crypto connection while online, null when offline
 * @param path the path data goes on while online, null when offline
 */
public record FriendStatus(Kind kind, @Nullable CryptoConnection connection, @Nullable Path path) {
  /** The states, as c-toxcore's {@code Tox_Connection}. */
  public enum Kind {
    /** Not online (c-toxcore's TOX_CONNECTION_NONE). */
    OFFLINE,
    /** Online through a TCP relay (TOX_CONNECTION_TCP). */
    RELAYED,
    /** Online over direct UDP (TOX_CONNECTION_UDP). */
    DIRECT
  }

  /** The status of a friend that is not online. */
  public static final FriendStatus OFFLINE = new FriendStatus(Kind.OFFLINE, null, null);

  /**
   * Checks that connection and path are given exactly when online.
   *
   * @param kind the state
   * @param connection the connection while online, else null
   * @param path the path while online, else null
   */
  public FriendStatus {
    Objects.requireNonNull(kind, "kind");
    boolean online = kind != Kind.OFFLINE;
    if (online != (connection != null) || online != (path != null)) {
      throw new IllegalArgumentException(
          kind + (online ? " needs a connection and a path" : " has no connection or path"));
    }
  }

  /**
   * Whether the friend is online.
   *
   * @return true for RELAYED and DIRECT
   */
  public boolean online() {
    return kind != Kind.OFFLINE;
  }
}
