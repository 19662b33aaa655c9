package org.toxreactive.onion;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PackedNode;

/**
 * An in-memory UDP network of onion nodes on virtual time: datagrams queue up and {@link #run}
 * delivers them in order; those for addresses without a node land in {@link #inbox}.
 */
final class OnionNet {
  record Datagram(byte[] data, IpPort from, IpPort to) {}

  record TcpDelivery(long clientId, byte[] data, boolean forwarding) {}

  final Map<IpPort, OnionNode> nodes = new HashMap<>();
  final Map<IpPort, KeyPair> keys = new HashMap<>();
  final ArrayDeque<Datagram> queue = new ArrayDeque<>();
  final List<Datagram> inbox = new ArrayList<>();
  final List<TcpDelivery> tcp = new ArrayList<>();
  long now = 1_000_000;
  ClosestNodes dht = ClosestNodes.NONE;
  OnionNode.Limits limits = OnionNode.Limits.DEFAULT;

  static IpPort ip(int port) {
    try {
      return new IpPort(InetAddress.getByName("127.0.0.1"), port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  OnionNode add(IpPort at) {
    KeyPair kp = KeyPair.generate();
    keys.put(at, kp);
    OnionNode node =
        new OnionNode(
            kp,
            dht,
            new OnionNode.Out() {
              @Override
              public void udp(byte[] datagram, IpPort to) {
                queue.add(new Datagram(datagram, at, to));
              }

              @Override
              public void tcpOnionResponse(long clientId, byte[] response) {
                tcp.add(new TcpDelivery(clientId, response, false));
              }

              @Override
              public void tcpForwarding(long clientId, byte[] data) {
                tcp.add(new TcpDelivery(clientId, data, true));
              }
            },
            limits,
            now);
    nodes.put(at, node);
    return node;
  }

  PackedNode packed(IpPort at) {
    return PackedNode.udp(at, keys.get(at).publicKey());
  }

  void send(byte[] data, IpPort from, IpPort to) {
    queue.add(new Datagram(data, from, to));
  }

  /** Delivers until the queue is empty (bounded); returns how many datagrams were delivered. */
  int run() {
    int n = 0;
    while (!queue.isEmpty()) {
      if (++n > 10_000) {
        throw new AssertionError("datagram storm");
      }
      Datagram d = queue.poll();
      OnionNode node = nodes.get(d.to());
      if (node == null) {
        inbox.add(d);
      } else {
        node.onUdp(d.data(), d.from(), now);
      }
    }
    return n;
  }

  /** Removes and returns the inbox datagrams for {@code to}. */
  List<Datagram> take(IpPort to) {
    List<Datagram> got = new ArrayList<>();
    inbox.removeIf(
        d -> {
          if (d.to().equals(to)) {
            got.add(d);
            return true;
          }
          return false;
        });
    return got;
  }
}
