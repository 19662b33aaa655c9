package org.toxreactive.dht;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;

/**
 * A loss-free datagram network of {@link DhtCore}s on virtual time: every packet a core sends is
 * queued and delivered by {@link #deliver}; {@link #advance} moves the clock in ticks. Addresses
 * are 10.x.y.z (LAN) or 1.x.y.z (public) as the test chooses. Test-only; single-threaded.
 */
final class SimNet {
  record Packet(ByteBuf data, IpPort from, IpPort to) {}

  final Map<IpPort, DhtCore> nodes = new HashMap<>();
  final ArrayDeque<Packet> queue = new ArrayDeque<>();
  final List<Packet> log = new ArrayList<>();
  final Set<IpPort> down = new HashSet<>();
  final SplittableRandom random;
  boolean keepLog;
  long now = 1_000_000;
  long delivered;

  SimNet(long seed) {
    random = new SplittableRandom(seed);
  }

  static IpPort address(int a, int b, int c, int d, int port) {
    try {
      return new IpPort(
          InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}), port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  DhtCore add(IpPort at, KeyPair keys, DhtConfig config) {
    DhtCore core =
        new DhtCore(
            keys,
            config,
            (packet, to) -> queue.add(new Packet(packet, at, to)),
            random.split(),
            now);
    nodes.put(at, core);
    return core;
  }

  /** Delivers queued packets (and what they cause) until the queue is empty or {@code max} went. */
  void deliver(int max) {
    int n = 0;
    while (!queue.isEmpty() && n++ < max) {
      Packet p = queue.poll();
      try {
        if (keepLog) {
          log.add(new Packet(p.data().copy(), p.from(), p.to()));
        }
        DhtCore to = nodes.get(p.to());
        if (to != null && !down.contains(p.to()) && !down.contains(p.from())) {
          delivered++;
          to.receive(p.data(), p.from(), now);
        }
      } finally {
        p.data().release();
      }
    }
  }

  void deliver() {
    deliver(Integer.MAX_VALUE);
  }

  /** Moves time by {@code millis} in 1-second ticks, ticking every node and delivering. */
  void advance(long millis) {
    long end = now + millis;
    while (now < end) {
      now = Math.min(end, now + DhtTimers.TICK);
      for (Map.Entry<IpPort, DhtCore> e : nodes.entrySet()) {
        if (!down.contains(e.getKey())) {
          e.getValue().tick(now);
        }
      }
      deliver();
    }
  }

  void releaseLog() {
    for (Packet p : log) {
      p.data().release();
    }
    log.clear();
  }

  void close() {
    for (Packet p : queue) {
      p.data().release();
    }
    queue.clear();
    releaseLog();
  }
}
