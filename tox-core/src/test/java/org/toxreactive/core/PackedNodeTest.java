package org.toxreactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackedNodeTest {
  private static final String KEY_HEX = "11".repeat(32);
  private static final PublicKey KEY = PublicKey.fromHex(KEY_HEX);
  private static final IpPort V4 = new IpPort(IpPort.address(bytes("7f000001")), 33445);
  private static final IpPort V6 =
      new IpPort(IpPort.address(bytes("00000000000000000000000000000001")), 443);

  @Test
  void writesUdpIpv4AsThirtyNineBytes() {
    PackedNode node = PackedNode.udp(V4, KEY);
    assertThat(node.packedLength()).isEqualTo(39);
    assertThat(hex(node)).isEqualTo("02" + "7f000001" + "82a5" + KEY_HEX);
  }

  @Test
  void writesTcpIpv6WithFamily138() {
    PackedNode node = new PackedNode(V6, true, KEY);
    assertThat(node.packedLength()).isEqualTo(51);
    assertThat(hex(node)).isEqualTo("8a" + "00".repeat(15) + "01" + "01bb" + KEY_HEX);
  }

  @Test
  void readsEveryFamilyBackToTheSameNode() {
    List<PackedNode> nodes =
        List.of(
            PackedNode.udp(V4, KEY),
            PackedNode.udp(V6, KEY),
            new PackedNode(V4, true, KEY),
            new PackedNode(V6, true, KEY));
    ByteBuf buf = Unpooled.buffer();
    try {
      assertThat(PackedNode.writeAll(buf, nodes)).isEqualTo(39 + 51 + 39 + 51);
      assertThat(PackedNode.readAll(buf, 4)).isEqualTo(nodes);
      assertThat(buf.isReadable()).isFalse();
    } finally {
      buf.release();
    }
  }

  @Test
  void aTruncatedNodeFailsAndLeavesTheReaderWhereItWas() {
    ByteBuf buf = Unpooled.wrappedBuffer(bytes("02" + "7f000001" + "82a5" + "11".repeat(31)));
    try {
      assertThatThrownBy(() -> PackedNode.read(buf))
          .isInstanceOf(ToxProtocolException.class)
          .hasMessage("truncated packed node: 38 bytes, need 39");
      assertThat(buf.readerIndex()).isZero();
    } finally {
      buf.release();
    }
  }

  @Test
  void anUnknownFamilyFails() {
    ByteBuf buf = Unpooled.wrappedBuffer(bytes("03" + "00".repeat(38)));
    try {
      assertThatThrownBy(() -> PackedNode.read(buf))
          .isInstanceOf(ToxProtocolException.class)
          .hasMessage("unsupported packed node family 3");
    } finally {
      buf.release();
    }
  }

  @Test
  void aBadSecondNodeRewindsReadAll() {
    ByteBuf buf = Unpooled.buffer();
    try {
      PackedNode.udp(V4, KEY).write(buf);
      buf.writeByte(0x7f);
      assertThatThrownBy(() -> PackedNode.readAll(buf, 2)).isInstanceOf(ToxProtocolException.class);
      assertThat(buf.readerIndex()).isZero();
    } finally {
      buf.release();
    }
  }

  private static String hex(PackedNode node) {
    ByteBuf buf = Unpooled.buffer();
    try {
      node.write(buf);
      return ByteBufUtil.hexDump(buf);
    } finally {
      buf.release();
    }
  }

  private static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex);
  }
}
