package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.toxreactive.core.Bytes;
import org.toxreactive.transport.tcp.packet.ConnectNotification;
import org.toxreactive.transport.tcp.packet.Data;
import org.toxreactive.transport.tcp.packet.Ping;
import org.toxreactive.transport.tcp.packet.Pong;
import org.toxreactive.transport.tcp.packet.RelayPacket;
import org.toxreactive.transport.tcp.packet.RoutingRequest;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Past {@code maxQueuedBytes} the relay pauses the client that sends to a full receiver instead of
 * dropping its data (docs/protocol.md 8.14): a receiver that reads slowly loses nothing, while a
 * receiver that does not read costs at most {@link RelayLimits#dataDropBytes()} and holds its
 * sender for {@link RelayCore#MAX_SENDER_PAUSE_MILLIS} at most.
 */
class SenderBackpressureTest {
  private static final int MAX_QUEUED = 16 * 1024;
  private static final int MAX_BACKLOG = 64 * 1024;
  private static final int SIZE = 1_400;

  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private RunningRelay relay;

  private static final RelayLimits LIMITS =
      RelayLimits.defaults().withMaxQueuedBytes(MAX_QUEUED).withMaxBacklogBytes(MAX_BACKLOG);

  /**
   * @param virtualTime whether the relay's timers run on {@link #clock} (a pause then never runs
   *     out) or on real time
   */
  private void start(boolean virtualTime) {
    RelayServer server = RelayServer.create().host("127.0.0.1").port(0).udpPort(-1).limits(LIMITS);
    relay = (virtualTime ? server.scheduler(clock) : server).bindNow();
  }

  @AfterEach
  void stop() {
    if (relay != null) {
      relay.disposeNow(Duration.ofSeconds(5));
    }
    clock.dispose();
  }

  private double counter(String name) {
    return relay.metrics().counter(name).count();
  }

  private double dataDrops() {
    return relay.metrics().counter("tox.relay.drops", "kind", "data").count();
  }

  /** A client whose socket takes little at a time: its window, not the relay, limits the rate. */
  private RawRelayClient smallWindowClient() throws Exception {
    Socket s = new Socket();
    s.setReceiveBufferSize(4 * 1024);
    s.connect(new InetSocketAddress("127.0.0.1", relay.port()), 5_000);
    return RawRelayClient.over(s).handshake(relay.publicKey());
  }

  private static void route(RawRelayClient a, RawRelayClient b) throws Exception {
    a.send(new RoutingRequest(b.keys.publicKey()));
    b.send(new RoutingRequest(a.keys.publicKey()));
    a.await(ConnectNotification.class);
    b.await(ConnectNotification.class);
  }

  private static Data numbered(int i) {
    byte[] p = new byte[SIZE];
    p[0] = (byte) (i >>> 24);
    p[1] = (byte) (i >>> 16);
    p[2] = (byte) (i >>> 8);
    p[3] = (byte) i;
    return new Data(16, Bytes.of(p));
  }

  private static int number(RelayPacket p) {
    byte[] b = ((Data) p).payload().toArray();
    return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
  }

  @Test
  @Timeout(60)
  void aReceiverThatReadsSlowlyGetsEveryPacketInOrderAndTheSenderIsPausedNotDropped()
      throws Exception {
    start(true); // no pause can run out: a slow receiver must not need one to
    int packets = 4_000; // 5.6 MB: hundreds of times the 16 KiB queue
    try (RawRelayClient sender = new RawRelayClient(relay.port()).handshake(relay.publicKey());
        RawRelayClient receiver = smallWindowClient()) {
      route(sender, receiver);
      CompletableFuture<Void> sent =
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (int i = 0; i < packets; i++) {
                    sender.send(numbered(i));
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      for (int i = 0; i < packets; i++) {
        RelayPacket p = receiver.read();
        assertThat(p).as("packet %d", i).isInstanceOf(Data.class);
        assertThat(number(p)).as("packet %d of %d", i, packets).isEqualTo(i);
      }
      sent.get(10, TimeUnit.SECONDS);
      assertThat(dataDrops()).isZero();
      assertThat(counter("tox.relay.sender.paused"))
          .as("the receiver's queue filled: the sender was held back")
          .isPositive();
      assertThat(counter("tox.relay.sender.pause.expired")).isZero();
      assertThat(relay.connections()).isEqualTo(2);
    }
  }

  @Test
  @Timeout(60)
  void aReceiverThatNeverReadsCostsABoundedBacklogAndHoldsItsSenderOnlyUntilThePauseRunsOut()
      throws Exception {
    start(false); // real time: the pause runs out by itself
    try (RawRelayClient sender = new RawRelayClient(relay.port()).handshake(relay.publicKey());
        RawRelayClient stalled = smallWindowClient();
        RawRelayClient other = new RawRelayClient(relay.port()).handshake(relay.publicKey())) {
      route(sender, stalled); // connection id 16 at the sender
      sender.send(new RoutingRequest(other.keys.publicKey()));
      other.send(new RoutingRequest(sender.keys.publicKey()));
      int toOther = sender.await(ConnectNotification.class).connectionId();
      other.await(ConnectNotification.class);

      // ~2.8 MB for the receiver that never reads, then one packet for the other receiver: the
      // sender blocks while it is paused, so it writes from another thread
      CompletableFuture<Void> sent =
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (int i = 0; i < 2_000; i++) {
                    sender.send(numbered(i));
                  }
                  sender.send(new Data(toOther, Bytes.of(new byte[] {42})));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      RelayPacket got = other.await(Data.class);
      assertThat(((Data) got).payload().toArray()).containsExactly(42);
      sent.get(10, TimeUnit.SECONDS);
      assertThat(counter("tox.relay.sender.paused")).as("held back first").isPositive();
      assertThat(counter("tox.relay.sender.pause.expired")).as("then let go").isPositive();
      assertThat(dataDrops())
          .as("the stalled receiver's data, once the pause ran out")
          .isPositive();
      assertThat(relay.backlogOf(stalled.keys.publicKey()))
          .isLessThanOrEqualTo(LIMITS.dataDropBytes());

      sender.send(new Ping(7));
      assertThat(sender.await(Pong.class)).isEqualTo(new Pong(7));
      assertThat(relay.connections()).isEqualTo(3);
    }
  }
}
