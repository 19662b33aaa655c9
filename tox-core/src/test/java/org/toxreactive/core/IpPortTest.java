package org.toxreactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpPortTest {
  private static final IpPort V4 = new IpPort(address("c0a80001"), 33445); // 192.168.0.1
  private static final IpPort V6 =
      new IpPort(address("20010db8000000000000000000000001"), 0xFFFF); // 2001:db8::1

  @Test
  void writesPackedIpv4AsSevenBytes() {
    assertThat(V4.packedLength()).isEqualTo(7);
    assertThat(hex(V4::writePacked)).isEqualTo("02" + "c0a80001" + "82a5");
  }

  @Test
  void writesPackedIpv6AsNineteenBytes() {
    assertThat(V6.packedLength()).isEqualTo(19);
    assertThat(hex(V6::writePacked)).isEqualTo("0a" + "20010db8000000000000000000000001" + "ffff");
  }

  @Test
  void writesFixedIpv4WithAddressFirstAndZeroPadding() {
    assertThat(hex(V4::writeFixed19)).isEqualTo("02" + "c0a80001" + "00".repeat(12) + "82a5");
  }

  @Test
  void writesFixedIpv6LikePacked() {
    assertThat(hex(V6::writeFixed19)).isEqualTo(hex(V6::writePacked));
  }

  @Test
  void readsBothFormsBackAndConsumesExactlyTheirBytes() {
    assertThat(read("02c0a8000182a5" + "ee", IpPort::readPacked)).isEqualTo(V4);
    assertThat(read("0a20010db8000000000000000000000001ffff" + "ee", IpPort::readPacked))
        .isEqualTo(V6);
    assertThat(read("02c0a80001" + "00".repeat(12) + "82a5" + "ee", IpPort::readFixed19))
        .isEqualTo(V4);
    assertThat(read("0a20010db8000000000000000000000001ffff" + "ee", IpPort::readFixed19))
        .isEqualTo(V6);
  }

  @Test
  void keepsIpv4MappedIpv6AddressAsFamilyTen() {
    String mapped = "0a" + "00000000000000000000ffff7f000001" + "0001";
    IpPort p = read(mapped + "ee", IpPort::readPacked);
    assertThat(p.address()).isInstanceOf(Inet6Address.class);
    assertThat(p.family()).isEqualTo(IpPort.FAMILY_IPV6);
    assertThat(hex(p::writePacked)).isEqualTo(mapped);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 11, IpPort.FAMILY_TCP_IPV4, IpPort.FAMILY_TCP_IPV6, 255})
  void rejectsFamiliesOtherThanUdpIpv4AndIpv6(int family) {
    String hex = String.format("%02x", family) + "00".repeat(18);
    assertRejected(hex, IpPort::readPacked, "family " + family);
    assertRejected(hex, IpPort::readFixed19, "family " + family);
  }

  @Test
  void rejectsEveryTruncationWithoutMovingTheReaderIndex() {
    String v4 = "02c0a8000182a5";
    String v6 = "0a20010db8000000000000000000000001ffff";
    String fixed4 = "02c0a80001" + "00".repeat(12) + "82a5";
    for (int n = 0; n < v4.length() / 2; n++) {
      assertRejected(v4.substring(0, 2 * n), IpPort::readPacked, "");
    }
    for (int n = 0; n < v6.length() / 2; n++) {
      assertRejected(v6.substring(0, 2 * n), IpPort::readPacked, "");
      assertRejected(v6.substring(0, 2 * n), IpPort::readFixed19, "");
      assertRejected(fixed4.substring(0, 2 * n), IpPort::readFixed19, "");
    }
  }

  @Test
  void acceptsPortBoundariesAndRejectsOutOfRange() {
    assertThat(new IpPort(V4.address(), 0).port()).isZero();
    assertThat(read("02c0a80001ffff" + "ee", IpPort::readPacked).port()).isEqualTo(0xFFFF);
    assertThatThrownBy(() -> new IpPort(V4.address(), -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IpPort(V4.address(), 0x10000))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IpPort(null, 1)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void printsAddressAndPortWithoutLookup() {
    assertThat(V4).hasToString("192.168.0.1:33445");
    assertThat(V6).hasToString("[2001:db8:0:0:0:0:0:1]:65535");
  }

  private static String hex(Consumer<ByteBuf> writer) {
    ByteBuf buf = Unpooled.buffer();
    try {
      writer.accept(buf);
      return ByteBufUtil.hexDump(buf);
    } finally {
      buf.release();
    }
  }

  private static IpPort read(String hex, Function<ByteBuf, IpPort> reader) {
    ByteBuf buf = Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex));
    try {
      IpPort p = reader.apply(buf);
      assertThat(buf.readableBytes()).as("only the trailing marker byte is left").isEqualTo(1);
      return p;
    } finally {
      buf.release();
    }
  }

  private static void assertRejected(
      String hex, Function<ByteBuf, IpPort> reader, String messagePart) {
    ByteBuf buf = Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex));
    try {
      assertThatThrownBy(() -> reader.apply(buf))
          .isInstanceOf(ToxProtocolException.class)
          .hasMessageContaining(messagePart);
      assertThat(buf.readerIndex()).isZero();
    } finally {
      buf.release();
    }
  }

  private static InetAddress address(String hex) {
    try {
      return InetAddress.getByAddress(HexFormat.of().parseHex(hex));
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
