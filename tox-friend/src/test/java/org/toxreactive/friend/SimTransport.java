package org.toxreactive.friend;

import java.net.InetSocketAddress;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.test.sim.SimNode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** tox-test's simulated network as a transport: node names are unresolved addresses name:1. */
final class SimTransport implements PacketTransport {
  private final SimNode node;

  SimTransport(SimNode node) {
    this.node = node;
  }

  static InetSocketAddress addressOf(String name) {
    return InetSocketAddress.createUnresolved(name, 1);
  }

  @Override
  public Flux<Datagram> receive() {
    return node.receive().map(p -> new Datagram(Path.udp(addressOf(p.from())), Bytes.of(p.data())));
  }

  @Override
  public Mono<Void> send(Path path, Bytes data) {
    if (!serves(path) || data.length() > maxPacketSize()) {
      return Mono.error(new IllegalArgumentException("cannot send on " + path));
    }
    node.send(((Path.Udp) path).address().getHostString(), data.toArray());
    return Mono.empty();
  }

  @Override
  public boolean offer(Path path, Bytes data) {
    if (!serves(path) || data.length() > maxPacketSize()) {
      return false;
    }
    node.send(((Path.Udp) path).address().getHostString(), data.toArray());
    return true;
  }

  @Override
  public boolean serves(Path path) {
    return path instanceof Path.Udp u && u.address().isUnresolved();
  }

  @Override
  public int maxPacketSize() {
    return 1400;
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
