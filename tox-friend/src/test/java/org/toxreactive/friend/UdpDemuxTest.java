package org.toxreactive.friend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.test.sim.SimNetwork;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class UdpDemuxTest {
  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private final SimNetwork net = SimNetwork.create(1, clock);
  private final SimTransport peer = new SimTransport(net.node("peer"));
  private final SimTransport ours = new SimTransport(net.node("ours"));
  private final Path toUs = Path.udp(SimTransport.addressOf("ours"));

  private void send(int... firstBytes) {
    for (int b : firstBytes) {
      peer.offer(toUs, Bytes.of(new byte[] {(byte) b, 1, 2}));
    }
    clock.advanceTimeBy(Duration.ofMillis(10));
  }

  @Test
  void eachKindReachesItsViewOnlyAndTheRestIsCounted() {
    UdpDemux demux = UdpDemux.over(ours);
    List<Integer> crypto = new CopyOnWriteArrayList<>();
    List<Integer> dht = new CopyOnWriteArrayList<>();
    List<Integer> onion = new CopyOnWriteArrayList<>();
    demux.view(UdpDemux.NET_CRYPTO).receive().subscribe(d -> crypto.add(first(d)));
    demux.inbound(UdpDemux.DHT).subscribe(d -> dht.add(first(d)));
    demux.inbound(UdpDemux.ONION).subscribe(d -> onion.add(first(d)));
    send(0x18, 0x00, 0x83, 0x1b, 0x20, 0x8e, 0x02, 0x19, 0x04, 0x84, 0x55, 0x21, 0xff);
    assertThat(crypto).containsExactly(0x18, 0x1b, 0x19);
    assertThat(dht).containsExactly(0x00, 0x20, 0x02, 0x04);
    assertThat(onion).containsExactly(0x83, 0x8e, 0x84);
    assertThat(demux.unclaimed()).isEqualTo(3); // 0x55, LAN discovery 0x21, 0xff
    assertThat(demux.dropped()).isZero();
    demux.dispose();
  }

  @Test
  void aViewWithoutSubscriberDropsAndCountsAndAViewSendsOnTheSharedSocket() {
    UdpDemux demux = UdpDemux.over(ours);
    PacketTransport crypto = demux.view(UdpDemux.NET_CRYPTO);
    send(0x1a, 0x1a);
    assertThat(demux.dropped()).isEqualTo(2);
    List<Integer> atPeer = new CopyOnWriteArrayList<>();
    peer.receive().subscribe(d -> atPeer.add(first(d)));
    assertThat(crypto.offer(Path.udp(SimTransport.addressOf("peer")), Bytes.of((byte) 0x1b)))
        .isTrue();
    clock.advanceTimeBy(Duration.ofMillis(10));
    assertThat(atPeer).containsExactly(0x1b);
    crypto.dispose(); // a view's dispose leaves the socket open
    assertThat(ours.isDisposed()).isFalse();
    assertThat(crypto.isDisposed()).isTrue();
    demux.dispose();
  }

  @Test
  void disposingTheDemuxCompletesEveryView() {
    UdpDemux demux = UdpDemux.over(ours);
    StepVerifier.create(demux.inbound(UdpDemux.DHT))
        .then(() -> send(0x01))
        .assertNext(d -> assertThat(first(d)).isEqualTo(0x01))
        .then(demux::dispose)
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(demux.inbound(UdpDemux.ONION))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
  }

  private static int first(Datagram d) {
    return d.data().get(0) & 0xFF;
  }
}
