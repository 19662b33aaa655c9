package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.packet.Data;
import org.toxreactive.transport.tcp.packet.OobSend;
import org.toxreactive.transport.tcp.packet.Ping;
import org.toxreactive.transport.tcp.packet.Pong;
import org.toxreactive.transport.tcp.packet.RoutingRequest;
import org.toxreactive.transport.tcp.packet.RoutingResponse;

/** What the relay's meters say about clients, discarded packets and the open-file cap. */
class RelayMetricsTest {
  private RunningRelay relay;
  private final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    if (relay != null) {
      relay.disposeNow(Duration.ofSeconds(5));
    }
  }

  private RelayServer server() {
    return RelayServer.create().host("127.0.0.1").port(0).udpPort(-1);
  }

  /** Collects garbage until a fresh weakly held object is gone (bounded). */
  private static void forceGc() {
    WeakReference<Object> sentinel = new WeakReference<>(new Object());
    for (int i = 0; i < 50 && sentinel.get() != null; i++) {
      System.gc();
    }
    assertThat(sentinel.get()).as("a GC ran").isNull();
  }

  @Test
  void theClientsGaugeReadsTheConfirmedClientsAfterAGc() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    relay = server().metrics(registry).bindNow();
    try (RawRelayClient a = new RawRelayClient(relay.port()).handshake(relay.publicKey());
        RawRelayClient b = new RawRelayClient(relay.port()).handshake(relay.publicKey())) {
      a.send(new Ping(1));
      b.send(new Ping(2));
      a.await(Pong.class);
      b.await(Pong.class);
      forceGc();
      assertThat(registry.get("tox.relay.clients").gauge().value()).isEqualTo(2.0);
      assertThat(registry.get("tox.relay.connections").gauge().value()).isEqualTo(2.0);
      assertThat(registry.get("tox.relay.connections.unconfirmed").gauge().value()).isZero();
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> registry.get("tox.relay.clients").gauge().value() == 0.0);
  }

  @Test
  void countsDataToAnOfflineRouteAndOobToAnUnknownKey() throws Exception {
    relay = server().bindNow();
    try (RawRelayClient a = new RawRelayClient(relay.port()).handshake(relay.publicKey())) {
      a.send(new RoutingRequest(KeyPair.generate().publicKey())); // nobody: stays requested
      assertThat(a.await(RoutingResponse.class).connectionId()).isEqualTo(16);
      a.send(new Data(16, Bytes.ofHex("0102")));
      a.send(new Data(16, Bytes.ofHex("0304")));
      a.send(new OobSend(KeyPair.generate().publicKey(), Bytes.ofHex("05")));
      a.send(new Ping(3));
      assertThat(a.await(Pong.class)).isEqualTo(new Pong(3));
    }
    assertThat(relay.metrics().counter("tox.relay.discarded", "reason", "offline_route").count())
        .isEqualTo(2);
    assertThat(relay.metrics().counter("tox.relay.discarded", "reason", "unknown_key").count())
        .isEqualTo(1);
  }

  @Test
  void sizesTheConnectionCapUnderTheOpenFileLimitAndRefusesPastIt() throws Exception {
    int cap = 5;
    relay =
        server()
            .limits(RelayLimits.defaults().withMaxConnectionsPerIp(100))
            .openFileLimit(OpenFiles.reserve() + cap)
            .bindNow();
    assertThat(relay.maxConnections()).isEqualTo(cap);
    for (int i = 0; i < cap + 3; i++) {
      sockets.add(new Socket("127.0.0.1", relay.port()));
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> relay.metrics().counter("tox.relay.refused", "limit", "open_files").count() == 3);
    assertThat(relay.connections()).isEqualTo(cap);
    assertThat(relay.metrics().counter("tox.relay.refused", "limit", "connections").count())
        .isZero();
  }

  @Test
  void aHighOpenFileLimitLeavesTheConfiguredCap() {
    relay =
        server()
            .limits(RelayLimits.defaults().withMaxConnections(1000))
            .openFileLimit(1_000_000)
            .bindNow();
    assertThat(relay.maxConnections()).isEqualTo(1000);
  }
}
