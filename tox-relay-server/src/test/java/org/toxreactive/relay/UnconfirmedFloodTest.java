package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.transport.tcp.packet.Ping;
import org.toxreactive.transport.tcp.packet.Pong;

/**
 * Connections that never confirm (idle, a partial hello, a hello and no frame) from many source
 * prefixes cannot hold the unconfirmed pool against newcomers: a full pool evicts the oldest of the
 * most crowded prefix, and a prefix past its share replaces its own oldest. Scaled down: a pool of
 * 60, 8 per prefix, 120 stalled connections from 20 prefixes (127.0.1.0/24 .. 127.0.20.0/24).
 */
class UnconfirmedFloodTest {
  private static final int POOL = 60;
  private static final int SHARE = 8;
  private static final int PREFIXES = 20;
  private static final int PER_PREFIX = 6;
  private static final int ATTEMPTS = 20;

  private RunningRelay relay;
  private final List<Socket> stalled = new ArrayList<>();

  @BeforeEach
  void start() {
    relay =
        RelayServer.create()
            .host("0.0.0.0")
            .port(0)
            .udpPort(-1)
            .limits(
                RelayLimits.defaults()
                    .withMaxUnconfirmed(POOL)
                    .withMaxUnconfirmedPerPrefix(SHARE)
                    .withHandshakeTimeout(Duration.ofSeconds(60)))
            .bindNow();
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : stalled) {
      s.close();
    }
    relay.disposeNow(Duration.ofSeconds(5));
  }

  private Socket connectFrom(String source) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
    s.connect(new InetSocketAddress(source, relay.port()), 5_000);
    return s;
  }

  /** One stalled connection of kind {@code i % 3}: idle, a partial hello, or a hello only. */
  private void stall(String source, int i) throws IOException {
    Socket s = connectFrom(source);
    stalled.add(s);
    switch (i % 3) {
      case 0 -> {} // idle
      case 1 -> s.getOutputStream().write(new byte[50]); // a hello is 128 bytes
      default -> {
        try {
          RawRelayClient.over(s).handshake(relay.publicKey()); // and then no frame
        } catch (IOException evictedBeforeTheResponse) {
          // the pool was full of older connections: fine, it still took its turn
        }
      }
    }
  }

  @Test
  void newcomersGetInWhileStalledConnectionsFromManyPrefixesFillThePool() throws Exception {
    int n = 0;
    for (int p = 1; p <= PREFIXES; p++) {
      for (int i = 0; i < PER_PREFIX; i++) {
        stall("127.0." + p + ".1", n++);
      }
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> relay.kills(KillReason.EVICTED_POOL_FULL) >= PREFIXES * PER_PREFIX - POOL);
    assertThat(relay.connections()).isEqualTo(POOL);

    int ok = 0;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try (RawRelayClient c =
          RawRelayClient.over(connectFrom("127.0.99.1")).handshake(relay.publicKey())) {
        c.send(new Ping(attempt + 1));
        if (c.await(Pong.class).equals(new Pong(attempt + 1))) {
          ok++;
        }
      } catch (IOException refused) {
        // counted as a failed attempt
      }
      // the attacker tops the pool up again from one of its prefixes
      stall("127.0." + (1 + attempt % PREFIXES) + ".1", n++);
    }
    assertThat(ok).isGreaterThanOrEqualTo(ATTEMPTS * 95 / 100);
    assertThat(relay.metrics().counter("tox.relay.kills", "reason", "evicted_pool_full").count())
        .isPositive();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> relay.metrics().get("tox.relay.connections.unconfirmed").gauge().value() == POOL);
  }

  @Test
  void aPrefixPastItsShareReplacesItsOwnOldestAndLeavesOthersAlone() throws Exception {
    for (int i = 0; i < 3; i++) {
      stall("127.0.50.1", 0);
    }
    for (int i = 0; i < 20; i++) {
      stall("127.0.60." + (1 + i % 4), 0); // four addresses, one /24
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> relay.kills(KillReason.EVICTED_PREFIX_SHARE) == 20 - SHARE);
    await().atMost(Duration.ofSeconds(5)).until(() -> relay.connections() == 3 + SHARE);
    // the crowded prefix paid for itself (its oldest, in the relay's accept order, went); the quiet
    // prefix kept all three
    int closed = 0;
    for (int i = 0; i < stalled.size(); i++) {
      Socket s = stalled.get(i);
      s.setSoTimeout(100);
      boolean isClosed;
      try {
        isClosed = s.getInputStream().read() < 0;
      } catch (java.net.SocketTimeoutException open) {
        isClosed = false;
      } catch (IOException reset) {
        isClosed = true;
      }
      if (isClosed) {
        assertThat(i).as("an evicted connection is from the crowded prefix").isGreaterThan(2);
        closed++;
      }
    }
    assertThat(closed).isEqualTo(20 - SHARE);
    assertThat(relay.kills(KillReason.EVICTED_POOL_FULL)).isZero();
  }
}
