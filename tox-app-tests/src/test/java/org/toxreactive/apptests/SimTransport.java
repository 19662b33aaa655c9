package org.toxreactive.apptests;

import java.net.InetSocketAddress;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.test.sim.SimNode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * tox-test's simulated network as a {@link PacketTransport}, written against the public API only,
 * as an application's own tests would: node names are unresolved UDP addresses {@code name:1}.
 */
final class SimTransport implements PacketTransport {
  private final SimNode node;

  SimTransport(SimNode node) {
    this.node = node;
  }

  static Path pathOf(String name) {
    return Path.udp(InetSocketAddress.createUnresolved(name, 1));
  }

  @Override
  public Flux<Datagram> receive() {
    return node.receive().map(p -> new Datagram(pathOf(p.from()), Bytes.of(p.data())));
  }

  @Override
  public Mono<Void> send(Path path, Bytes data) {
    if (!serves(path)) {
      return Mono.error(new IllegalArgumentException("not a simulated path: " + path));
    }
    node.send(((Path.Udp) path).address().getHostString(), data.toArray());
    return Mono.empty();
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
