package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.test.sim.SimNetwork;
import reactor.core.publisher.Flux;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Two net_crypto nodes, "a" and "b", on a seeded simulated network and one virtual clock; b accepts
 * a. Tests script the links through {@link #net}.
 */
final class SimPair implements AutoCloseable {
  final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  final SimNetwork net;
  final KeyPair aReal = KeyPair.generate();
  final KeyPair aDht = KeyPair.generate();
  final KeyPair bReal = KeyPair.generate();
  final KeyPair bDht = KeyPair.generate();
  final SimTransport aWire;
  final SimTransport bWire;
  final NetCryptoNode a;
  final NetCryptoNode b;
  final List<CryptoConnection> accepted = new ArrayList<>();

  SimPair(long seed) {
    this(seed, Duration.ofSeconds(32));
  }

  /**
   * @param aIdleTimeout node a's idle timeout (b keeps the default 32 s)
   */
  SimPair(long seed, Duration aIdleTimeout) {
    this(seed, aIdleTimeout, c -> c);
  }

  /**
   * @param config applied to both nodes' configuration before they start
   */
  SimPair(long seed, java.util.function.UnaryOperator<NetCrypto> config) {
    this(seed, Duration.ofSeconds(32), config);
  }

  private final java.util.function.UnaryOperator<NetCrypto> config;

  SimPair(long seed, Duration aIdleTimeout, java.util.function.UnaryOperator<NetCrypto> config) {
    this.config = config;
    net = SimNetwork.create(seed, clock);
    aWire = new SimTransport(net.node("a"));
    bWire = new SimTransport(net.node("b"));
    a = node(aReal, aDht, aWire, peer -> peer.realKey().equals(bReal.publicKey()), aIdleTimeout);
    b =
        node(
            bReal,
            bDht,
            bWire,
            peer -> peer.realKey().equals(aReal.publicKey()),
            Duration.ofSeconds(32));
    b.incoming().subscribe(accepted::add);
  }

  private NetCryptoNode node(
      KeyPair real,
      KeyPair dht,
      SimTransport wire,
      java.util.function.Predicate<PeerInfo> acceptor,
      Duration idle) {
    return config
        .apply(
            NetCrypto.create(real, dht)
                .transport(wire)
                .idleTimeout(idle)
                .scheduler(clock)
                .acceptor(acceptor))
        .bindNow();
  }

  long nowMillis() {
    return clock.now(TimeUnit.MILLISECONDS);
  }

  /** Advances virtual time in {@code step} steps until {@code done} or {@code limit} has passed. */
  long advanceUntil(BooleanSupplier done, Duration step, Duration limit) {
    long start = nowMillis();
    while (!done.getAsBoolean() && nowMillis() - start < limit.toMillis()) {
      clock.advanceTimeBy(step);
    }
    return nowMillis() - start;
  }

  /** a connects to b; returns a's side (b's is {@code accepted.get(0)}). */
  CryptoConnection connect() {
    AtomicReference<CryptoConnection> out = new AtomicReference<>();
    a.connect(bReal.publicKey(), bDht.publicKey(), List.of(SimTransport.pathOf("b")))
        .subscribe(out::set);
    advanceUntil(
        () -> out.get() != null && !accepted.isEmpty(),
        Duration.ofMillis(10),
        Duration.ofSeconds(10));
    assertThat(out.get()).as("a connected").isNotNull();
    assertThat(accepted).as("b accepted").hasSize(1);
    return out.get();
  }

  static Flux<Message> numbered(int n) {
    return Flux.range(0, n).map(i -> Message.of(160, Bytes.ofUtf8("m" + i)));
  }

  /** {@code n} messages of {@code size} bytes (id included), numbered in their first 4 bytes. */
  static Flux<Message> bulk(int n, int size) {
    return Flux.range(0, n).map(i -> numberedMessage(i, size));
  }

  /** Message {@code i} of {@code size} bytes (id included), numbered in its first 4 bytes. */
  static Message numberedMessage(int i, int size) {
    byte[] p = new byte[size - 1];
    p[0] = (byte) (i >>> 24);
    p[1] = (byte) (i >>> 16);
    p[2] = (byte) (i >>> 8);
    p[3] = (byte) i;
    return Message.of(160, Bytes.of(p));
  }

  static int numberOf(Message m) {
    byte[] p = m.payload().toArray();
    return ((p[0] & 0xFF) << 24) | ((p[1] & 0xFF) << 16) | ((p[2] & 0xFF) << 8) | (p[3] & 0xFF);
  }

  @Override
  public void close() {
    a.dispose();
    b.dispose();
    clock.advanceTimeBy(Duration.ofSeconds(1));
    clock.dispose();
  }
}
