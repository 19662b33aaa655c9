package org.toxreactive.onion.packet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.toxreactive.test.FuzzSeeds;

/**
 * Fuzzes the onion client's data decoders (docs/protocol.md 13.10), selected by the first byte: 0
 * {@link DhtPkData}, 1 {@link FriendRequestData}, 2 {@link OnionDataInner}, 3 {@link DhtPkRoute}.
 * Contract: a value that re-encodes to exactly the input, or a {@link
 * MalformedOnionPacketException} with a one-line message; never another exception.
 */
class OnionClientDataFuzzTest {

  @FuzzTest
  void decode(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] body = Arrays.copyOfRange(input, 1, input.length);
    int which = (input[0] & 0xFF) % 4;
    try {
      byte[] again =
          switch (which) {
            case 0 -> DhtPkData.decode(body).encode();
            case 1 -> FriendRequestData.decode(body).encode();
            case 2 -> OnionDataInner.decode(body).encode();
            default -> DhtPkRoute.decode(body).encode();
          };
      assertThat(again).as("re-encoded").isEqualTo(body);
    } catch (MalformedOnionPacketException e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
    }
  }

  @Test
  void seedsAreCurrent() {
    FuzzSeeds.check(OnionClientDataFuzzTest.class, "decode", seeds());
  }

  static Map<String, byte[]> seeds() {
    String k = OnionPacketCodecTest.KEY;
    String n = OnionPacketCodecTest.NONCE;
    String relay = "82" + "7f000001" + "82a5" + k;
    String v6 = "0a" + "00".repeat(15) + "01" + "82a5" + k;
    Map<String, byte[]> s = new LinkedHashMap<>();
    s.put("dhtpk", OnionPacketCodecTest.hex("00", "9c", "0000000065a1b2c3", k, relay, v6));
    s.put("friend-request", OnionPacketCodecTest.hex("01", "20", "0a0b0c0d", "68656c6c6f"));
    s.put("data-inner", OnionPacketCodecTest.hex("02", k, "ab".repeat(17)));
    s.put("dhtpk-route", OnionPacketCodecTest.hex("03", k, n, "cd".repeat(57)));
    return s;
  }
}
