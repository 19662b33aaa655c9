package org.toxreactive.friend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.Path;
import org.toxreactive.test.sim.SimNetwork;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The udpAfter gate on the simulated network and a virtual clock (docs/protocol.md 14.6). */
class UdpGateTest {
  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private final SimNetwork net = SimNetwork.create(7, clock);
  private final SimTransport a = new SimTransport(net.node("a"));
  private final SimTransport b = new SimTransport(net.node("b"));
  private final Path toA = Path.udp(SimTransport.addressOf("a"));
  private final Path toB = Path.udp(SimTransport.addressOf("b"));

  private void deliver(int packet) {
    StepVerifier.create(b.send(toA, Bytes.of((byte) 0x1b, (byte) packet)))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    clock.advanceTimeBy(Duration.ofSeconds(1));
  }

  @Test
  void shutItDropsBothWaysAndServesNothingAndTheNthMessageOpensItForGood() {
    UdpGate gate = new UdpGate(a, 2);
    List<Datagram> got = new CopyOnWriteArrayList<>();
    Disposable receiving = gate.receive().subscribe(got::add);
    try {
      assertThat(gate.isOpen()).isFalse();
      assertThat(gate.serves(toB)).isFalse();
      assertThat(gate.offer(toB, Bytes.ofHex("1b00"))).isFalse();
      StepVerifier.create(gate.send(toB, Bytes.ofHex("1b00")))
          .expectErrorMessage("direct UDP is held back (udpAfter)")
          .verify(Duration.ofSeconds(5));
      deliver(1);
      assertThat(got).isEmpty();
      assertThat(gate.dropped()).isOne();

      assertThat(gate.messageReceived()).isFalse();
      deliver(2);
      assertThat(got).isEmpty();
      assertThat(gate.messageReceived()).as("the 2nd message opens it").isTrue();
      assertThat(gate.messageReceived()).as("once").isFalse();
      assertThat(gate.isOpen()).isTrue();
      assertThat(gate.serves(toB)).isTrue();
      deliver(3);
      assertThat(got)
          .singleElement()
          .satisfies(d -> assertThat(d.data()).isEqualTo(Bytes.of((byte) 0x1b, (byte) 3)));
      assertThat(gate.dropped()).isEqualTo(2);
    } finally {
      receiving.dispose();
      clock.dispose();
    }
  }

  @Test
  void zeroMessagesIsOpenFromTheStartAndANegativeCountIsRefused() {
    UdpGate open = new UdpGate(a, 0);
    assertThat(open.isOpen()).isTrue();
    assertThat(open.serves(toB)).isTrue();
    assertThat(open.messageReceived()).isFalse();
    assertThatThrownBy(() -> new UdpGate(a, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("udpAfter must be >= 0 messages, got -1");
    clock.dispose();
  }
}
