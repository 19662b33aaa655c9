package org.toxreactive.transport.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.toxreactive.core.NetCryptoPacketKind.COOKIE_REQUEST;
import static org.toxreactive.core.NetCryptoPacketKind.DATA;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.Path;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** Real sockets on 127.0.0.1. */
class UdpTransportTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final List<UdpTransport> open = new ArrayList<>();
  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();

  @AfterEach
  void tearDown() {
    for (UdpTransport t : open) {
      t.disposeNow(TIMEOUT);
    }
    clock.dispose();
  }

  private UdpTransport bind(UdpTransport.Builder builder) {
    UdpTransport t = builder.bindNow(TIMEOUT);
    open.add(t);
    return t;
  }

  private UdpTransport bind() {
    return bind(UdpTransport.create().host("127.0.0.1").port(0).scheduler(clock));
  }

  @Test
  void exchangesDatagramsBothWaysWithTheirSourcePaths() {
    UdpTransport a = bind();
    UdpTransport b = bind();
    Bytes ping = Bytes.ofUtf8("ping");
    Bytes pong = Bytes.ofUtf8("pong");

    StepVerifier.create(a.receive())
        .then(() -> b.send(Path.udp(a.localAddress()), ping).block(TIMEOUT))
        .expectNext(new Datagram(Path.udp(b.localAddress()), ping))
        .thenCancel()
        .verify(TIMEOUT);

    StepVerifier.create(b.receive())
        .then(() -> a.send(Path.udp(b.localAddress()), pong).block(TIMEOUT))
        .expectNext(new Datagram(Path.udp(a.localAddress()), pong))
        .thenCancel()
        .verify(TIMEOUT);

    assertThat(a.droppedInbound()).isZero();
    assertThat(b.droppedInbound()).isZero();
  }

  @Test
  void repliesGoBackOnTheInboundPath() {
    UdpTransport a = bind();
    UdpTransport b = bind();
    // a echoes whatever it gets back where it came from.
    a.receive().flatMap(d -> a.send(d.path(), d.data())).subscribe();
    StepVerifier.create(b.receive())
        .then(() -> b.send(Path.udp(a.localAddress()), Bytes.ofHex("1b00")).subscribe())
        .expectNext(new Datagram(Path.udp(a.localAddress()), Bytes.ofHex("1b00")))
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void sendsThe1400ByteMaximumAndRefusesOneByteMore() {
    UdpTransport a = bind();
    UdpTransport b = bind();
    Bytes max = Bytes.of(new byte[UdpTransport.MAX_PACKET_SIZE]);
    assertThat(a.maxPacketSize()).isEqualTo(1400);

    StepVerifier.create(b.send(Path.udp(a.localAddress()), Bytes.of(new byte[1401])))
        .expectError(IllegalArgumentException.class)
        .verify(TIMEOUT);
    StepVerifier.create(a.receive())
        .then(() -> b.send(Path.udp(a.localAddress()), max).block(TIMEOUT))
        .expectNext(new Datagram(Path.udp(b.localAddress()), max))
        .thenCancel()
        .verify(TIMEOUT);
  }

  @Test
  void refusesPathsItCannotServe() {
    UdpTransport a = bind();
    PublicKey key = PublicKey.of(new byte[PublicKey.SIZE]);
    Path relay = Path.relay(key, key);
    Path unresolved = Path.udp(InetSocketAddress.createUnresolved("example.invalid", 33445));
    Path ipv6 = Path.udp(new InetSocketAddress("::1", 33445));

    assertThat(a.serves(Path.udp(a.localAddress()))).isTrue();
    assertThat(a.serves(relay)).isFalse();
    assertThat(a.serves(unresolved)).isFalse();
    assertThat(a.serves(ipv6)).isFalse();
    for (Path p : List.of(relay, unresolved, ipv6)) {
      StepVerifier.create(a.send(p, Bytes.ofHex("00")))
          .expectError(IllegalArgumentException.class)
          .verify(TIMEOUT);
    }
    StepVerifier.create(a.send(null, Bytes.ofHex("00")))
        .expectError(NullPointerException.class)
        .verify(TIMEOUT);
  }

  /** offer: send without the Mono; in order, refusals answered at once with false. */
  @Test
  void offerDeliversInOrderAndRefusesWhatSendWouldFail() {
    UdpTransport a = bind();
    UdpTransport b = bind();
    Path toA = Path.udp(a.localAddress());
    PublicKey key = PublicKey.of(new byte[PublicKey.SIZE]);

    assertThat(b.offer(Path.relay(key, key), Bytes.ofHex("00"))).isFalse();
    assertThat(b.offer(toA, Bytes.of(new byte[1401]))).isFalse();
    assertThat(b.offer(null, Bytes.ofHex("00"))).isFalse();
    assertThat(b.offer(toA, null)).isFalse();
    StepVerifier.create(a.receive().map(d -> d.data().getUnsigned(1)))
        .then(
            () -> {
              for (int i = 0; i < 20; i++) {
                assertThat(b.offer(toA, Bytes.of(DATA.idByte(), (byte) i))).isTrue();
              }
            })
        .expectNextSequence(java.util.stream.IntStream.range(0, 20).boxed().toList())
        .thenCancel()
        .verify(TIMEOUT);
    assertThat(b.sendFailures()).isZero();

    b.disposeNow(TIMEOUT);
    assertThat(b.offer(toA, Bytes.ofHex("1b00"))).isFalse();
  }

  @Test
  void slowSubscriberMakesItDropBeyondTheQueue() {
    UdpTransport a = bind(UdpTransport.create().host("127.0.0.1").receiveQueue(8));
    UdpTransport b = bind();
    Path toA = Path.udp(a.localAddress());

    StepVerifier.create(a.receive(), 0)
        .then(
            () ->
                Flux.range(0, 50)
                    .concatMap(i -> b.send(toA, Bytes.of(DATA.idByte(), i.byteValue())))
                    .blockLast(TIMEOUT))
        .then(() -> await(() -> a.droppedInbound() >= 42))
        .thenRequest(8)
        .expectNextCount(8)
        .thenCancel()
        .verify(TIMEOUT);
    assertThat(a.droppedInbound()).isEqualTo(42);
  }

  @Test
  void dropsInboundDatagramsLongerThanTheConfiguredMaximum() {
    UdpTransport a = bind(UdpTransport.create().host("127.0.0.1").maxDatagramSize(100));
    UdpTransport b = bind();
    Path toA = Path.udp(a.localAddress());

    StepVerifier.create(a.receive())
        .then(() -> b.send(toA, Bytes.of(new byte[101])).block(TIMEOUT))
        .then(() -> b.send(toA, Bytes.of(new byte[100])).block(TIMEOUT))
        .assertNext(d -> assertThat(d.data().length()).isEqualTo(100))
        .thenCancel()
        .verify(TIMEOUT);
    assertThat(a.oversizeInbound()).isEqualTo(1);
  }

  @Test
  void limitsCookieRequestsFromOneIpOnVirtualTime() {
    UdpTransport a = bind();
    UdpTransport b = bind();
    UdpTransport sameIp = bind();
    Path toA = Path.udp(a.localAddress());
    Bytes marker = Bytes.ofHex("1b");

    // Eleven cookie requests in a burst, then a marker that is not limited: loopback keeps order,
    // so once the marker is here every request has been seen.
    StepVerifier.create(a.receive())
        .then(() -> sendCookieRequests(b, toA, 11))
        .then(() -> b.send(toA, marker).block(TIMEOUT))
        .expectNextCount(10)
        .expectNext(new Datagram(Path.udp(b.localAddress()), marker))
        .then(() -> assertThat(a.rateLimited()).isEqualTo(1))
        // Another socket on the same IP shares the bucket.
        .then(() -> sendCookieRequests(sameIp, toA, 1))
        .then(() -> sameIp.send(toA, marker).block(TIMEOUT))
        .expectNext(new Datagram(Path.udp(sameIp.localAddress()), marker))
        .then(() -> assertThat(a.rateLimited()).isEqualTo(2))
        // 100 ms of virtual time later: exactly one more.
        .then(() -> clock.advanceTimeBy(Duration.ofMillis(100)))
        .then(() -> sendCookieRequests(b, toA, 2))
        .then(() -> b.send(toA, marker).block(TIMEOUT))
        .assertNext(d -> assertThat(d.data().getUnsigned(0)).isEqualTo(COOKIE_REQUEST.id()))
        .expectNext(new Datagram(Path.udp(b.localAddress()), marker))
        .thenCancel()
        .verify(TIMEOUT);
    assertThat(a.rateLimited()).isEqualTo(3);
    assertThat(a.droppedInbound()).isZero();
  }

  @Test
  void allowsOneReceiverAtATime() {
    UdpTransport a = bind();
    var first = a.receive().subscribe();
    StepVerifier.create(a.receive()).expectError(IllegalStateException.class).verify(TIMEOUT);
    first.dispose();
    StepVerifier.create(a.receive()).thenCancel().verify(TIMEOUT);
  }

  @Test
  void disposeClosesTheSocketAndCompletesReceive() {
    UdpTransport a = bind();
    UdpTransport b = bind();
    StepVerifier.create(a.receive()).then(a::dispose).expectComplete().verify(TIMEOUT);
    a.onDispose().block(TIMEOUT);
    assertThat(a.isDisposed()).isTrue();
    StepVerifier.create(a.receive()).expectComplete().verify(TIMEOUT);
    StepVerifier.create(a.send(Path.udp(b.localAddress()), Bytes.ofHex("1b")))
        .expectError(IllegalStateException.class)
        .verify(TIMEOUT);
  }

  @Test
  void builderIsImmutable() {
    UdpTransport.Builder base = UdpTransport.create();
    UdpTransport.Builder changed = base.host("127.0.0.1").port(33445).receiveQueue(7);
    assertThat(base.configuration().host()).isEqualTo("0.0.0.0");
    assertThat(base.configuration().port()).isZero();
    assertThat(base.configuration().receiveQueue()).isEqualTo(4096);
    assertThat(base.configuration().maxDatagramSize()).isEqualTo(2048);
    assertThat(base.configuration().cookieBurst()).isEqualTo(10);
    assertThat(base.configuration().cookieRefill()).isEqualTo(Duration.ofMillis(100));
    assertThat(changed.configuration().port()).isEqualTo(33445);
    assertThat(changed.configuration().receiveQueue()).isEqualTo(7);
  }

  @Test
  void eachSetterChangesItsOwnValueOnly() {
    reactor.test.scheduler.VirtualTimeScheduler clock =
        reactor.test.scheduler.VirtualTimeScheduler.create();
    UdpTransport.Config c =
        UdpTransport.create()
            .host("::1")
            .port(1)
            .receiveBuffer(2)
            .receiveQueue(3)
            .sendQueue(7)
            .maxDatagramSize(4)
            .cookieRequestLimit(5, Duration.ofMillis(6))
            .scheduler(clock)
            .configuration();
    assertThat(c)
        .isEqualTo(new UdpTransport.Config("::1", 1, 2, 3, 7, 4, 5, Duration.ofMillis(6), clock));
    assertThatThrownBy(() -> UdpTransport.create().receiveQueue(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("receiveQueue must be >= 1: 0");
    assertThatThrownBy(() -> UdpTransport.create().sendQueue(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sendQueue must be 4..1048576: 3");
  }

  @Test
  void setsTheSocketReceiveBuffer() {
    UdpTransport a = bind(UdpTransport.create().host("127.0.0.1").receiveBuffer(64 * 1024));
    assertThat(a.localAddress().getPort()).isPositive();
  }

  private static void sendCookieRequests(UdpTransport from, Path to, int n) {
    Flux.range(0, n)
        .concatMap(i -> from.send(to, Bytes.of(COOKIE_REQUEST.idByte(), i.byteValue())))
        .blockLast(TIMEOUT);
  }

  /** Polls on a timer (no sleeping thread) until {@code condition} holds. */
  private static void await(BooleanSupplier condition) {
    Mono.fromCallable(condition::getAsBoolean)
        .filter(Boolean::booleanValue)
        .repeatWhenEmpty(ticks -> ticks.delayElements(Duration.ofMillis(5)))
        .block(TIMEOUT);
  }
}
