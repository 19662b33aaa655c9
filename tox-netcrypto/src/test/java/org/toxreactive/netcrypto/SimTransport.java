package org.toxreactive.netcrypto;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.test.sim.SimNode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * tox-test-kit's {@link org.toxreactive.testkit.SimTransport} (node names map to unresolved UDP
 * addresses {@code name:1}, so net_crypto sees ordinary UDP paths), plus what these tests need on
 * top: a record of every packet sent, and raw injection that bypasses net_crypto.
 */
final class SimTransport implements PacketTransport {
  private final org.toxreactive.testkit.SimTransport kit;

  /** Every packet this transport sent, for tests that replay or inspect them. */
  final Queue<byte[]> sent = new ConcurrentLinkedQueue<>();

  SimTransport(SimNode node) {
    this.kit = org.toxreactive.testkit.SimTransport.of(node);
  }

  SimNode node() {
    return kit.node();
  }

  /** Sends raw bytes as this node, bypassing net_crypto (replays, forgeries). */
  void inject(String to, byte[] bytes) {
    kit.node().send(to, bytes);
  }

  static Path pathOf(String name) {
    return org.toxreactive.testkit.SimTransport.pathOf(name);
  }

  @Override
  public Flux<Datagram> receive() {
    return kit.receive();
  }

  @Override
  public Mono<Void> send(Path path, Bytes data) {
    return Mono.defer(
        () -> {
          if (accepts(path, data)) {
            sent.add(data.toArray());
          }
          return kit.send(path, data);
        });
  }

  @Override
  public boolean offer(Path path, Bytes data) {
    if (accepts(path, data)) {
      sent.add(data.toArray());
    }
    return kit.offer(path, data);
  }

  private boolean accepts(Path path, Bytes data) {
    return kit.serves(path) && data.length() <= kit.maxPacketSize();
  }

  @Override
  public boolean serves(Path path) {
    return kit.serves(path);
  }

  @Override
  public int maxPacketSize() {
    return kit.maxPacketSize();
  }

  @Override
  public void dispose() {
    kit.dispose();
  }

  @Override
  public boolean isDisposed() {
    return kit.isDisposed();
  }
}
