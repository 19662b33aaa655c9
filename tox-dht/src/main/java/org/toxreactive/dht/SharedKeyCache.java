package org.toxreactive.dht;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SecretKey;
import org.toxreactive.core.SharedKey;

/**
 * The precomputed keys ({@code beforenm}) of the peers we talk to, least recently used evicted past
 * {@code capacity} (c-toxcore keeps 256 slots of 4 = 1024 per direction; docs/protocol.md, DHT
 * section "shared keys"). Invisible on the wire; it saves an X25519 per packet. Not thread-safe.
 */
final class SharedKeyCache {
  private final SecretKey secret;
  private final LinkedHashMap<PublicKey, SharedKey> keys;
  private long computed;

  SharedKeyCache(SecretKey secret, int capacity) {
    this.secret = secret;
    this.keys =
        new LinkedHashMap<>(64, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<PublicKey, SharedKey> eldest) {
            return size() > capacity;
          }
        };
  }

  /** The shared key with {@code peer}, or null if the peer key is a low-order point. */
  @Nullable SharedKey get(PublicKey peer) {
    SharedKey k = keys.get(peer);
    if (k == null) {
      try {
        k = CryptoBox.beforenm(peer, secret);
      } catch (IllegalArgumentException e) {
        return null;
      }
      computed++;
      keys.put(peer, k);
    }
    return k;
  }

  int size() {
    return keys.size();
  }

  long computed() {
    return computed;
  }
}
