package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.transport.tcp.packet.ConnectNotification;
import org.toxreactive.transport.tcp.packet.Data;
import org.toxreactive.transport.tcp.packet.Ping;
import org.toxreactive.transport.tcp.packet.Pong;
import org.toxreactive.transport.tcp.packet.RoutingRequest;

/**
 * A receiver that stops reading must not make the relay buffer without bound: past the queue limit
 * its sender is paused for at most {@link RelayCore#MAX_SENDER_PAUSE_MILLIS}, then relayed data to
 * it is dropped, while the sender is served normally.
 */
class SlowReaderTest {
  private RunningRelay relay;

  @BeforeEach
  void start() {
    relay =
        RelayServer.create()
            .host("127.0.0.1")
            .port(0)
            .udpPort(-1)
            .limits(RelayLimits.defaults().withMaxQueuedBytes(64 * 1024))
            .bindNow();
  }

  @AfterEach
  void stop() {
    relay.disposeNow(Duration.ofSeconds(5));
  }

  private double dataDrops() {
    return relay.metrics().counter("tox.relay.drops", "kind", "data").count();
  }

  @Test
  void dropsRelayedDataForAReceiverThatDoesNotReadAndKeepsServingTheSender() throws Exception {
    try (RawRelayClient sender = new RawRelayClient(relay.port()).handshake(relay.publicKey());
        RawRelayClient stalled = new RawRelayClient(relay.port()).handshake(relay.publicKey())) {
      sender.send(new RoutingRequest(stalled.keys.publicKey()));
      stalled.send(new RoutingRequest(sender.keys.publicKey()));
      sender.await(ConnectNotification.class);
      stalled.await(ConnectNotification.class);

      Bytes payload = Bytes.of(new byte[1400]);
      // 40 MB: far more than the socket buffers and the 64 KiB queue hold; stalled never reads
      for (int i = 0; i < 30_000 && dataDrops() == 0; i++) {
        sender.send(new Data(16, payload));
      }
      assertThat(dataDrops()).isPositive();
      sender.send(new Ping(11));
      assertThat(sender.await(Pong.class)).isEqualTo(new Pong(11));
      assertThat(relay.connections()).isEqualTo(2);
    }
  }
}
