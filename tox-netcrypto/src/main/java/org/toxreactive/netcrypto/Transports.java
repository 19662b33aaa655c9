package org.toxreactive.netcrypto;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.core.transport.PathEvent;
import reactor.core.Disposable;
import reactor.core.Disposables;

/**
 * The transports of one node, as the engine talks to them about a path: which one serves it, send
 * on it, tell it a path failed or may sleep, and which transports have gone (their receive ended).
 */
final class Transports {
  private static final Logger log = LoggerFactory.getLogger(Transports.class);

  private final List<PacketTransport> all;
  private final Set<PacketTransport> gone = Collections.newSetFromMap(new ConcurrentHashMap<>());

  Transports(List<PacketTransport> all) {
    this.all = List.copyOf(all);
  }

  List<PacketTransport> all() {
    return all;
  }

  /**
   * Subscribes to every transport: each packet to {@code packets} (on the transport's thread; its
   * bytes may be on loan, see {@link PacketTransport#receiveLeased()}), a transport whose receive()
   * ended (completed or failed) to {@code ended}, each path event to {@code events}.
   *
   * @return what cancels all the subscriptions
   */
  Disposable subscribe(
      Consumer<Datagram> packets, Consumer<PacketTransport> ended, Consumer<PathEvent> events) {
    Disposable.Composite subs = Disposables.composite();
    for (PacketTransport t : all) {
      subs.add(
          t.receiveLeased() // the engine ends each loan (Inbound.onDatagram)
              .subscribe(
                  packets,
                  e -> {
                    log.warn("transport {} failed: {}", t, e.toString());
                    ended.accept(t);
                  },
                  () -> ended.accept(t)));
      subs.add(
          t.pathEvents()
              .subscribe(events, e -> log.warn("path events of {} failed: {}", t, e.toString())));
    }
    return subs;
  }

  /** {@code t}'s receive() ended: it serves no path any more. */
  void gone(PacketTransport t) {
    gone.add(t);
  }

  /** Whether a transport that is still receiving serves {@code p} (any thread). */
  boolean servedByLive(Path p) {
    for (PacketTransport t : all) {
      if (!gone.contains(t) && !t.isDisposed() && t.serves(p)) {
        return true;
      }
    }
    return false;
  }

  /** Sends a packet built fresh (never changed after) on the first transport serving the path. */
  void send(Path path, byte[] packet) {
    for (PacketTransport t : all) {
      if (t.serves(path)) {
        if (!t.offer(path, Bytes.adopt(packet))) {
          log.debug("send on {} refused", path);
        }
        return;
      }
    }
  }

  /**
   * Sends the first {@code length} bytes of {@code packet} on the first transport serving the path,
   * which copies them before it returns ({@link PacketTransport#offer(Path, byte[], int, int)}):
   * the caller reuses the array for the next packet.
   */
  void sendBorrowed(Path path, byte[] packet, int length) {
    for (int i = 0, n = all.size(); i < n; i++) { // no iterator per packet
      PacketTransport t = all.get(i);
      if (t.serves(path)) {
        if (!t.offer(path, packet, 0, length)) {
          log.debug("send on {} refused", path);
        }
        return;
      }
    }
  }

  /**
   * A session gave up on {@code path}: the transports serving it may act (a pool drops a relay).
   */
  void pathFailed(Path path, String reason) {
    for (PacketTransport t : all) {
      if (t.serves(path)) {
        t.pathFailed(path, reason);
      }
    }
  }

  /** Tells the transports of {@code path} that it is (not) needed for now. */
  void standby(Path path, boolean standby) {
    for (PacketTransport t : all) {
      if (t.serves(path)) {
        t.standby(path, standby);
      }
    }
  }
}
