package org.toxreactive.benchmarks.abuse;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayClient;
import org.toxreactive.transport.tcp.RelayConnection;
import org.toxreactive.transport.tcp.RelayEvent;

/**
 * Two honest relay clients routed to each other: A sends a 64-byte data packet holding the probe's
 * sequence number to B, B sends it back, A counts the round trip. Both bind {@code 127.0.9.1} and
 * {@code 127.0.9.2}, outside every attacker's source range.
 */
final class RelayCanary extends Canary {
  private static final int SIZE = 64;

  private final RelayConnection a;
  private final RelayConnection b;
  private volatile int aToB = -1;

  private RelayCanary(RelayConnection a, RelayConnection b, Duration interval, Duration maxRun) {
    super(interval, Duration.ofSeconds(1), maxRun);
    this.a = a;
    this.b = b;
  }

  /** Connects and pairs the two links (10 s at most) and starts probing. */
  static RelayCanary open(RelayAddress relay, Duration interval, Duration maxRun) throws Exception {
    KeyPair ka = KeyPair.generate();
    KeyPair kb = KeyPair.generate();
    RelayConnection a = client(relay, ka, "127.0.9.1").connect().block(Duration.ofSeconds(10));
    RelayConnection b;
    try {
      b = client(relay, kb, "127.0.9.2").connect().block(Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      a.dispose();
      throw e;
    }
    RelayCanary c = new RelayCanary(a, b, interval, maxRun);
    CompletableFuture<Integer> aOnline = new CompletableFuture<>();
    CompletableFuture<Integer> bOnline = new CompletableFuture<>();
    a.events()
        .subscribe(
            ev -> {
              if (ev instanceof RelayEvent.PeerOnline p) {
                aOnline.complete(p.connectionId());
              } else if (ev instanceof RelayEvent.DataReceived d && d.payload().length() == SIZE) {
                c.answered(seq(d.payload()));
              }
            },
            e -> aOnline.completeExceptionally(e));
    b.events()
        .subscribe(
            ev -> {
              if (ev instanceof RelayEvent.PeerOnline p) {
                bOnline.complete(p.connectionId());
              } else if (ev instanceof RelayEvent.DataReceived d) {
                b.offer(d.connectionId(), d.payload());
              }
            },
            e -> bOnline.completeExceptionally(e));
    a.route(kb.publicKey()).subscribe(v -> {}, e -> {});
    b.route(ka.publicKey()).subscribe(v -> {}, e -> {});
    try {
      c.aToB = aOnline.get(10, TimeUnit.SECONDS);
      bOnline.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      c.release();
      throw new IllegalStateException("canary pair did not come online: " + e);
    }
    return (RelayCanary) c.start();
  }

  private static RelayClient client(RelayAddress relay, KeyPair keys, String source) {
    return RelayClient.create(relay, keys).localAddress(new InetSocketAddress(source, 0));
  }

  @Override
  protected void probe(int seq) {
    byte[] p = new byte[SIZE];
    p[0] = (byte) (seq >>> 24);
    p[1] = (byte) (seq >>> 16);
    p[2] = (byte) (seq >>> 8);
    p[3] = (byte) seq;
    a.offer(aToB, Bytes.adopt(p));
  }

  private static int seq(Bytes p) {
    return (p.getUnsigned(0) << 24)
        | (p.getUnsigned(1) << 16)
        | (p.getUnsigned(2) << 8)
        | p.getUnsigned(3);
  }

  /** Whether both links are still up. */
  boolean linksUp() {
    return !a.isDisposed() && !b.isDisposed();
  }

  @Override
  protected void release() {
    a.dispose();
    b.dispose();
  }
}
