package org.toxreactive.netcrypto;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.core.transport.PathEvent;
import org.toxreactive.test.sim.SimNetwork;
import org.toxreactive.test.sim.SimNode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * TCP relays on the simulated network, for multipath scenarios on virtual time. A relay is a node
 * (named e.g. {@code "R1"}) that forwards envelopes: a host sends it {@code dest DHT key ‖ packet},
 * the destination receives {@code source DHT key ‖ packet}. Links to and from a relay take the
 * network's faults like any other (loss 1.0 on both = a blackholed relay; corruption = a relay
 * flipping bits); {@link #reset} is a relay whose TCP links die, which its clients are told of.
 */
final class SimRelays {
  private final SimNetwork net;
  private final Map<String, PublicKey> relayKeys = new LinkedHashMap<>();
  private final Map<String, PublicKey> dhtByNode = new LinkedHashMap<>();
  private final List<Host> hosts = new ArrayList<>();

  /** Key pairs from a seed, so that relay-key order (which relay carries) is the same each run. */
  static KeyPair seededKey(java.util.Random random) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    return KeyPair.fromSecretKey(org.toxreactive.core.SecretKey.of(secret));
  }

  SimRelays(SimNetwork net, java.util.Random keys, String... relays) {
    this.net = net;
    for (String r : relays) {
      relayKeys.put(r, seededKey(keys).publicKey());
      SimNode node = net.node(r);
      node.receive().subscribe(p -> forward(node, p.from(), p.data()));
    }
  }

  PublicKey relayKey(String relay) {
    return relayKeys.get(relay);
  }

  String relayName(PublicKey key) {
    for (Map.Entry<String, PublicKey> e : relayKeys.entrySet()) {
      if (e.getValue().equals(key)) {
        return e.getKey();
      }
    }
    return null;
  }

  /** Relay paths from a host to {@code peerDht} over every relay, in relay order. */
  List<Path> pathsTo(PublicKey peerDht) {
    List<Path> out = new ArrayList<>();
    for (PublicKey k : relayKeys.values()) {
      out.add(Path.relay(k, peerDht));
    }
    return out;
  }

  static Path udp(String node) {
    return Path.udp(InetSocketAddress.createUnresolved(node, 1));
  }

  private void forward(SimNode relay, String from, byte[] envelope) {
    PublicKey src = dhtByNode.get(from);
    if (src == null || envelope.length <= 32) {
      return;
    }
    PublicKey dest = PublicKey.of(Arrays.copyOfRange(envelope, 0, 32));
    for (Map.Entry<String, PublicKey> e : dhtByNode.entrySet()) {
      if (e.getValue().equals(dest)) {
        byte[] out = envelope.clone();
        System.arraycopy(src.toArray(), 0, out, 0, 32);
        relay.send(e.getKey(), out);
        return;
      }
    }
  }

  /** A host named {@code node} known to relays by {@code dht}; UDP as well if {@code udp}. */
  Host host(String node, PublicKey dht, boolean udp) {
    dhtByNode.put(node, dht);
    Host h = new Host(net.node(node), udp);
    hosts.add(h);
    return h;
  }

  /** The relay's TCP links die: its clients learn it (path events) and nothing passes any more. */
  void reset(String relay) {
    net.kill(relay);
    PublicKey k = relayKeys.get(relay);
    for (Host h : hosts) {
      for (PublicKey peer : dhtByNode.values()) {
        h.events.tryEmitNext(PathEvent.down(Path.relay(k, peer), "relay link closed: reset"));
      }
    }
  }

  /** The relay dies: nothing passes any more, and nobody is told yet (see {@link #tell}). */
  void kill(String relay) {
    net.kill(relay);
  }

  /** {@code host} learns that its link to {@code relay} closed (path events for every peer). */
  void tell(Host host, String relay) {
    PublicKey k = relayKeys.get(relay);
    for (PublicKey peer : dhtByNode.values()) {
      host.events.tryEmitNext(PathEvent.down(Path.relay(k, peer), "relay link closed: reset"));
    }
  }

  /** Packets vanish to and from the relay, with no sign of it: the worst kind of failure. */
  void blackhole(String relay) {
    for (String node : dhtByNode.keySet()) {
      net.link(node, relay).loss(1.0);
      net.link(relay, node).loss(1.0);
    }
  }

  /** The relay holds every packet back by {@code minMillis..maxMillis} (jitter reorders too). */
  void slow(String relay, long minMillis, long maxMillis) {
    for (String node : dhtByNode.keySet()) {
      net.link(node, relay).delay(minMillis, maxMillis);
      net.link(relay, node).delay(minMillis, maxMillis);
    }
  }

  /** The relay loses a share {@code p} of the packets to and from it. */
  void lossy(String relay, double p) {
    for (String node : dhtByNode.keySet()) {
      net.link(node, relay).loss(p);
      net.link(relay, node).loss(p);
    }
  }

  /** The relay flips a bit in about one packet in {@code every} it forwards. */
  void tamper(String relay, int every) {
    for (String node : dhtByNode.keySet()) {
      net.link(relay, node).corrupt(1.0 / every);
    }
  }

  /** One host's transport: UDP to other hosts by name, and every relay. */
  final class Host implements PacketTransport {
    final SimNode node;
    final boolean udp;
    final Sinks.Many<PathEvent> events = Sinks.many().multicast().directBestEffort();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> standbys = new ConcurrentLinkedQueue<>();

    Host(SimNode node, boolean udp) {
      this.node = node;
      this.udp = udp;
    }

    @Override
    public Flux<Datagram> receive() {
      return node.receive()
          .handle(
              (p, sink) -> {
                PublicKey relay = relayKeys.get(p.from());
                byte[] d = p.data();
                if (relay == null) {
                  if (udp) {
                    sink.next(new Datagram(udp(p.from()), Bytes.of(d)));
                  }
                } else if (d.length > 32) {
                  PublicKey src = PublicKey.of(Arrays.copyOfRange(d, 0, 32));
                  sink.next(new Datagram(Path.relay(relay, src), Bytes.of(d, 32, d.length - 32)));
                }
              });
    }

    @Override
    public Mono<Void> send(Path path, Bytes data) {
      if (path instanceof Path.Udp u && udp) {
        node.send(u.address().getHostString(), data.toArray());
        return Mono.empty();
      }
      if (path instanceof Path.Relay r && relayName(r.relay()) != null) {
        byte[] env = new byte[32 + data.length()];
        System.arraycopy(r.peer().toArray(), 0, env, 0, 32);
        System.arraycopy(data.toArray(), 0, env, 32, data.length());
        node.send(relayName(r.relay()), env);
        return Mono.empty();
      }
      return Mono.error(new IllegalArgumentException("not served: " + path));
    }

    @Override
    public boolean serves(Path path) {
      return path instanceof Path.Udp
          ? udp
          : path instanceof Path.Relay r && relayName(r.relay()) != null;
    }

    @Override
    public int maxPacketSize() {
      return 1400;
    }

    @Override
    public Flux<PathEvent> pathEvents() {
      return events.asFlux();
    }

    @Override
    public void pathFailed(Path path, String reason) {
      if (path instanceof Path.Relay r) {
        failures.add(relayName(r.relay()) + ": " + reason);
      } else {
        failures.add(path + ": " + reason);
      }
    }

    /** Like a relay pool: standby gives the routes up (path down), waking makes them again. */
    @Override
    public void standby(Path path, boolean standby) {
      standbys.add((standby ? "sleep " : "wake ") + relayName(((Path.Relay) path).relay()));
      events.tryEmitNext(standby ? PathEvent.down(path, "asleep") : PathEvent.up(path));
    }

    @Override
    public void dispose() {
      node.dispose();
    }

    @Override
    public boolean isDisposed() {
      return node.isDisposed();
    }
  }
}
