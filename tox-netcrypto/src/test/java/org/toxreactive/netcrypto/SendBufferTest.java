package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.toxreactive.netcrypto.packet.PacketRequest;
import org.toxreactive.netcrypto.packet.PacketRing;

class SendBufferTest {
  private final List<Integer> sent = new ArrayList<>();
  private final SendBuffer.Out<byte[]> out = (num, data) -> sent.add(num);

  private static byte[] request(int start, int end, int... missing) {
    PacketRing<byte[]> r = new PacketRing<>();
    r.moveStart(start);
    for (int i = start; i != end; i++) {
      r.store(i, new byte[] {16});
    }
    for (int m : missing) {
      r.remove(m);
    }
    return PacketRequest.encode(r, false);
  }

  /** Queues {@code n} one-byte packets (0, 1, ...) and pumps them at {@code now}. */
  private void queueAndPump(SendBuffer<byte[]> sb, int n, long now) {
    for (int i = 0; i < n; i++) {
      sb.queue(new byte[] {(byte) i});
    }
    sb.pump(now, out);
  }

  private static SendBuffer<byte[]> newBuffer() {
    RttEstimator rtt = new RttEstimator();
    return new SendBuffer<>(new WindowCongestion(rtt, 10), rtt);
  }

  @Test
  void aRequestReleasesWhatArrivedAndResendsTheOldHolesAheadOfNewData() {
    SendBuffer<byte[]> sb = newBuffer();
    queueAndPump(sb, 10, 1000);
    assertThat(sent).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    sent.clear();
    // the peer has 0..9 but 2 and 5; 9 arrived, so the request covers 0..9
    int released = sb.onRequest(request(0, 10, 2, 5), 5000);
    assertThat(released).isEqualTo(4); // 0, 1, 3, 4 (6..9 are after the last hole: they stay)
    assertThat(sb.unacked()).isEqualTo(10); // the ring keeps its span until the cumulative ack
    sb.queue(new byte[] {10});
    sb.pump(5000, out);
    assertThat(sent).containsExactly(5, 2, 10); // each repair goes to the front, as it comes
    assertThat(sb.retransmissions()).isEqualTo(2);
    assertThat(sb.reportedLost()).isEqualTo(2);
    assertThat(sb.ack(11, 5001)).isEqualTo(7); // 2, 5..10
    assertThat(sb.unacked()).isZero();
  }

  @Test
  void resendInFlightQueuesEverythingInFlightOldestFirstAheadOfNewData() {
    SendBuffer<byte[]> sb = newBuffer();
    queueAndPump(sb, 6, 1000);
    sb.ack(2, 1001);
    sb.queue(new byte[] {6}); // queued, not sent: it follows the resends
    sent.clear();
    assertThat(sb.resendInFlight(2000)).isEqualTo(4);
    sb.pump(2000, out);
    assertThat(sent).containsExactly(2, 3, 4, 5, 6);
  }

  @Test
  void recycledRecordsStartClean() {
    SendBuffer<byte[]> sb = newBuffer();
    long now = 1000;
    for (int round = 0; round < 50; round++) {
      queueAndPump(sb, 8, now);
      sb.ack(sb.end(), now + 1);
      now += 10;
    }
    assertThat(sb.retransmissions()).isZero();
    assertThat(sb.sentNew()).isEqualTo(400);
    assertThat(sb.unacked()).isZero();
  }

  @Test
  void theIntDequeBehavesLikeAnArrayDequeAcrossGrowthAndWrap() {
    SendBuffer.IntDeque d = new SendBuffer.IntDeque();
    ArrayDeque<Integer> ref = new ArrayDeque<>();
    Random rnd = new Random(3);
    for (int i = 0; i < 20_000; i++) {
      int op = rnd.nextInt(ref.size() > 300 ? 4 : 3);
      if (op == 0) {
        d.addLast(i);
        ref.addLast(i);
      } else if (op == 1) {
        d.addFirst(i);
        ref.addFirst(i);
      } else if (!ref.isEmpty()) {
        assertThat(d.peekFirst()).isEqualTo(ref.peekFirst());
        assertThat(d.pollFirst()).isEqualTo(ref.pollFirst());
      }
      assertThat(d.size()).isEqualTo(ref.size());
      assertThat(d.isEmpty()).isEqualTo(ref.isEmpty());
    }
  }
}
