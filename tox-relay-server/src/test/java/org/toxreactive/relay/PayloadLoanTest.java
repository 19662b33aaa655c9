package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.BytesPool;
import org.toxreactive.transport.tcp.packet.ConnectNotification;
import org.toxreactive.transport.tcp.packet.Data;
import org.toxreactive.transport.tcp.packet.Ping;
import org.toxreactive.transport.tcp.packet.Pong;
import org.toxreactive.transport.tcp.packet.RelayPacket;
import org.toxreactive.transport.tcp.packet.RoutingRequest;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The relay forwards routed data with its payload lent from a pool ({@link RelayCore#payloads},
 * docs/architecture.md 4): every forwarded byte arrives as sent however long the packet waits
 * (backlog, window gate, a paused sender's batches), and every loan ends, also when the receiver
 * goes away with packets queued. An array handed back while its packet still waits would carry
 * another packet's bytes by the time it is sealed: each payload here is unique and checked whole.
 */
class PayloadLoanTest {
  private static final int MAX_QUEUED = 16 * 1024;
  private static final int MAX_BACKLOG = 64 * 1024;
  private static final int SIZE = 1_400;
  private static final RelayLimits LIMITS =
      RelayLimits.defaults().withMaxQueuedBytes(MAX_QUEUED).withMaxBacklogBytes(MAX_BACKLOG);

  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private RunningRelay relay;

  /** Timers on {@link #clock}: a sender's pause never runs out, so nothing is dropped. */
  private void start(boolean windowGate) {
    relay =
        RelayServer.create()
            .host("127.0.0.1")
            .port(0)
            .udpPort(-1)
            .limits(LIMITS)
            .windowGate(windowGate)
            .scheduler(clock)
            .bindNow();
  }

  @AfterEach
  void stop() {
    if (relay != null) {
      relay.disposeNow(Duration.ofSeconds(5));
    }
    clock.dispose();
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

  private RawRelayClient client() throws Exception {
    return new RawRelayClient(relay.port()).handshake(relay.publicKey());
  }

  /** Routes a and b to each other; returns a's connection id for b. */
  private static int route(RawRelayClient a, RawRelayClient b) throws Exception {
    a.send(new RoutingRequest(b.keys.publicKey()));
    b.send(new RoutingRequest(a.keys.publicKey()));
    int id = a.await(ConnectNotification.class).connectionId();
    b.await(ConnectNotification.class);
    return id;
  }

  /**
   * Packet {@code i} of flow {@code flow}: a net_crypto data packet's first byte (0x1B), then bytes
   * that differ from every other packet's at each position past the header.
   */
  private static byte[] payload(int flow, int i) {
    byte[] p = new byte[SIZE];
    p[0] = 0x1B;
    p[1] = (byte) flow;
    p[2] = (byte) (i >>> 8);
    p[3] = (byte) i;
    for (int j = 4; j < SIZE; j++) {
      p[j] = (byte) (i * 131 + j * 7 + flow * 61);
    }
    return p;
  }

  private static CompletableFuture<Void> sendAll(
      RawRelayClient from, int connectionId, int flow, int packets) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            for (int i = 0; i < packets; i++) {
              from.send(new Data(connectionId, Bytes.of(payload(flow, i))));
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static void receiveAll(RawRelayClient to, int flow, int packets) throws Exception {
    for (int i = 0; i < packets; i++) {
      RelayPacket p = to.read();
      assertThat(p).as("flow %d packet %d", flow, i).isInstanceOf(Data.class);
      assertThat(((Data) p).payload().toArray())
          .as("flow %d packet %d, byte for byte", flow, i)
          .isEqualTo(payload(flow, i));
    }
  }

  /** Every loan made so far has ended: each array the pool made is free again. */
  private void everyLoanEnds() {
    BytesPool pool = relay.payloads();
    assertThat(pool.created()).as("payloads were lent").isPositive();
    assertThat(pool.created())
        .as("fewer arrays than the pool keeps: none was left to the collector")
        .isLessThanOrEqualTo(RelayCore.PAYLOAD_POOL_CAPACITY);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat((long) pool.free())
                    .as("free arrays, of %d made", pool.created())
                    .isEqualTo(pool.created()));
  }

  @ParameterizedTest(name = "window gate {0}")
  @ValueSource(booleans = {true, false})
  @Timeout(60)
  void aSlowReceiverGetsEveryForwardedByteAsSentFromReusedArrays(boolean windowGate)
      throws Exception {
    start(windowGate);
    int packets = 4_000; // 5.6 MB through a 16 KiB queue: the backlog and the pause both fill
    try (RawRelayClient sender = client();
        RawRelayClient receiver = smallWindowClient()) {
      int id = route(sender, receiver);
      CompletableFuture<Void> sent = sendAll(sender, id, 1, packets);
      receiveAll(receiver, 1, packets);
      sent.get(10, TimeUnit.SECONDS);
      assertThat(dataDrops()).isZero();
      assertThat(relay.metrics().counter("tox.relay.sender.paused").count())
          .as("the receiver's queue filled")
          .isPositive();
      assertThat(relay.payloads().created())
          .as("arrays reused: far fewer made than packets forwarded")
          .isLessThan(packets / 2);
      everyLoanEnds();
    }
  }

  @Test
  @Timeout(60)
  void twoFlowsInterleavedWithAStalledReceiverKeepEveryByteOfBoth() throws Exception {
    start(true);
    int packets = 3_000;
    try (RawRelayClient a = client();
        RawRelayClient stalled = smallWindowClient();
        RawRelayClient b = client();
        RawRelayClient reader = client()) {
      int toStalled = route(a, stalled);
      int toReader = route(b, reader);
      // a's packets wait for the stalled receiver (its batches held while a is paused) while b's
      // flow keeps borrowing arrays from the same pool: an array of a's handed back early would
      // carry one of b's packets by the time a's is sealed
      CompletableFuture<Void> sentA = sendAll(a, toStalled, 1, packets);
      CompletableFuture<Void> sentB = sendAll(b, toReader, 2, packets);
      receiveAll(reader, 2, packets);
      sentB.get(10, TimeUnit.SECONDS);
      assertThat(relay.metrics().counter("tox.relay.sender.paused").count())
          .as("a was held back by the stalled receiver")
          .isPositive();
      receiveAll(stalled, 1, packets);
      sentA.get(10, TimeUnit.SECONDS);
      assertThat(dataDrops()).isZero();
      everyLoanEnds();
    }
  }

  @Test
  @Timeout(60)
  void aReceiverGoneWithPacketsQueuedEndsTheirLoansAndTheSenderGoesOn() throws Exception {
    start(true);
    try (RawRelayClient sender = client();
        RawRelayClient other = client()) {
      RawRelayClient stalled = smallWindowClient();
      int toStalled = route(sender, stalled);
      int toOther = route(sender, other);
      CompletableFuture<Void> sent = sendAll(sender, toStalled, 1, 2_000);
      // the sender is paused for the receiver that never reads: its packets wait in the relay
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> relay.metrics().counter("tox.relay.sender.paused").count() > 0);
      await() // its batches read since wait in the router, their payloads on loan
          .atMost(Duration.ofSeconds(10))
          .until(() -> relay.payloads().free() < relay.payloads().created());
      stalled.close(); // gone with packets queued: the sender's waiting batches are dropped
      sent.get(10, TimeUnit.SECONDS);
      sender.send(new Data(toOther, Bytes.of(payload(3, 7))));
      assertThat(other.await(Data.class).payload().toArray()).isEqualTo(payload(3, 7));
      sender.send(new Ping(7));
      assertThat(sender.await(Pong.class)).isEqualTo(new Pong(7));
      everyLoanEnds();
    }
  }

  @Test
  @Timeout(60)
  void aPausedSenderGoneWithItsBatchesWaitingEndsTheirLoans() throws Exception {
    start(true);
    Socket s = new Socket("127.0.0.1", relay.port());
    RawRelayClient sender = RawRelayClient.over(s).handshake(relay.publicKey());
    try (RawRelayClient stalled = smallWindowClient()) {
      int toStalled = route(sender, stalled);
      CompletableFuture<Void> sent = sendAll(sender, toStalled, 1, 2_000);
      await() // paused for the receiver that never reads, its batches waiting on loan
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  relay.metrics().counter("tox.relay.sender.paused").count() > 0
                      && relay.payloads().free() < relay.payloads().created());
      s.setSoLinger(true, 0);
      sender.close(); // reset: the relay sees the sender go while its batches wait
      sent.handle((done, failed) -> null).get(10, TimeUnit.SECONDS); // sent all, or cut off
      await().atMost(Duration.ofSeconds(10)).until(() -> relay.connections() == 1);
      everyLoanEnds();
    }
  }
}
