package org.toxreactive.dht;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.DatagramQueue;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A loss-free UDP network of {@link PacketTransport}s on a {@link VirtualTimeScheduler}, addressed
 * by real IP addresses, with optional NATs in front of hosts: every datagram arrives {@link
 * #LATENCY} later. A NAT is port-restricted: it forwards to an inside host only what comes from an
 * address:port that host has sent to through it. A cone NAT gives each inside host one public port
 * for every destination; a symmetric one a new port (counting up) for each new destination.
 * Test-only; run it from one thread (the test's, advancing virtual time).
 */
final class LoopNet {
  static final Duration LATENCY = Duration.ofMillis(5);

  final VirtualTimeScheduler vts;
  final java.util.SplittableRandom random;
  private final Map<IpPort, Host> hosts = new HashMap<>();
  private final Map<InetAddress, Nat> nats = new HashMap<>();
  long delivered;
  long filtered;
  long lost;

  LoopNet(VirtualTimeScheduler vts, long seed) {
    this.vts = vts;
    this.random = new java.util.SplittableRandom(seed);
  }

  /** A key pair from the network's seed. */
  KeyPair keys() {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    return KeyPair.fromSecretKey(org.toxreactive.core.SecretKey.of(secret));
  }

  static IpPort ip(String address, int port) {
    try {
      return new IpPort(InetAddress.getByName(address), port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A NAT with public address {@code publicIp}. */
  final class Nat {
    final InetAddress publicIp;
    final boolean symmetric;
    private int nextPort = 40_000;
    private final Map<Object, Integer> mappings = new HashMap<>();
    private final Map<Integer, Host> inside = new HashMap<>();
    private final Map<Integer, Set<IpPort>> allowed = new HashMap<>();

    Nat(InetAddress publicIp, boolean symmetric) {
      this.publicIp = publicIp;
      this.symmetric = symmetric;
    }

    /** The public source of {@code from} towards {@code to}; opens the way back. */
    IpPort out(Host from, IpPort to) {
      Object key = symmetric ? List.of(from.address, to) : from.address;
      Integer port = mappings.get(key);
      if (port == null) {
        port = nextPort++;
        mappings.put(key, port);
        inside.put(port, from);
      }
      allowed.computeIfAbsent(port, p -> new HashSet<>()).add(to);
      return new IpPort(publicIp, port);
    }

    Host in(IpPort from, int port) {
      Set<IpPort> ok = allowed.get(port);
      return ok != null && ok.contains(from) ? inside.get(port) : null;
    }
  }

  Nat nat(String publicIp, boolean symmetric) {
    Nat n = new Nat(ip(publicIp, 0).address(), symmetric);
    nats.put(n.publicIp, n);
    return n;
  }

  Host host(IpPort address) {
    return host(address, null);
  }

  Host host(IpPort address, Nat nat) {
    Host h = new Host(address, nat);
    hosts.put(address, h);
    return h;
  }

  private void route(Host from, IpPort to, Bytes data) {
    IpPort source = from.nat == null ? from.address : from.nat.out(from, to);
    vts.schedule(() -> deliver(source, to, data), LATENCY.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void deliver(IpPort source, IpPort to, Bytes data) {
    Nat n = nats.get(to.address());
    Host h;
    if (n != null) {
      h = n.in(source, to.port());
      if (h == null) {
        filtered++;
        return;
      }
    } else {
      h = hosts.get(to);
      if (h == null || h.nat != null) {
        lost++;
        return;
      }
    }
    delivered++;
    h.inbound.offer(
        new Datagram(Path.udp(new InetSocketAddress(source.address(), source.port())), data));
  }

  /** One host's UDP socket. */
  final class Host implements PacketTransport {
    final IpPort address;
    final Nat nat;
    final DatagramQueue inbound = new DatagramQueue(4096);
    final List<Datagram> sent = new ArrayList<>();
    boolean recording;
    private boolean disposed;

    Host(IpPort address, Nat nat) {
      this.address = address;
      this.nat = nat;
    }

    /** A DHT client on this host. */
    DhtClient client(DhtConfig config) {
      return DhtClient.start(keys(), config, receive(), this, vts, random.split());
    }

    @Override
    public Flux<Datagram> receive() {
      return inbound.receive();
    }

    @Override
    public Mono<Void> send(Path path, Bytes data) {
      return offer(path, data)
          ? Mono.empty()
          : Mono.error(new IllegalArgumentException("not served: " + path));
    }

    @Override
    public boolean offer(Path path, Bytes data) {
      if (!serves(path) || disposed) {
        return false;
      }
      InetSocketAddress a = ((Path.Udp) path).address();
      IpPort to = new IpPort(a.getAddress(), a.getPort());
      if (recording) {
        sent.add(new Datagram(path, data));
      }
      route(this, to, data);
      return true;
    }

    @Override
    public boolean serves(Path path) {
      return path instanceof Path.Udp u && !u.address().isUnresolved();
    }

    @Override
    public int maxPacketSize() {
      return 2048;
    }

    @Override
    public void dispose() {
      disposed = true;
      inbound.close();
    }

    @Override
    public boolean isDisposed() {
      return disposed;
    }
  }
}
