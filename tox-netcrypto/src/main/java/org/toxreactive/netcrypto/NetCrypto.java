package org.toxreactive.netcrypto;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.transport.PacketTransport;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Configuration of a net_crypto node: our keys, the transports packets travel on, who may connect
 * to us. Immutable: each setter returns a new value; {@link #start()} runs it.
 *
 * <pre>{@code
 * NetCryptoNode node = NetCrypto.create(realKeys, dhtKeys)
 *     .transport(UdpTransport.create().port(33445).bindNow())
 *     .acceptor(peer -> friends.contains(peer.realKey()))
 *     .start();
 * node.incoming().subscribe(conn -> conn.lossless().subscribe(...));
 * CryptoConnection c = node.connect(friendReal, friendDht, List.of(Path.udp(addr))).block();
 * }</pre>
 */
public final class NetCrypto {
  private final KeyPair realKeys;
  private final KeyPair dhtKeys;
  private final List<PacketTransport> transports;
  private final Predicate<PeerInfo> acceptor;
  private final Duration idleTimeout;
  private final Scheduler scheduler;

  private NetCrypto(
      KeyPair realKeys,
      KeyPair dhtKeys,
      List<PacketTransport> transports,
      Predicate<PeerInfo> acceptor,
      Duration idleTimeout,
      Scheduler scheduler) {
    this.realKeys = realKeys;
    this.dhtKeys = dhtKeys;
    this.transports = transports;
    this.acceptor = acceptor;
    this.idleTimeout = idleTimeout;
    this.scheduler = scheduler;
  }

  /**
   * @param realKeys our long-term key pair (the Tox ID's key)
   * @param dhtKeys our DHT key pair (what relays and cookie requests know us by)
   */
  public static NetCrypto create(KeyPair realKeys, KeyPair dhtKeys) {
    return new NetCrypto(
        Objects.requireNonNull(realKeys),
        Objects.requireNonNull(dhtKeys),
        List.of(),
        peer -> false,
        Duration.ofSeconds(32),
        null);
  }

  /** Adds a transport (UDP, relays, a simulated network). */
  public NetCrypto transport(PacketTransport transport) {
    List<PacketTransport> t = new ArrayList<>(transports);
    t.add(Objects.requireNonNull(transport));
    return new NetCrypto(realKeys, dhtKeys, List.copyOf(t), acceptor, idleTimeout, scheduler);
  }

  /** Decides on handshakes from peers we did not call (default: refuse all). */
  public NetCrypto acceptor(Predicate<PeerInfo> acceptor) {
    return new NetCrypto(
        realKeys, dhtKeys, transports, Objects.requireNonNull(acceptor), idleTimeout, scheduler);
  }

  /** A connection whose peer sends nothing for this long ends with an error (default 32 s). */
  public NetCrypto idleTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("idle timeout must be positive");
    }
    return new NetCrypto(realKeys, dhtKeys, transports, acceptor, timeout, scheduler);
  }

  /**
   * The clock and executor of the node: all of its state runs on one worker of this scheduler
   * (default: a new single-threaded scheduler). Tests pass a VirtualTimeScheduler.
   */
  public NetCrypto scheduler(Scheduler scheduler) {
    return new NetCrypto(
        realKeys, dhtKeys, transports, acceptor, idleTimeout, Objects.requireNonNull(scheduler));
  }

  /** Starts receiving on every transport. */
  public NetCryptoNode start() {
    if (transports.isEmpty()) {
      throw new IllegalStateException("a net_crypto node needs at least one transport");
    }
    Scheduler s = scheduler != null ? scheduler : Schedulers.newSingle("tox-netcrypto", true);
    Engine engine = new Engine(realKeys, dhtKeys, transports, acceptor, idleTimeout.toMillis(), s);
    engine.start();
    return new NetCryptoNode(engine, realKeys, dhtKeys, scheduler == null ? s : null);
  }
}
