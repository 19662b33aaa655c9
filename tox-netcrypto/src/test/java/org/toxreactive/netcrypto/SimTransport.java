package org.toxreactive.netcrypto;

import java.net.InetSocketAddress;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.test.sim.SimNode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Adapts a simulated-network node to the transport SPI: node names map to unresolved UDP addresses
 * {@code name:1}, so net_crypto sees ordinary UDP paths.
 */
final class SimTransport implements PacketTransport {
  private final SimNode node;

  /** Every packet this transport sent, for tests that replay or inspect them. */
  final java.util.Queue<byte[]> sent = new java.util.concurrent.ConcurrentLinkedQueue<>();

  SimTransport(SimNode node) {
    this.node = node;
  }

  SimNode node() {
    return node;
  }

  /** Sends raw bytes as this node, bypassing net_crypto (replays, forgeries). */
  void inject(String to, byte[] bytes) {
    node.send(to, bytes);
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
    if (data.length() > maxPacketSize()) {
      return Mono.error(
          new IllegalArgumentException(
              "packet of " + data.length() + " bytes exceeds " + maxPacketSize()));
    }
    byte[] bytes = data.toArray();
    sent.add(bytes);
    node.send(((Path.Udp) path).address().getHostString(), bytes);
    return Mono.empty();
  }

  @Override
  public boolean offer(Path path, Bytes data) {
    if (!serves(path) || data.length() > maxPacketSize()) {
      return false; // refused at once, as the contract asks (the default would say true)
    }
    send(path, data).subscribe(null, e -> {});
    return true;
  }

  @Override
  public boolean serves(Path path) {
    return path instanceof Path.Udp;
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
