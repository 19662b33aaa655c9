package org.toxreactive.onion;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The onion node's HMAC-SHA-256 gives RFC 4231's values and the JCA's bytes. */
class HmacSha256Test {
  private static byte[] mac(byte[] key, byte[]... parts) {
    HmacSha256 m = new HmacSha256(key);
    for (byte[] p : parts) {
      m.update(p);
    }
    return m.doFinal();
  }

  private static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void rfc4231Vectors() {
    HexFormat hex = HexFormat.of();
    assertThat(hex.formatHex(mac(filled(20, 0x0b), ascii("Hi There"))))
        .isEqualTo("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    assertThat(hex.formatHex(mac(ascii("Jefe"), ascii("what do ya want for nothing?"))))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assertThat( // a key longer than the block is hashed first
            hex.formatHex(
                mac(
                    filled(131, 0xaa),
                    ascii("Test Using Larger Than Block-Size Key - Hash Key First"))))
        .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  }

  @Test
  void sameBytesAsTheJcaForManyKeysAndMessagesAndAcrossReuse() throws Exception {
    Random random = new Random(16);
    for (int i = 0; i < 200; i++) {
      byte[] key = new byte[random.nextInt(100) + 1];
      random.nextBytes(key);
      Mac jca = Mac.getInstance("HmacSHA256");
      jca.init(new SecretKeySpec(key, "HmacSHA256"));
      HmacSha256 ours = new HmacSha256(key);
      for (int round = 0; round < 3; round++) { // one instance serves message after message
        byte[] a = new byte[random.nextInt(300)];
        byte[] b = new byte[random.nextInt(40)];
        random.nextBytes(a);
        random.nextBytes(b);
        ours.update(a);
        ours.update(b);
        jca.update(a);
        jca.update(b);
        assertThat(ours.doFinal()).isEqualTo(jca.doFinal());
      }
    }
  }
}
