package org.toxreactive.apptests;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.netcrypto.CryptoConnection;
import org.toxreactive.netcrypto.Message;
import org.toxreactive.netcrypto.NetCrypto;
import org.toxreactive.netcrypto.NetCryptoNode;
import org.toxreactive.test.sim.SimNetwork;
import org.toxreactive.testkit.SimTransport;
import reactor.core.publisher.Flux;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Two nodes, "a" and "b", on tox-test's simulated network and one virtual clock; b accepts a. */
final class SimPeers implements AutoCloseable {
  final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  final SimNetwork net = SimNetwork.create(18, clock);
  final KeyPair aReal = KeyPair.generate();
  final KeyPair aDht = KeyPair.generate();
  final KeyPair bReal = KeyPair.generate();
  final KeyPair bDht = KeyPair.generate();
  final SimTransport aWire = SimTransport.of(net.node("a"));
  final SimTransport bWire = SimTransport.of(net.node("b"));
  final NetCryptoNode a;
  final NetCryptoNode b;

  SimPeers() {
    this(c -> c);
  }

  SimPeers(UnaryOperator<NetCrypto> config) {
    a =
        config
            .apply(NetCrypto.create(aReal, aDht).transport(aWire).scheduler(clock))
            .acceptor(peer -> false)
            .bindNow();
    b =
        config
            .apply(NetCrypto.create(bReal, bDht).transport(bWire).scheduler(clock))
            .acceptor(peer -> peer.realKey().equals(aReal.publicKey()))
            .bindNow();
  }

  long now() {
    return clock.now(TimeUnit.MILLISECONDS);
  }

  /** Advances virtual time in 10 ms steps until {@code done} or {@code limit}; the time taken. */
  long advanceUntil(BooleanSupplier done, Duration limit) {
    long start = now();
    while (!done.getAsBoolean() && now() - start < limit.toMillis()) {
      clock.advanceTimeBy(Duration.ofMillis(10));
    }
    return now() - start;
  }

  void advance(Duration d) {
    advanceUntil(() -> false, d);
  }

  /** a connects to b: a's end and b's end. */
  CryptoConnection[] connect() {
    AtomicReference<CryptoConnection> ours = new AtomicReference<>();
    AtomicReference<CryptoConnection> theirs = new AtomicReference<>();
    b.incoming().subscribe(theirs::set);
    a.connect(bReal.publicKey(), bDht.publicKey(), List.of(SimTransport.pathOf("b")))
        .subscribe(ours::set);
    advanceUntil(() -> ours.get() != null && theirs.get() != null, Duration.ofSeconds(10));
    if (ours.get() == null || theirs.get() == null) {
      throw new AssertionError("a did not connect to b");
    }
    return new CryptoConnection[] {ours.get(), theirs.get()};
  }

  /** {@code n} lossless messages, numbered in their first 4 bytes, {@code size} bytes each. */
  static Flux<Message> numbered(int n, int size) {
    return Flux.range(0, n)
        .map(
            i -> {
              byte[] p = new byte[size - 1];
              p[0] = (byte) (i >>> 24);
              p[1] = (byte) (i >>> 16);
              p[2] = (byte) (i >>> 8);
              p[3] = (byte) (int) i;
              return Message.of(160, Bytes.of(p));
            });
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
