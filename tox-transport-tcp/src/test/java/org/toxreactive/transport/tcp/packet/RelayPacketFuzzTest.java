package org.toxreactive.transport.tcp.packet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.Nonce;
import org.toxreactive.test.FuzzSeeds;

/**
 * Fuzzes {@link RelayPacket#decode}, the dispatcher over every {@link RelayPacketKind} (the first
 * byte selects the kind, so one target reaches every codec; the seed corpus holds a valid packet of
 * each kind). Contract: a packet that re-encodes to exactly the input, with the reader index at the
 * end, or a {@link MalformedRelayPacketException} with a one-line message and the reader index
 * unchanged; never another exception, and the buffer is only borrowed.
 */
class RelayPacketFuzzTest {

  @FuzzTest
  void decode(byte[] input) {
    ByteBuf in = Unpooled.buffer(input.length + 1);
    try {
      in.writeByte(0xEE).writeBytes(input).skipBytes(1); // a non-zero reader index
      RelayPacket packet;
      try {
        packet = RelayPacket.decode(in);
      } catch (MalformedRelayPacketException e) {
        assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
        assertThat(in.readerIndex()).as("reader index after a rejection").isEqualTo(1);
        return;
      }
      assertThat(in.isReadable()).as("decode consumed the packet").isFalse();
      assertThat(packet.kind()).isEqualTo(RelayPacketKind.ofId(input[0] & 0xFF));
      assertThat(packet.encodedLength()).isEqualTo(input.length);
      ByteBuf out = Unpooled.buffer(packet.encodedLength());
      try {
        packet.encode(out);
        assertThat(ByteBufUtil.getBytes(out)).as("re-encoded").isEqualTo(input);
      } finally {
        out.release();
      }
    } finally {
      assertThat(in.refCnt()).as("decode borrows its buffer").isEqualTo(1);
      in.release();
    }
  }

  @Test
  void seedsAreCurrentAndCoverEveryKind() {
    Map<String, byte[]> seeds = seeds();
    Set<RelayPacketKind> kinds = EnumSet.noneOf(RelayPacketKind.class);
    for (byte[] seed : seeds.values()) {
      kinds.add(PacketTesting.decode(seed).kind());
    }
    assertThat(kinds).containsExactlyInAnyOrder(RelayPacketKind.values());
    FuzzSeeds.check(RelayPacketFuzzTest.class, "decode", seeds);
  }

  /** One valid packet of every kind (two for the variable ones), from the encoders. */
  static Map<String, byte[]> seeds() {
    Bytes key = PacketTesting.counting(32);
    Map<String, byte[]> s = new LinkedHashMap<>();
    s.put("routing-request", PacketTesting.encode(new RoutingRequest(PacketTesting.KEY)));
    s.put("routing-response", PacketTesting.encode(new RoutingResponse(16, PacketTesting.KEY)));
    s.put("routing-refused", PacketTesting.encode(new RoutingResponse(0, PacketTesting.KEY)));
    s.put("connect", PacketTesting.encode(new ConnectNotification(17)));
    s.put("disconnect", PacketTesting.encode(new DisconnectNotification(255)));
    s.put("ping", PacketTesting.encode(new Ping(0x0102030405060708L)));
    s.put("pong", PacketTesting.encode(new Pong(0x0102030405060708L)));
    s.put("oob-send", PacketTesting.encode(new OobSend(PacketTesting.KEY, key)));
    s.put("oob-recv", PacketTesting.encode(new OobRecv(PacketTesting.KEY, key)));
    s.put(
        "onion-request",
        PacketTesting.encode(
            new OnionRequest(
                Nonce.of(PacketTesting.counting(24).toArray()),
                PacketTesting.counting(OnionRequest.MIN_PAYLOAD))));
    s.put("onion-response", PacketTesting.encode(new OnionResponse(PacketTesting.counting(40))));
    s.put(
        "forward-request-v4",
        PacketTesting.encode(new ForwardRequest(ip("127.0.0.1", 33445), key)));
    s.put(
        "forward-request-v6",
        PacketTesting.encode(new ForwardRequest(ip("::1", 33445), Bytes.EMPTY)));
    s.put("forwarding", PacketTesting.encode(new Forwarding(key)));
    s.put("data", PacketTesting.encode(new Data(16, key)));
    s.put("data-empty", PacketTesting.encode(new Data(255, Bytes.EMPTY)));
    return s;
  }

  private static IpPort ip(String host, int port) {
    try {
      return new IpPort(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
