package org.toxreactive.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.Path;
import org.toxreactive.test.sim.SimNetwork;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** {@link SimTransport} on virtual time, as a user's test drives it. */
class SimTransportVirtualTimeTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Test
  void aPacketArrivesAfterTheLinksDelayOfVirtualTimeWithTheSendersPath() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    SimNetwork net = SimNetwork.create(7, clock);
    net.link("a", "b").delay(200, 200);
    SimTransport a = SimTransport.on(net, "a");
    SimTransport b = SimTransport.on(net, "b");
    Bytes hello = Bytes.ofUtf8("hello");

    StepVerifier.withVirtualTime(() -> b.receive().take(1), () -> clock, Long.MAX_VALUE)
        .expectSubscription()
        .then(() -> a.send(SimTransport.pathOf("b"), hello).subscribe())
        .expectNoEvent(Duration.ofMillis(199))
        .thenAwait(Duration.ofMillis(1))
        .assertNext(
            d -> {
              assertThat(d.data()).isEqualTo(hello);
              assertThat(d.path()).isEqualTo(SimTransport.pathOf("a"));
            })
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void aPartitionLosesPacketsAndHealingLetsThemThrough() {
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    SimNetwork net = SimNetwork.create(7, clock);
    SimTransport a = SimTransport.on(net, "a");
    SimTransport b = SimTransport.on(net, "b");
    net.partition("a", "b");

    StepVerifier.withVirtualTime(() -> b.receive().map(Datagram::data), () -> clock, Long.MAX_VALUE)
        .then(() -> a.offer(SimTransport.pathOf("b"), Bytes.ofUtf8("lost")))
        .thenAwait(Duration.ofSeconds(1))
        .then(() -> net.heal("a", "b"))
        .then(() -> a.offer(SimTransport.pathOf("b"), Bytes.ofUtf8("through")))
        .thenAwait(Duration.ofSeconds(1))
        .expectNext(Bytes.ofUtf8("through"))
        .then(b::dispose)
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void realAddressesRelayPathsAndOversizePacketsAreRefusedInOneLine() {
    SimNetwork net = SimNetwork.create(7, VirtualTimeScheduler.create());
    SimTransport a = SimTransport.on(net, "a").withMaxPacketSize(100);
    Path real = Path.udp(new InetSocketAddress("127.0.0.1", 33445));
    assertThat(a.serves(real)).isFalse();
    assertThat(a.offer(real, Bytes.ofUtf8("x"))).isFalse();
    assertThat(a.offer(SimTransport.pathOf("b"), Bytes.of(new byte[101]))).isFalse();
    assertThat(a.offer(SimTransport.pathOf("b"), Bytes.of(new byte[100]))).isTrue();
    StepVerifier.create(a.send(SimTransport.pathOf("b"), Bytes.of(new byte[101])))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("packet of 101 bytes exceeds 100"))
        .verify(TIMEOUT);
    StepVerifier.create(a.send(real, Bytes.ofUtf8("x")))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("not a simulated path")
                    .message()
                    .doesNotContain("\n"))
        .verify(TIMEOUT);
  }
}
