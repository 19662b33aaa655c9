package org.toxreactive.netcrypto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Path;

/**
 * The engine's indexes of its sessions: by the peer's real key (one session per peer), by its DHT
 * key (data from a relay the peer shares with us) and by path (where a packet came from). Touched
 * only on the engine's worker.
 */
final class SessionIndex {
  private final Map<PublicKey, Session> byReal = new HashMap<>();
  private final Map<Path, Session> byPath = new HashMap<>();
  private final Map<PublicKey, Session> byDht = new HashMap<>();

  /** Indexes a new session by its keys (its paths are indexed as it adds them). */
  void add(Session s) {
    byReal.put(s.peerReal, s);
    byDht.put(s.peerDht, s);
  }

  void addPath(Session s, Path p) {
    byPath.put(p, s);
  }

  /** The peer of {@code s} now has {@code newDht}; call before the session takes the new key. */
  void dhtChanging(Session s, PublicKey newDht) {
    byDht.remove(s.peerDht, s);
    byDht.put(newDht, s);
  }

  /** Drops every index entry that still points at {@code s}. */
  void remove(Session s) {
    byReal.remove(s.peerReal, s);
    byDht.remove(s.peerDht, s);
    for (Path p : s.paths()) {
      byPath.remove(p, s);
    }
  }

  @Nullable Session byReal(PublicKey real) {
    return byReal.get(real);
  }

  @Nullable Session byDht(PublicKey dht) {
    return byDht.get(dht);
  }

  @Nullable Session byPath(Path p) {
    return byPath.get(p);
  }

  /** A copy of every session, safe to iterate while sessions end. */
  List<Session> snapshot() {
    return new ArrayList<>(byReal.values());
  }

  boolean isEmpty() {
    return byReal.isEmpty();
  }

  int size() {
    return byReal.size();
  }
}
