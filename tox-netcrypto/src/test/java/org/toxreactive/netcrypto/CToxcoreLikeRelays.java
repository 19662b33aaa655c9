package org.toxreactive.netcrypto;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.NetCryptoPacketKind;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.core.transport.PathEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A peer's transport on {@link SimRelays} that sends as a TCP-only c-toxcore 0.2.18 peer does
 * (docs/protocol.md 8.12), whatever path its net_crypto chose: every data packet goes on the first
 * relay of its own order that it believes online ({@code send_packet_tcp_connection}), and a dead
 * relay stays "online" for it until it is told ({@link #learnt}), so what it sends there until then
 * is lost. A relay it holds no place for us on ({@link #unrouted}) is one it is connected to but
 * not routed to us on: its cookie responses still come out of band there, data we send there is
 * dropped (c-toxcore takes only handshakes and cookie requests out of band), and it sends no data
 * there.
 */
final class CToxcoreLikeRelays implements PacketTransport {
  private final SimRelays relays;
  private final SimRelays.Host host;
  private final PublicKey peerDht;
  private final List<String> order;
  private final Set<String> unrouted;
  private final Set<String> dead = ConcurrentHashMap.newKeySet();

  /**
   * @param host the peer's host on the relays
   * @param peerDht the DHT key of the other end (ours)
   * @param order the relays it routes us on, in the order it tries them
   * @param unrouted relays it is connected to without routing us there
   */
  CToxcoreLikeRelays(
      SimRelays relays,
      SimRelays.Host host,
      PublicKey peerDht,
      List<String> order,
      Set<String> unrouted) {
    this.relays = relays;
    this.host = host;
    this.peerDht = peerDht;
    this.order = List.copyOf(order);
    this.unrouted = Set.copyOf(unrouted);
  }

  /** It found out that {@code relay} died (its send failed, or the ping timed out). */
  void learnt(String relay) {
    dead.add(relay);
  }

  /** The relay its data goes on now. */
  String sendsOn() {
    for (String r : order) {
      if (!dead.contains(r)) {
        return r;
      }
    }
    return order.get(order.size() - 1);
  }

  /** The relays it routes us on, in its order. */
  List<String> routed() {
    return new ArrayList<>(order);
  }

  private boolean on(Path p, java.util.Collection<String> names) {
    return p instanceof Path.Relay r && names.contains(relays.relayName(r.relay()));
  }

  @Override
  public Flux<Datagram> receive() {
    return host.receive()
        .filter(d -> !(on(d.path(), unrouted) && kind(d.data()) == NetCryptoPacketKind.DATA));
  }

  @Override
  public Mono<Void> send(Path path, Bytes data) {
    NetCryptoPacketKind kind = kind(data);
    if (path instanceof Path.Relay && kind == NetCryptoPacketKind.DATA) {
      return host.send(Path.relay(relays.relayKey(sendsOn()), peerDht), data);
    }
    if (on(path, unrouted) && kind != NetCryptoPacketKind.COOKIE_RESPONSE) {
      return Mono.empty(); // not routed there: only its stateless cookie responses come
    }
    return host.send(path, data);
  }

  private static NetCryptoPacketKind kind(Bytes data) {
    int id = data.length() == 0 ? -1 : data.get(0) & 0xFF;
    for (NetCryptoPacketKind k : NetCryptoPacketKind.values()) {
      if ((k.idByte() & 0xFF) == id) {
        return k;
      }
    }
    return NetCryptoPacketKind.DATA; // not net_crypto's: passed as data would be
  }

  @Override
  public boolean serves(Path path) {
    return host.serves(path);
  }

  @Override
  public int maxPacketSize() {
    return host.maxPacketSize();
  }

  @Override
  public Flux<PathEvent> pathEvents() {
    return host.pathEvents();
  }

  @Override
  public void dispose() {
    host.dispose();
  }

  @Override
  public boolean isDisposed() {
    return host.isDisposed();
  }
}
