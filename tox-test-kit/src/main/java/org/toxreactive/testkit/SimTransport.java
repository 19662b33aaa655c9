package org.toxreactive.testkit;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.test.sim.SimNetwork;
import org.toxreactive.test.sim.SimNode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A node of tox-test's simulated network ({@link SimNetwork}) as a {@link PacketTransport}: hand it
 * to {@code NetCrypto.create(..).transport(..)} (or to your own code written against {@code
 * PacketTransport}) and every packet goes through the network's seeded loss, delay, reordering,
 * duplication and partitions, on the network's scheduler, which is usually a {@code
 * VirtualTimeScheduler} so that a test of minutes of protocol time runs in milliseconds.
 *
 * <p>Node names stand for addresses: the node {@code "b"} is reached on {@code
 * Path.udp(InetSocketAddress.createUnresolved("b", 1))} ({@link #pathOf(String)}), and packets from
 * it arrive with that path. Only such unresolved UDP paths are served; relay paths and real
 * addresses are refused as the contract asks.
 *
 * <p>Satisfies the whole {@link PacketTransportContract} (this module's tests run it): one {@link
 * #receive()} subscriber at a time, at most {@link SimNode#RECEIVE_QUEUE} packets queued for it and
 * the rest dropped and counted ({@link SimNode#droppedInbound()}), packets of more than {@link
 * #maxPacketSize()} bytes refused. Thread-safe; {@link #send} and {@link #offer} never block.
 * Disposing the transport disposes its node.
 */
public final class SimTransport implements PacketTransport {
  /**
   * The default {@link #maxPacketSize()}: 1400 bytes, the largest net_crypto packet (docs/
   * protocol.md 4.7 and 4.13).
   */
  public static final int DEFAULT_MAX_PACKET_SIZE = 1400;

  private final SimNode node;
  private final int maxPacketSize;

  private SimTransport(SimNode node, int maxPacketSize) {
    this.node = node;
    this.maxPacketSize = maxPacketSize;
  }

  /**
   * The transport of {@code node}, with packets of up to {@value #DEFAULT_MAX_PACKET_SIZE} bytes.
   *
   * @param node a node of a simulated network; the transport owns it from now on (disposing the
   *     transport disposes the node)
   * @return the transport
   */
  public static SimTransport of(SimNode node) {
    return new SimTransport(Objects.requireNonNull(node, "node"), DEFAULT_MAX_PACKET_SIZE);
  }

  /**
   * The transport of the node named {@code name} on {@code network} (created if it does not exist
   * yet).
   *
   * @param network the simulated network
   * @param name the node's name, which is also its address ({@link #pathOf(String)})
   * @return the transport
   */
  public static SimTransport on(SimNetwork network, String name) {
    return of(Objects.requireNonNull(network, "network").node(name));
  }

  /**
   * The same node with another packet size limit (for code that must cope with a transport that
   * takes smaller packets). This transport and the copy share the node.
   *
   * @param bytes the largest packet {@link #send} accepts, at least 1
   * @return a transport on the same node with that limit
   * @throws IllegalArgumentException if {@code bytes} is less than 1
   */
  public SimTransport withMaxPacketSize(int bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("maxPacketSize must be at least 1, got " + bytes);
    }
    return new SimTransport(node, bytes);
  }

  /**
   * The path on which the node named {@code name} is reached, and from which its packets arrive:
   * the unresolved address {@code name:1}.
   *
   * @param name a node's name
   * @return its path
   */
  public static Path pathOf(String name) {
    return Path.udp(InetSocketAddress.createUnresolved(Objects.requireNonNull(name, "name"), 1));
  }

  /**
   * The simulated node behind this transport: to inject raw packets ({@link SimNode#send}), read
   * its drop counter, or dispose it.
   *
   * @return the node
   */
  public SimNode node() {
    return node;
  }

  /**
   * Packets addressed to this node, each with the path of the node that sent it. Emitted on the
   * network's scheduler; completes when the node is disposed.
   *
   * @return the inbound packets (one subscriber at a time)
   */
  @Override
  public Flux<Datagram> receive() {
    return node.receive().map(p -> new Datagram(pathOf(p.from()), Bytes.of(p.data())));
  }

  /**
   * On subscription, hands a copy of {@code data} to the simulated network, addressed to the node
   * {@code path} names, and completes: whether the packet arrives is up to the network's link
   * conditions.
   *
   * @param path a path from {@link #pathOf(String)}
   * @param data the packet, at most {@link #maxPacketSize()} bytes
   * @return an empty {@code Mono}, or one that errors with {@link IllegalArgumentException} for a
   *     path this transport does not serve or a packet that is too large
   */
  @Override
  public Mono<Void> send(Path path, Bytes data) {
    return Mono.defer(
        () -> {
          String refused = refusal(path, data, maxPacketSize);
          if (refused != null) {
            return Mono.error(new IllegalArgumentException(refused));
          }
          node.send(((Path.Udp) path).address().getHostString(), data.toArray());
          return Mono.empty();
        });
  }

  /**
   * {@link #send} without the {@code Mono}.
   *
   * @param path a path from {@link #pathOf(String)}
   * @param data the packet
   * @return false (and nothing sent) for a path this transport does not serve or a packet that is
   *     too large, true otherwise
   */
  @Override
  public boolean offer(Path path, Bytes data) {
    if (refusal(path, data, maxPacketSize) != null) {
      return false;
    }
    node.send(((Path.Udp) path).address().getHostString(), data.toArray());
    return true;
  }

  /** Why {@code data} cannot go on {@code path}, in one line, or null if it can. */
  private static @Nullable String refusal(@Nullable Path path, @Nullable Bytes data, int max) {
    if (!(path instanceof Path.Udp u && u.address().isUnresolved())) {
      return "not a simulated path (Path.udp of an unresolved name:1): " + path;
    }
    if (data == null) {
      return "no packet (null) for " + path;
    }
    if (data.length() > max) {
      return "packet of " + data.length() + " bytes exceeds " + max;
    }
    return null;
  }

  /**
   * Whether {@code path} names a simulated node: a UDP path with an unresolved host name.
   *
   * @param path a path
   * @return true for the paths of {@link #pathOf(String)}
   */
  @Override
  public boolean serves(Path path) {
    return path instanceof Path.Udp u && u.address().isUnresolved();
  }

  /**
   * The largest packet {@link #send} accepts.
   *
   * @return {@value #DEFAULT_MAX_PACKET_SIZE} unless set with {@link #withMaxPacketSize(int)}
   */
  @Override
  public int maxPacketSize() {
    return maxPacketSize;
  }

  /** Disposes the node: it leaves the network and {@link #receive()} completes. */
  @Override
  public void dispose() {
    node.dispose();
  }

  /**
   * Whether the node has been disposed.
   *
   * @return true after {@link #dispose()}
   */
  @Override
  public boolean isDisposed() {
    return node.isDisposed();
  }

  @Override
  public String toString() {
    return "SimTransport[" + node.name() + "]";
  }
}
