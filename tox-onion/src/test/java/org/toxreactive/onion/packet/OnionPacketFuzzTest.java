package org.toxreactive.onion.packet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.toxreactive.test.FuzzSeeds;

/**
 * Fuzzes {@link OnionPacket#decode} (every kind, selected by the first byte) and the plaintext
 * decoders ({@link AnnouncePlain}, {@link AnnounceReply} in both forms, {@link OnionLayer}).
 * Contract: a value that re-encodes to exactly the input, or a {@link
 * MalformedOnionPacketException} with a one-line message (reader index unchanged); never another
 * exception; the buffer is only borrowed.
 */
class OnionPacketFuzzTest {

  @FuzzTest
  void decode(byte[] input) {
    ByteBuf in = Unpooled.buffer(input.length + 1);
    try {
      in.writeByte(0xEE).writeBytes(input).skipBytes(1); // a non-zero reader index
      OnionPacket packet;
      try {
        packet = OnionPacket.decode(in);
      } catch (MalformedOnionPacketException e) {
        assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
        assertThat(in.readerIndex()).as("reader index after a rejection").isEqualTo(1);
        return;
      }
      assertThat(in.isReadable()).as("decode consumed the packet").isFalse();
      assertThat(packet.kind()).isEqualTo(OnionPacketKind.ofId(input[0] & 0xFF));
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

  /** First byte: 0 announce plaintext, 1 old reply, 2 counted reply, 3 onion layer. */
  @FuzzTest
  void plaintexts(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] body = Arrays.copyOfRange(input, 1, input.length);
    int which = (input[0] & 0xFF) % 4;
    try {
      byte[] again =
          switch (which) {
            case 0 -> AnnouncePlain.decode(body).encode();
            case 1 -> AnnounceReply.decode(body, false).encode(false);
            case 2 -> AnnounceReply.decode(body, true).encode(true);
            default -> OnionLayer.decode(body, 0, body.length).encode();
          };
      if (which == 3 && body[0] == 2) {
        // IPv4 padding bytes are skipped unchecked, as c-toxcore: compare without them
        Arrays.fill(body, 5, 17, (byte) 0);
      }
      assertThat(again).as("re-encoded").isEqualTo(body);
    } catch (MalformedOnionPacketException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
    }
  }

  @Test
  void seedsAreCurrentAndCoverEveryKind() {
    Map<String, byte[]> seeds = seeds();
    Set<OnionPacketKind> kinds = EnumSet.noneOf(OnionPacketKind.class);
    for (byte[] seed : seeds.values()) {
      ByteBuf in = Unpooled.wrappedBuffer(seed);
      kinds.add(OnionPacket.decode(in).kind());
      in.release();
    }
    assertThat(kinds).containsExactlyInAnyOrder(OnionPacketKind.values());
    FuzzSeeds.check(OnionPacketFuzzTest.class, "decode", seeds);
    FuzzSeeds.check(OnionPacketFuzzTest.class, "plaintexts", plaintextSeeds());
  }

  static Map<String, byte[]> seeds() {
    String n = OnionPacketCodecTest.NONCE;
    String k = OnionPacketCodecTest.KEY;
    Map<String, byte[]> s = new LinkedHashMap<>();
    s.put("send-initial", OnionPacketCodecTest.hex("80", n, k, "ab".repeat(170)));
    s.put("send-1", OnionPacketCodecTest.hex("81", n, k, "ab".repeat(103), "cc".repeat(59)));
    s.put("send-2", OnionPacketCodecTest.hex("82", n, k, "ab".repeat(36), "dd".repeat(118)));
    s.put("announce-old", OnionPacketCodecTest.hex("83", n, k, "ee".repeat(120)));
    s.put(
        "announce-response-old",
        OnionPacketCodecTest.hex("84", "01".repeat(8), n, "ee".repeat(49)));
    s.put("data-request", OnionPacketCodecTest.hex("85", k, n, k, "ee".repeat(17)));
    s.put("data-response", OnionPacketCodecTest.hex("86", n, k, "ee".repeat(17)));
    s.put("announce", OnionPacketCodecTest.hex("87", n, k, "ee".repeat(130)));
    s.put("announce-response", OnionPacketCodecTest.hex("88", "01".repeat(8), n, "ee".repeat(50)));
    s.put("recv-3", OnionPacketCodecTest.hex("8c", "33".repeat(177), "84"));
    s.put("recv-2", OnionPacketCodecTest.hex("8d", "33".repeat(118), "86"));
    s.put("recv-1", OnionPacketCodecTest.hex("8e", "33".repeat(59), "88"));
    s.put("forward-request", OnionPacketCodecTest.hex("90", k, "0102"));
    s.put("forwarding", OnionPacketCodecTest.hex("91", "02", "0102", "aa"));
    s.put("forward-reply", OnionPacketCodecTest.hex("92", "21", "77".repeat(33), "aa"));
    for (int id = 0x93; id <= 0x98; id++) {
      s.put(
          "dht-announce-" + Integer.toHexString(id),
          OnionPacketCodecTest.hex(Integer.toHexString(id), k, n, "ee".repeat(24)));
    }
    return s;
  }

  static Map<String, byte[]> plaintextSeeds() {
    String k = OnionPacketCodecTest.KEY;
    String node = "02" + "7f000001" + "82a5" + k;
    Map<String, byte[]> s = new LinkedHashMap<>();
    s.put(
        "announce-plain",
        OnionPacketCodecTest.hex("00", "55".repeat(32), k, k, "01".repeat(8), "aa"));
    s.put("reply-old", OnionPacketCodecTest.hex("01", "02", "55".repeat(32), node));
    s.put(
        "reply-counted", OnionPacketCodecTest.hex("02", "01", "55".repeat(32), "01", node, "beef"));
    s.put("layer", OnionPacketCodecTest.hex("03", "02", "7f000001", "00".repeat(12), "82a5", "ab"));
    return s;
  }
}
