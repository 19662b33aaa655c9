package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.toxreactive.transport.tcp.packet.Pong;

class BacklogTest {
  private final AtomicLong buffered = new AtomicLong();
  private final Backlog backlog = new Backlog(buffered::get);

  @Test
  void costIsTheFrameOnTheWirePlusTheFixedOverhead() {
    Pong pong = new Pong(7);
    assertThat(Backlog.cost(pong))
        .isEqualTo(pong.encodedLength() + 2 + 16 + Backlog.PACKET_OVERHEAD)
        .isEqualTo(9 + 18 + 96);
  }

  @Test
  void countsReservedPacketsUntilWrittenPlusTheOutboundBuffer() {
    assertThat(backlog.tryReserve(100, 1000)).isTrue();
    assertThat(backlog.tryReserve(200, 1000)).isTrue();
    buffered.set(50);
    assertThat(backlog.bytes()).isEqualTo(350);
    backlog.written(100);
    assertThat(backlog.bytes()).isEqualTo(250);
    assertThat(backlog.overflowed()).isFalse();
  }

  @Test
  void aReservationPastTheCapFailsAndEveryLaterOneToo() {
    assertThat(backlog.tryReserve(600, 1000)).isTrue();
    buffered.set(300);
    assertThat(backlog.tryReserve(100, 1000)).isTrue(); // exactly at the cap: 1000
    assertThat(backlog.tryReserve(1, 1000)).isFalse();
    assertThat(backlog.overflowed()).isTrue();
    backlog.written(700);
    buffered.set(0);
    assertThat(backlog.tryReserve(1, 1000)).as("stays overflowed").isFalse();
    assertThat(backlog.fits(1, 1000)).isFalse();
  }

  @Test
  void fitsChecksTheSoftLimitWithoutReserving() {
    buffered.set(900);
    assertThat(backlog.fits(100, 1000)).isTrue();
    assertThat(backlog.fits(101, 1000)).isFalse();
    assertThat(backlog.bytes()).isEqualTo(900);
    assertThat(backlog.overflowed()).isFalse();
  }

  @Test
  void readsTheUnflushedBytesOfARealChannel() {
    EmbeddedChannel ch = new EmbeddedChannel();
    Backlog real = Backlog.of(ch, null);
    assertThat(real.bytes()).isZero();
    ch.write(Unpooled.wrappedBuffer(new byte[1000]));
    assertThat(real.bytes()).isGreaterThanOrEqualTo(1000);
    ch.flush();
    ch.releaseOutbound();
    assertThat(real.bytes()).isZero();
    ch.finishAndReleaseAll();
    assertThat(Backlog.outboundBytes(ch)).as("closed").isZero();
  }

  @Test
  void countsTheFramesItsWindowGateHoldsInTheSameBudget() {
    // a shut window: every frame waits in the gate, none reaches the outbound buffer
    WindowGate gate = new WindowGate(c -> 0, () -> 0);
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.pipeline().addFirst(gate);
    Backlog withGate = Backlog.of(ch, gate);
    ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[1000]));
    ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[500]));
    assertThat(Backlog.outboundBytes(ch)).isZero();
    assertThat(withGate.bytes()).isEqualTo(1500);
    assertThat(withGate.fits(1000, 2000)).isFalse();
    ch.finishAndReleaseAll();
    assertThat(withGate.bytes()).as("closed: the gate released its frames").isZero();
  }
}
