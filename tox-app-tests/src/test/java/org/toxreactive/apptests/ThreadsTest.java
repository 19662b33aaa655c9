package org.toxreactive.apptests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.CryptoConnection;
import org.toxreactive.netcrypto.Message;
import org.toxreactive.netcrypto.NetCrypto;
import org.toxreactive.netcrypto.NetCryptoNode;
import org.toxreactive.transport.udp.UdpTransport;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.resources.LoopResources;
import reactor.test.StepVerifier;

/**
 * Issue 18, problem 3, on real UDP sockets on loopback: callbacks on the application's scheduler (a
 * blocked subscriber of one connection does not stop another), the node's thread documented, no
 * thread left after dispose, event loops supplied and released by the application.
 */
class ThreadsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final List<Runnable> cleanup = new ArrayList<>();

  @AfterEach
  void stop() {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).run();
    }
  }

  private UdpTransport udp(LoopResources loops) {
    UdpTransport t = UdpTransport.create().host("127.0.0.1").port(0).loopResources(loops).bindNow();
    cleanup.add(() -> t.disposeNow(WAIT));
    return t;
  }

  private NetCryptoNode node(KeyPair real, UdpTransport udp, Scheduler publishOn) {
    NetCrypto config =
        NetCrypto.create(real, KeyPair.generate()).transport(udp).acceptor(p -> true);
    NetCryptoNode n = (publishOn == null ? config : config.publishOn(publishOn)).bindNow();
    cleanup.add(() -> n.disposeNow(WAIT));
    return n;
  }

  private static Path at(UdpTransport t) {
    return Path.udp(t.localAddress());
  }

  @Test
  void aBlockedSubscriberOfOneConnectionDoesNotStopAnother() throws InterruptedException {
    LoopResources loops = LoopResources.create("app-udp", 1, true);
    cleanup.add(() -> loops.disposeLater().block(WAIT));
    Scheduler app = Schedulers.newBoundedElastic(4, 1000, "app");
    cleanup.add(app::dispose);
    UdpTransport hubUdp = udp(loops);
    NetCryptoNode hub = node(KeyPair.generate(), hubUdp, app);
    NetCryptoNode one = node(KeyPair.generate(), udp(loops), null);
    NetCryptoNode two = node(KeyPair.generate(), udp(loops), null);

    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(1);
    AtomicReference<CryptoConnection> fromTwo = new AtomicReference<>();
    hub.incoming()
        .subscribe(
            c -> {
              if (c.peerRealKey().equals(one.realKey())) {
                c.lossless()
                    .subscribe(
                        m -> {
                          blocked.countDown();
                          try { // a subscriber that blocks (before: it froze the whole node)
                            release.await(30, TimeUnit.SECONDS);
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                        });
              } else {
                fromTwo.set(c);
              }
            });
    CryptoConnection oneToHub =
        one.connect(hub.realKey(), hub.dhtKey(), List.of(at(hubUdp))).block(WAIT);
    CryptoConnection twoToHub =
        two.connect(hub.realKey(), hub.dhtKey(), List.of(at(hubUdp))).block(WAIT);
    oneToHub.send(Flux.just(Message.of(160, Bytes.ofUtf8("block")))).block(WAIT);
    assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
    try {
      await().atMost(WAIT).until(() -> fromTwo.get() != null);
      AtomicReference<String> thread = new AtomicReference<>();
      StepVerifier.create(
              fromTwo
                  .get()
                  .lossless()
                  .doOnNext(m -> thread.set(Thread.currentThread().getName()))
                  .take(10))
          .then(() -> twoToHub.send(SelfTest.messages(10)).subscribe())
          .expectNextCount(10)
          .expectComplete()
          .verify(WAIT);
      assertThat(thread.get()).as("delivered on the application's scheduler").startsWith("app");
    } finally {
      release.countDown();
    }
  }

  @Test
  void byDefaultCallbacksRunOnTheNodesOwnThreadWhichEndsWithTheNode() {
    LoopResources loops = LoopResources.create("app-own-udp", 1, false); // non-daemon: ours
    UdpTransport aUdp =
        UdpTransport.create().host("127.0.0.1").port(0).loopResources(loops).bindNow();
    UdpTransport bUdp =
        UdpTransport.create().host("127.0.0.1").port(0).loopResources(loops).bindNow();
    NetCryptoNode a =
        NetCrypto.create(KeyPair.generate(), KeyPair.generate()).transport(aUdp).bindNow();
    NetCryptoNode b =
        NetCrypto.create(KeyPair.generate(), KeyPair.generate())
            .transport(bUdp)
            .acceptor(p -> true)
            .bindNow();
    AtomicReference<Thread> nodeThread = new AtomicReference<>();
    StepVerifier.create(
            a.connect(b.realKey(), b.dhtKey(), List.of(at(bUdp)))
                .doOnNext(c -> nodeThread.set(Thread.currentThread())))
        .expectNextCount(1)
        .expectComplete()
        .verify(WAIT);
    assertThat(nodeThread.get().getName()).startsWith("tox-netcrypto");
    assertThat(nodeThread.get().isDaemon()).isTrue();

    a.disposeNow(WAIT);
    b.disposeNow(WAIT);
    aUdp.disposeNow(WAIT);
    bUdp.disposeNow(WAIT);
    loops.disposeLater().block(WAIT); // the owner releases its event loops
    // before: disposeGracefully() left a thread that kept the JVM alive for ~10 s
    await().atMost(WAIT).until(() -> !nodeThread.get().isAlive());
    await()
        .atMost(WAIT)
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().startsWith("app-own-udp") && t.isAlive()));
  }
}
