package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.transport.tcp.packet.Ping;
import org.toxreactive.transport.tcp.packet.Pong;

/**
 * While the router is behind, a fast sender's link stops reading its socket instead of queueing its
 * packets for the router without bound; once the router catches up, nothing was lost.
 */
class InboundBackpressureTest {
  private static final int PINGS = 5 * RelayCore.MAX_IN_FLIGHT;
  private RunningRelay relay;

  @BeforeEach
  void start() {
    relay = RelayServer.create().host("127.0.0.1").port(0).udpPort(-1).bindNow();
  }

  @AfterEach
  void stop() {
    relay.disposeNow(Duration.ofSeconds(5));
  }

  private double pauses() {
    return relay.metrics().counter("tox.relay.inbound.paused").count();
  }

  @Test
  void aLinkStopsReadingWhileTheRouterIsBehindAndLosesNothing() throws Exception {
    try (RawRelayClient c = new RawRelayClient(relay.port()).handshake(relay.publicKey())) {
      c.send(new Ping(1));
      assertThat(c.await(Pong.class)).isEqualTo(new Pong(1));

      CountDownLatch release = new CountDownLatch(1);
      relay
          .routerLoop()
          .execute(
              () -> {
                try {
                  release.await(20, TimeUnit.SECONDS); // the router is "behind"
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      // ~140 KB of pings: the socket buffers hold what the paused link does not read
      for (int i = 0; i < PINGS; i++) {
        c.send(new Ping(i + 2));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> pauses() >= 1);
      release.countDown();

      for (int i = 0; i < PINGS; i++) {
        assertThat(c.read()).isEqualTo(new Pong(i + 2));
      }
      assertThat(relay.connections()).isEqualTo(1);
    }
  }
}
