package org.toxreactive.netcrypto;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.BytesPool;
import org.toxreactive.core.NetCryptoPacketKind;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.test.sim.SimNode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * tox-test-kit's {@link org.toxreactive.testkit.SimTransport} (node names map to unresolved UDP
 * addresses {@code name:1}, so net_crypto sees ordinary UDP paths), plus what these tests need on
 * top: a record of every packet sent, raw injection that bypasses net_crypto, and {@link
 * #receiveLeased()} lending data packets from a {@link BytesPool} as UDP does, so every test on it
 * runs the engine's loan handling.
 */
final class SimTransport implements PacketTransport {
  private final org.toxreactive.testkit.SimTransport kit;

  /**
   * Where {@link #receiveLeased()} lends data packets from; room for every array a test makes, so
   * {@code created() - free()} is the number of loans not ended.
   */
  final BytesPool lending = new BytesPool(NetCryptoPacketKind.MAX_PACKET_SIZE, 4096);

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

  /** As UDP: data packets (0x1B) arrive on loan, others as they are. */
  @Override
  public Flux<Datagram> receiveLeased() {
    return kit.receive()
        .map(
            d ->
                NetCryptoPacketKind.of(d.data()) == NetCryptoPacketKind.DATA
                    ? new Datagram(d.path(), lending.copyOf(d.data().asByteBuf()))
                    : d);
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
