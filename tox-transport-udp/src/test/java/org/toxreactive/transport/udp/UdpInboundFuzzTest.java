package org.toxreactive.transport.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.toxreactive.core.NetCryptoPacketKind.COOKIE_REQUEST;
import static org.toxreactive.core.NetCryptoPacketKind.DATA;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.Path;
import org.toxreactive.test.FuzzInput;
import org.toxreactive.test.FuzzSeeds;
import reactor.core.publisher.BaseSubscriber;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Fuzzes the UDP inbound path, {@link UdpInbound} on an {@link EmbeddedChannel}, with a sequence of
 * steps. Each step is an op byte: the low two bits pick the sender (two addresses share an IP, so
 * they share a cookie-request bucket), bit 2 asks the subscriber for {@code 1 + (op >> 3)} more
 * datagrams, bit 3 (when bit 2 is clear) moves the virtual clock by {@code op >> 4} times 50 ms;
 * then a u8 length and that many bytes, sent as one datagram (a maximum of 64 bytes makes the
 * oversize drop reachable; a first byte 0x18 is a rate-limited cookie request).
 *
 * <p>Contract: every datagram is either delivered (same source, same bytes, in the order sent) or
 * counted once as oversize, rate-limited or dropped (the subscriber's bounded buffer is full); only
 * cookie requests are rate-limited and only datagrams over the maximum are oversize; each packet is
 * released before the channel returns; closing the channel completes the subscriber.
 */
class UdpInboundFuzzTest {
  private static final int MAX = 64;
  private static final int QUEUE = 4;
  private static final InetSocketAddress[] SENDERS = {
    new InetSocketAddress("127.0.0.1", 33445),
    new InetSocketAddress("127.0.0.1", 33446),
    new InetSocketAddress("127.0.0.2", 40000),
    new InetSocketAddress("::1", 33445),
  };

  @FuzzTest
  void datagrams(byte[] data) {
    FuzzInput in = new FuzzInput(data);
    VirtualTimeScheduler clock = VirtualTimeScheduler.create();
    UdpInbound inbound =
        new UdpInbound(MAX, QUEUE, new RateLimiter<>(10, Duration.ofMillis(100), 2, clock));
    EmbeddedChannel ch = new EmbeddedChannel(inbound);
    Collector received = new Collector();
    inbound.receive().subscribe(received);
    List<Datagram> sent = new ArrayList<>();
    List<DatagramPacket> packets = new ArrayList<>();
    int cookieRequests = 0;
    int oversize = 0;
    try {
      for (int steps = 0; in.remaining() > 0 && steps < 256; steps++) {
        int op = in.u8();
        if ((op & 4) != 0) {
          received.more(1 + (op >> 3));
        } else if ((op & 8) != 0) {
          clock.advanceTimeBy(Duration.ofMillis(50L * (op >> 4)));
        }
        byte[] content = in.upTo(in.u8());
        InetSocketAddress sender = SENDERS[op & 3];
        DatagramPacket packet =
            new DatagramPacket(
                Unpooled.buffer(content.length).writeBytes(content), SENDERS[0], sender);
        packets.add(packet);
        ch.writeInbound(packet);
        assertThat(packet.refCnt()).as("datagram released").isZero();
        if (content.length > MAX) {
          oversize++;
        } else {
          sent.add(new Datagram(Path.udp(sender), Bytes.of(content)));
          if (content.length > 0 && content[0] == UdpInbound.COOKIE_REQUEST) {
            cookieRequests++;
          }
        }
        assertThat(ch.readInbound() == null).as("nothing passes the last handler").isTrue();
      }
      assertThat(inbound.oversize()).isEqualTo(oversize);
      assertThat(inbound.rateLimited()).isBetween(0L, (long) cookieRequests);
      received.more(Long.MAX_VALUE); // drain what waits in the bounded buffer
      assertThat(received.items.size() + inbound.rateLimited() + inbound.dropped())
          .as("every datagram delivered or counted")
          .isEqualTo(sent.size());
      assertSubsequence(received.items, sent);
      for (Datagram d : received.items) {
        assertThat(d.data().length()).isLessThanOrEqualTo(MAX);
      }
      ch.close();
      assertThat(received.completed).as("closing completes the subscriber").isTrue();
    } finally {
      ch.finishAndReleaseAll();
      received.dispose();
      clock.dispose();
      for (DatagramPacket p : packets) {
        assertThat(p.refCnt()).isZero();
      }
    }
  }

  /** {@code got} appears in {@code sent} in order (only drops in between). */
  private static void assertSubsequence(List<Datagram> got, List<Datagram> sent) {
    int at = 0;
    for (Datagram d : got) {
      while (at < sent.size() && !sent.get(at).equals(d)) {
        at++;
      }
      assertThat(at).as("delivered " + d + " in the order sent").isLessThan(sent.size());
      at++;
    }
  }

  /** A subscriber that asks for datagrams only when the input says so. */
  private static final class Collector extends BaseSubscriber<Datagram> {
    final List<Datagram> items = new ArrayList<>();
    boolean completed;

    @Override
    protected void hookOnSubscribe(Subscription subscription) {}

    @Override
    protected void hookOnNext(Datagram value) {
      items.add(value);
    }

    @Override
    protected void hookOnComplete() {
      completed = true;
    }

    void more(long n) {
      request(n);
    }
  }

  @Test
  void seedsAreCurrent() {
    byte[] cookieRequest = new byte[64];
    cookieRequest[0] = UdpInbound.COOKIE_REQUEST;
    FuzzInput.Writer flood = new FuzzInput.Writer();
    for (int i = 0; i < 12; i++) {
      flood.u8(i % 2).u8(cookieRequest.length).bytes(cookieRequest);
    }
    flood.u8(8 | 3 << 4).u8(cookieRequest.length).bytes(cookieRequest);
    Map<String, byte[]> s = new LinkedHashMap<>();
    s.put(
        "deliver-two",
        new FuzzInput.Writer()
            .u8(4 | 1 << 3)
            .u8(3)
            .bytes(new byte[] {DATA.idByte(), 1, 2})
            .u8(2)
            .u8(0)
            .toByteArray());
    s.put("cookie-flood-then-wait", flood.toByteArray());
    s.put(
        "oversize-and-full-queue",
        new FuzzInput.Writer()
            .u8(0)
            .u8(65)
            .bytes(new byte[65])
            .u8(1)
            .u8(1)
            .u8(9)
            .u8(1)
            .u8(2)
            .u8(1)
            .u8(3)
            .u8(1)
            .u8(4)
            .u8(1)
            .u8(5)
            .u8(1)
            .u8(6)
            .toByteArray());
    s.put(
        "many-sources",
        new FuzzInput.Writer()
            .u8(0)
            .u8(1)
            .u8(COOKIE_REQUEST.id())
            .u8(2)
            .u8(1)
            .u8(COOKIE_REQUEST.id())
            .u8(3)
            .u8(1)
            .u8(COOKIE_REQUEST.id())
            .toByteArray());
    FuzzSeeds.check(UdpInboundFuzzTest.class, "datagrams", s);
  }
}
