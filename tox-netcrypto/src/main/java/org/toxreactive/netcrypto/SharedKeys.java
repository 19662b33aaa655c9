package org.toxreactive.netcrypto;

import java.util.Map;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;

/**
 * The node's caches of shared keys (X25519 + HSalsa20) with peers' DHT and real keys, the least
 * recently used forgotten past {@link #SIZE}. Each computation is counted. A session keeps its own
 * shared keys, so what the caches forget costs a live session nothing. Worker thread only.
 */
final class SharedKeys {
  static final int SIZE = 1024;

  private final KeyPair realKeys;
  private final KeyPair dhtKeys;
  private final NodeCounters counters;
  private final Map<PublicKey, SharedKey> dht = ControlPlane.lru(SIZE);
  private final Map<PublicKey, SharedKey> real = ControlPlane.lru(SIZE);

  SharedKeys(KeyPair realKeys, KeyPair dhtKeys, NodeCounters counters) {
    this.realKeys = realKeys;
    this.dhtKeys = dhtKeys;
    this.counters = counters;
  }

  /**
   * Ours with a peer's DHT key.
   *
   * @throws IllegalArgumentException for a low-order key
   */
  SharedKey dht(PublicKey peerDht) {
    return dht.computeIfAbsent(peerDht, k -> compute(k, dhtKeys));
  }

  /**
   * Ours with a peer's real key.
   *
   * @throws IllegalArgumentException for a low-order key
   */
  SharedKey real(PublicKey peerReal) {
    return real.computeIfAbsent(peerReal, k -> compute(k, realKeys));
  }

  /** Whether the key with this DHT key is cached (using it costs no X25519). */
  boolean hasDht(PublicKey peerDht) {
    return dht.containsKey(peerDht);
  }

  /** Whether the key with this real key is cached. */
  boolean hasReal(PublicKey peerReal) {
    return real.containsKey(peerReal);
  }

  private SharedKey compute(PublicKey k, KeyPair ours) {
    counters.keysComputed++;
    return CryptoBox.beforenm(k, ours.secretKey());
  }
}
