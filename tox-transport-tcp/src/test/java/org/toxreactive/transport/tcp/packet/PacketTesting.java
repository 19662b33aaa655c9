package org.toxreactive.transport.tcp.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import org.assertj.core.api.AbstractThrowableAssert;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.PublicKey;

/** Encode/decode helpers that release every buffer they allocate. */
final class PacketTesting {
  static final PublicKey KEY =
      PublicKey.fromHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  static final String KEY_HEX = KEY.toHex().toLowerCase(Locale.ROOT);

  private PacketTesting() {}

  /** {@code n} bytes counting up from 0, wrapping at 256. */
  static Bytes counting(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) i;
    }
    return Bytes.of(b);
  }

  /** Encodes after a junk prefix and checks that exactly {@code encodedLength()} bytes appeared. */
  static byte[] encode(RelayPacket packet) {
    ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer();
    try {
      out.writeByte(0xEE);
      packet.encode(out);
      assertThat(out.readableBytes() - 1).as("bytes written").isEqualTo(packet.encodedLength());
      return ByteBufUtil.getBytes(out, 1, packet.encodedLength());
    } finally {
      out.release();
    }
  }

  static String encodeHex(RelayPacket packet) {
    return HexFormat.of().formatHex(encode(packet));
  }

  /** Decodes {@code plaintext} placed after a skipped prefix; checks the reader index ends. */
  static RelayPacket decode(byte[] plaintext) {
    ByteBuf in = PooledByteBufAllocator.DEFAULT.heapBuffer(plaintext.length + 1);
    try {
      in.writeByte(0xEE).writeBytes(plaintext).skipBytes(1);
      RelayPacket packet = RelayPacket.decode(in);
      assertThat(in.isReadable()).as("decode consumed the whole packet").isFalse();
      assertThat(in.refCnt()).as("decode borrows").isEqualTo(1);
      return packet;
    } finally {
      in.release();
    }
  }

  static RelayPacket decodeHex(String hex) {
    return decode(HexFormat.of().parseHex(hex));
  }

  /** Decodes the first {@code length} encoded bytes of {@code packet}. */
  static RelayPacket decodePrefix(RelayPacket packet, int length) {
    return decode(Arrays.copyOf(encode(packet), length));
  }

  static RelayPacket roundTrip(RelayPacket packet) {
    return decode(encode(packet));
  }

  /** Asserts the decode fails as malformed and leaves the reader index where it was. */
  static AbstractThrowableAssert<?, ? extends Throwable> assertMalformed(byte[] plaintext) {
    ByteBuf in = PooledByteBufAllocator.DEFAULT.heapBuffer(plaintext.length + 1);
    try {
      in.writeBytes(plaintext);
      AbstractThrowableAssert<?, ? extends Throwable> a =
          assertThatThrownBy(() -> RelayPacket.decode(in))
              .isInstanceOf(MalformedRelayPacketException.class);
      assertThat(in.readerIndex()).as("reader index after failure").isZero();
      assertThat(in.refCnt()).isEqualTo(1);
      return a;
    } finally {
      in.release();
    }
  }

  static AbstractThrowableAssert<?, ? extends Throwable> assertMalformedHex(String hex) {
    return assertMalformed(HexFormat.of().parseHex(hex));
  }

  static AbstractThrowableAssert<?, ? extends Throwable> assertPrefixMalformed(
      RelayPacket packet, int length) {
    return assertMalformed(Arrays.copyOf(encode(packet), length));
  }

  /**
   * Every prefix shorter than {@code minValid} is malformed; every prefix from {@code minValid} up
   * to the full length decodes to the same kind.
   */
  static void assertTruncations(RelayPacket packet, int minValid) {
    byte[] full = encode(packet);
    for (int n = 0; n < full.length; n++) {
      byte[] prefix = Arrays.copyOf(full, n);
      if (n < minValid) {
        assertMalformed(prefix);
      } else {
        assertThat(decode(prefix).kind()).as("prefix of %d bytes", n).isEqualTo(packet.kind());
      }
    }
  }

  /** The full packet plus {@code extra} trailing bytes. */
  static byte[] withTrailing(RelayPacket packet, int extra) {
    byte[] full = encode(packet);
    return Arrays.copyOf(full, full.length + extra);
  }
}
