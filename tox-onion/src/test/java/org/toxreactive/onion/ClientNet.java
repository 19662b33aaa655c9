package org.toxreactive.onion;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;

/**
 * An in-memory network of our {@link OnionNode}s and {@link OnionClientCore}s on virtual time:
 * {@link #step} advances the clock by one second, runs every client once and delivers every
 * datagram (instantly, in order, bounded). Nodes know each other (their {@link ClosestNodes} is the
 * whole node set), so announce responses name the nodes closest to the searched key. Some nodes can
 * act as TCP relays for clients ({@link #relay}).
 */
final class ClientNet {
  record Datagram(byte[] data, IpPort from, IpPort to) {}

  final Map<IpPort, OnionNode> nodes = new LinkedHashMap<>();
  final Map<IpPort, KeyPair> nodeKeys = new HashMap<>();
  final Map<IpPort, Client> clients = new LinkedHashMap<>();
  final ArrayDeque<Datagram> queue = new ArrayDeque<>();
  final Random random = new Random(7);
  Predicate<Datagram> drop = d -> false;
  long now = 5_000_000;
  long delivered;

  /** A client and what it received. */
  final class Client implements OnionClientCore.Io {
    final IpPort at;
    final KeyPair realKeys = KeyPair.generate();
    final KeyPair dhtKeys = KeyPair.generate();
    final OnionClientCore core;
    final List<DhtPkAnnouncement> dhtPks = new ArrayList<>();
    final List<FriendRequest> requests = new ArrayList<>();
    final List<Object[]> dhtRouted = new ArrayList<>();
    boolean udp = true;
    List<PublicKey> relays = List.of();

    /** relay client id -> relay node address (when this client is TCP). */
    final long clientId;

    Client(IpPort at, long clientId) {
      this.at = at;
      this.clientId = clientId;
      this.core = new OnionClientCore(realKeys, this, at.port(), 1_700_000_000L, now);
    }

    @Override
    public KeyPair dhtKeys() {
      return dhtKeys;
    }

    @Override
    public boolean udpUsable() {
      return udp;
    }

    @Override
    public List<PackedNode> randomDhtNodes(int n) {
      if (!udp) {
        return List.of();
      }
      List<PackedNode> all = new ArrayList<>(packedNodes());
      all.removeIf(p -> p.key().equals(dhtKeys.publicKey()));
      java.util.Collections.shuffle(all, random);
      return all.subList(0, Math.min(n, all.size()));
    }

    @Override
    public List<PackedNode> closeDhtNodes(int n) {
      return udp ? ClosestNodes.of(packedNodes()).closest(dhtKeys.publicKey(), n) : List.of();
    }

    @Override
    public List<PublicKey> connectedRelays() {
      return relays;
    }

    @Override
    public boolean udp(IpPort to, byte[] packet) {
      if (!udp) {
        throw new AssertionError("a TCP-only client sent UDP");
      }
      queue.add(new Datagram(packet, at, to));
      return true;
    }

    @Override
    public boolean tcp(PublicKey relay, Nonce nonce, byte[] payload) {
      IpPort relayAt = null;
      for (Map.Entry<IpPort, KeyPair> e : nodeKeys.entrySet()) {
        if (e.getValue().publicKey().equals(relay)) {
          relayAt = e.getKey();
        }
      }
      if (relayAt == null || !relays.contains(relay)) {
        return false;
      }
      nodes.get(relayAt).onTcpOnionRequest(clientId, nonce, payload, now);
      return true;
    }

    @Override
    public boolean dhtRoute(PublicKey friendDhtKey, byte[] payload) {
      dhtRouted.add(new Object[] {friendDhtKey, payload});
      return true;
    }

    @Override
    public void dhtPk(DhtPkAnnouncement announcement) {
      dhtPks.add(announcement);
    }

    @Override
    public void friendRequest(FriendRequest request) {
      requests.add(request);
    }
  }

  static IpPort ip(int port) {
    return OnionNet.ip(port);
  }

  /** {@code n} nodes at ports 20001.. that know each other. */
  ClientNet(int n) {
    for (int i = 0; i < n; i++) {
      nodeKeys.put(ip(20001 + i), KeyPair.generate());
    }
    for (IpPort at : List.copyOf(nodeKeys.keySet())) {
      addNode(at, nodeKeys.get(at));
    }
  }

  /**
   * An onion node at {@code at} with this key, named in the others' answers from now on. Every
   * node's {@link ClosestNodes} is the node set at the time of the request.
   */
  private void addNode(IpPort at, KeyPair keys) {
    nodeKeys.put(at, keys);
    ClosestNodes all = (target, max) -> ClosestNodes.of(packedNodes()).closest(target, max);
    nodes.put(
        at,
        new OnionNode(
            keys,
            all,
            new OnionNode.Out() {
              @Override
              public void udp(byte[] datagram, IpPort to) {
                queue.add(new Datagram(datagram, at, to));
              }

              @Override
              public void tcpOnionResponse(long clientId, byte[] response) {
                for (Client c : clients.values()) {
                  if (c.clientId == clientId) {
                    c.core.onRelayResponse(nodeKeys.get(at).publicKey(), response, now);
                  }
                }
              }
            },
            OnionNode.Limits.DEFAULT,
            now));
  }

  List<PackedNode> packedNodes() {
    List<PackedNode> out = new ArrayList<>();
    nodeKeys.forEach((at, kp) -> out.add(PackedNode.udp(at, kp.publicKey())));
    out.sort(java.util.Comparator.comparing(p -> p.ipPort().port()));
    return out;
  }

  PublicKey nodeKey(int i) {
    return nodeKeys.get(ip(20001 + i)).publicKey();
  }

  Client client(int port) {
    Client c = new Client(ip(port), port);
    clients.put(c.at, c);
    return c;
  }

  /**
   * A client that is also an onion node on its DHT key at its own address, as every c-toxcore
   * instance is (and our {@code ToxNode}): the other nodes name it in their answers, and the
   * client's own searches can reach it. Its DHT's random nodes are the others.
   */
  Client hostingClient(int port) {
    Client c = client(port);
    addNode(c.at, c.dhtKeys);
    return c;
  }

  /** Delivers every queued datagram (bounded). */
  void deliver() {
    int n = 0;
    while (!queue.isEmpty()) {
      if (++n > 200_000) {
        throw new AssertionError("datagram storm");
      }
      Datagram d = queue.poll();
      if (drop.test(d)) {
        continue;
      }
      delivered++;
      Client client = clients.get(d.to());
      int id = d.data().length == 0 ? -1 : d.data()[0] & 0xFF;
      if (client != null && (id == 0x84 || id == 0x86 || id == 0x88)) {
        client.core.onUdp(d.data(), d.from(), now);
        continue;
      }
      OnionNode node = nodes.get(d.to());
      if (node != null) {
        node.onUdp(d.data(), d.from(), now);
        continue;
      }
      Client c = clients.get(d.to());
      if (c != null) {
        c.core.onUdp(d.data(), d.from(), now);
      }
    }
  }

  /** One second: every client runs once, then everything in flight is delivered. */
  void step() {
    now += 1000;
    for (Client c : clients.values()) {
      c.core.tick(now);
    }
    deliver();
  }

  /** Steps until {@code done} holds or {@code maxSeconds} pass; returns the seconds taken. */
  int runUntil(java.util.function.BooleanSupplier done, int maxSeconds) {
    for (int s = 1; s <= maxSeconds; s++) {
      step();
      if (done.getAsBoolean()) {
        return s;
      }
    }
    throw new AssertionError("not done after " + maxSeconds + " simulated seconds");
  }
}
