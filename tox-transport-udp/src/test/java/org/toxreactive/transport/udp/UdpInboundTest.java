package org.toxreactive.transport.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.toxreactive.core.NetCryptoPacketKind.DATA;
import static org.toxreactive.core.NetCryptoPacketKind.HANDSHAKE;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.BytesPool;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.Path;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The inbound handler alone, on an {@link EmbeddedChannel}: any source address, no sockets. */
class UdpInboundTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final InetSocketAddress LOCAL = address("127.0.0.1", 33445);
  private static final InetSocketAddress ALICE = address("10.0.0.1", 40000);
  private static final InetSocketAddress ALICE_OTHER_PORT = address("10.0.0.1", 40001);
  private static final InetSocketAddress BOB = address("10.0.0.2", 40000);

  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private final List<DatagramPacket> written = new ArrayList<>();

  @AfterEach
  void tearDown() {
    clock.dispose();
    for (DatagramPacket p : written) {
      assertThat(p.refCnt()).as("packet released").isZero();
    }
  }

  private UdpInbound inbound(int queue) {
    return new UdpInbound(2048, queue, new RateLimiter<>(10, Duration.ofMillis(100), 100, clock));
  }

  @Test
  void copiesEachDatagramWithItsSourceAndReleasesIt() {
    UdpInbound inbound = inbound(16);
    EmbeddedChannel ch = new EmbeddedChannel(inbound);
    StepVerifier.create(inbound.receive())
        .then(() -> write(ch, ALICE, DATA.id(), 1, 2, 3))
        .then(() -> write(ch, BOB, 0x1c))
        .expectNext(
            new Datagram(Path.udp(ALICE), Bytes.of(DATA.idByte(), (byte) 1, (byte) 2, (byte) 3)))
        .expectNext(new Datagram(Path.udp(BOB), Bytes.of((byte) 0x1c)))
        .then(ch::close)
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void deliversAnEmptyDatagram() {
    UdpInbound inbound = inbound(16);
    EmbeddedChannel ch = new EmbeddedChannel(inbound);
    StepVerifier.create(inbound.receive())
        .then(() -> write(ch, ALICE))
        .expectNext(new Datagram(Path.udp(ALICE), Bytes.EMPTY))
        .thenCancel()
        .verify(TIMEOUT);
    ch.finishAndReleaseAll();
  }

  @Test
  void dropsAndCountsDatagramsLongerThanTheMaximum() {
    UdpInbound inbound = inbound(16);
    EmbeddedChannel ch = new EmbeddedChannel(inbound);
    StepVerifier.create(inbound.receive())
        .then(() -> ch.writeInbound(packet(ALICE, new byte[2049])))
        .then(() -> ch.writeInbound(packet(ALICE, new byte[2048])))
        .assertNext(d -> assertThat(d.data().length()).isEqualTo(2048))
        .thenCancel()
        .verify(TIMEOUT);
    assertThat(inbound.oversize()).isEqualTo(1);
    assertThat(inbound.dropped()).isZero();
    ch.finishAndReleaseAll();
  }

  @Test
  void limitsCookieRequestsPerSourceIpOnVirtualTime() {
    UdpInbound inbound = inbound(64);
    EmbeddedChannel ch = new EmbeddedChannel(inbound);
    List<Datagram> got = new ArrayList<>();
    Disposable sub = inbound.receive().subscribe(got::add);

    for (int i = 0; i < 11; i++) {
      // Same IP, two ports: the bucket is per address, not per socket.
      write(ch, i % 2 == 0 ? ALICE : ALICE_OTHER_PORT, UdpInbound.COOKIE_REQUEST, i);
    }
    assertThat(got).hasSize(10);
    assertThat(inbound.rateLimited()).isEqualTo(1);

    for (int i = 0; i < 10; i++) {
      write(ch, BOB, UdpInbound.COOKIE_REQUEST, i);
    }
    write(ch, ALICE, HANDSHAKE.id(), 0); // a handshake is not limited
    assertThat(got).hasSize(21);
    assertThat(inbound.rateLimited()).isEqualTo(1);

    clock.advanceTimeBy(Duration.ofMillis(99));
    write(ch, ALICE, UdpInbound.COOKIE_REQUEST, 99);
    assertThat(inbound.rateLimited()).isEqualTo(2);
    clock.advanceTimeBy(Duration.ofMillis(1));
    write(ch, ALICE, UdpInbound.COOKIE_REQUEST, 100);
    write(ch, ALICE, UdpInbound.COOKIE_REQUEST, 101);
    assertThat(got).hasSize(22);
    assertThat(got.get(21).data().get(1)).isEqualTo((byte) 100);
    assertThat(inbound.rateLimited()).isEqualTo(3);
    assertThat(inbound.dropped()).isZero();

    sub.dispose();
    ch.finishAndReleaseAll();
  }

  @Test
  void slowSubscriberGetsTheFirstQueuedDatagramsAndTheRestIsDroppedAndCounted() {
    UdpInbound inbound = inbound(4);
    EmbeddedChannel ch = new EmbeddedChannel(inbound);
    StepVerifier.create(inbound.receive(), 0)
        .then(
            () -> {
              for (int i = 0; i < 10; i++) {
                write(ch, ALICE, DATA.id(), i);
              }
            })
        .then(() -> assertThat(inbound.dropped()).isEqualTo(6))
        .thenRequest(Long.MAX_VALUE)
        .assertNext(d -> assertThat(d.data().get(1)).isEqualTo((byte) 0))
        .assertNext(d -> assertThat(d.data().get(1)).isEqualTo((byte) 1))
        .assertNext(d -> assertThat(d.data().get(1)).isEqualTo((byte) 2))
        .assertNext(d -> assertThat(d.data().get(1)).isEqualTo((byte) 3))
        .then(() -> write(ch, ALICE, DATA.id(), 10))
        .assertNext(d -> assertThat(d.data().get(1)).isEqualTo((byte) 10))
        .then(ch::close)
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(inbound.dropped()).isEqualTo(6);
  }

  @Test
  void dropsAndCountsWhileNobodySubscribes() {
    UdpInbound inbound = inbound(4);
    EmbeddedChannel ch = new EmbeddedChannel(inbound);
    write(ch, ALICE, 1);
    write(ch, ALICE, 2);
    assertThat(inbound.dropped()).isEqualTo(2);
    ch.finishAndReleaseAll();
  }

  @Test
  void allowsOneSubscriberAtATime() {
    UdpInbound inbound = inbound(4);
    EmbeddedChannel ch = new EmbeddedChannel(inbound);
    Disposable first = inbound.receive().subscribe();
    StepVerifier.create(inbound.receive()).expectError(IllegalStateException.class).verify(TIMEOUT);
    first.dispose();
    StepVerifier.create(inbound.receive())
        .then(() -> write(ch, BOB, 7))
        .expectNext(new Datagram(Path.udp(BOB), Bytes.of((byte) 7)))
        .thenCancel()
        .verify(TIMEOUT);
    ch.finishAndReleaseAll();
  }

  @Test
  void subscribingAfterCloseCompletesAtOnce() {
    UdpInbound inbound = inbound(4);
    EmbeddedChannel ch = new EmbeddedChannel(inbound);
    ch.close();
    StepVerifier.create(inbound.receive()).expectComplete().verify(TIMEOUT);
  }

  @Test
  void passesOtherMessagesOn() {
    EmbeddedChannel ch = new EmbeddedChannel(inbound(4));
    ch.writeInbound("not a datagram");
    assertThat((String) ch.readInbound()).isEqualTo("not a datagram");
    ch.finishAndReleaseAll();
  }

  /** A subscriber that releases each datagram as it reads it: one array serves every packet. */
  @Test
  void lendsDataPacketsToALeasedSubscriberAndReusesEachReleasedArray() {
    UdpInbound inbound = inbound(16);
    EmbeddedChannel ch = new EmbeddedChannel(inbound);
    List<Bytes> copies = new ArrayList<>();
    List<Boolean> lent = new ArrayList<>();
    Disposable sub =
        inbound
            .receiveLeased()
            .subscribe(
                d -> {
                  copies.add(Bytes.of(d.data().toArray()));
                  lent.add(BytesPool.release(d.data()));
                });
    for (int i = 0; i < 50; i++) {
      write(ch, ALICE, DATA.id(), i, i + 1);
    }
    write(ch, ALICE, HANDSHAKE.id(), 7); // not a data packet: a plain copy
    sub.dispose();
    assertThat(copies).hasSize(51);
    for (int i = 0; i < 50; i++) {
      assertThat(copies.get(i)).isEqualTo(Bytes.of(DATA.idByte(), (byte) i, (byte) (i + 1)));
    }
    assertThat(copies.get(50)).isEqualTo(Bytes.of(HANDSHAKE.idByte(), (byte) 7));
    assertThat(lent.subList(0, 50)).containsOnly(true);
    assertThat(lent.get(50)).isFalse();
    assertThat(inbound.poolArraysCreated()).isEqualTo(1);
    ch.finishAndReleaseAll();
  }

  @Test
  void aPlainSubscriberGetsNoLoans() {
    UdpInbound inbound = inbound(16);
    EmbeddedChannel ch = new EmbeddedChannel(inbound);
    List<Boolean> lent = new ArrayList<>();
    Disposable sub = inbound.receive().subscribe(d -> lent.add(BytesPool.release(d.data())));
    write(ch, ALICE, DATA.id(), 1);
    write(ch, ALICE, DATA.id(), 2);
    sub.dispose();
    assertThat(lent).containsExactly(false, false);
    assertThat(inbound.poolArraysCreated()).isZero();
    ch.finishAndReleaseAll();
  }

  /** Queue of one, no demand: the first lease waits, the dropped ones go back to the pool. */
  @Test
  void aDroppedLeaseGoesBackToThePoolAtOnce() {
    UdpInbound inbound = inbound(1);
    EmbeddedChannel ch = new EmbeddedChannel(inbound);
    StepVerifier.create(inbound.receiveLeased(), 0)
        .then(() -> write(ch, ALICE, DATA.id(), 1))
        .then(() -> write(ch, ALICE, DATA.id(), 2))
        .then(() -> write(ch, ALICE, DATA.id(), 3))
        .then(() -> assertThat(inbound.dropped()).isEqualTo(2))
        .then(() -> assertThat(inbound.poolArraysCreated()).isEqualTo(2))
        .thenRequest(1)
        .expectNext(new Datagram(Path.udp(ALICE), Bytes.of(DATA.idByte(), (byte) 1)))
        .thenCancel()
        .verify(TIMEOUT);
    ch.finishAndReleaseAll();
  }

  private void write(EmbeddedChannel ch, InetSocketAddress from, int... bytes) {
    byte[] data = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      data[i] = (byte) bytes[i];
    }
    assertThat(ch.writeInbound(packet(from, data))).as("consumed").isFalse();
  }

  private DatagramPacket packet(InetSocketAddress from, byte[] data) {
    ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(data.length);
    buf.writeBytes(data);
    DatagramPacket p = new DatagramPacket(buf, LOCAL, from);
    written.add(p);
    return p;
  }

  private static InetSocketAddress address(String ip, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByName(ip), port);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
