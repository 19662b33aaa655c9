package org.toxreactive.transport.tcp;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.KeyPair;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

/**
 * Read-only configuration of a {@link RelayPool} ({@link RelayPoolBuilder#configuration()}, {@link
 * RelayPool#configuration()}). Top-level rather than nested in the builder so that the pool and its
 * lane depend on the configuration only, not on the builder.
 *
 * @param keys our DHT key pair
 * @param relays every relay, in order of preference; the first {@code active} are connected
 * @param active how many relays are connected at once; the others are spares
 * @param reconnect backoff between link attempts to one relay (see {@link RelayClient#reconnect})
 * @param scheduler timers of every link: handshake deadline, keepalive, reconnect backoff
 * @param proxy HTTP CONNECT or SOCKS5 proxy for every link, or null for direct links
 * @param receiveQueue inbound packets queued for a slow subscriber before dropping
 */
public record RelayPoolConfig(
    KeyPair keys,
    List<RelayAddress> relays,
    int active,
    Retry reconnect,
    Scheduler scheduler,
    @Nullable RelayProxy proxy,
    int receiveQueue) {
  /**
   * Checks the values; the exception names the one that is wrong.
   *
   * @param keys our DHT key pair
   * @param relays every relay, preferred first
   * @param active relays connected at once
   * @param reconnect backoff between link attempts
   * @param scheduler timers of every link
   * @param proxy proxy for every link, or null
   * @param receiveQueue inbound packets queued for a slow subscriber
   */
  public RelayPoolConfig {
    Objects.requireNonNull(keys, "keys");
    relays = List.copyOf(relays);
    Objects.requireNonNull(reconnect, "reconnect");
    Objects.requireNonNull(scheduler, "scheduler");
    Set<Object> seen = new HashSet<>();
    for (RelayAddress r : relays) {
      if (!seen.add(r.publicKey())) {
        throw new IllegalArgumentException("relay key listed twice: " + r.publicKey());
      }
    }
    if (active < 1) {
      throw new IllegalArgumentException("active must be >= 1, got " + active);
    }
    if (receiveQueue < 1) {
      throw new IllegalArgumentException("receiveQueue must be >= 1, got " + receiveQueue);
    }
  }
}
