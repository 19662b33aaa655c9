package org.toxreactive.transport.tcp.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.toxreactive.transport.tcp.packet.PacketTesting.assertMalformedHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.assertTruncations;
import static org.toxreactive.transport.tcp.packet.PacketTesting.counting;
import static org.toxreactive.transport.tcp.packet.PacketTesting.decodeHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.encodeHex;
import static org.toxreactive.transport.tcp.packet.PacketTesting.roundTrip;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.transport.tcp.RelayProtocol;

class ForwardTest {
  private static final String V4_HEX = "02" + "c0a80001" + "82a5"; // 192.168.0.1:33445
  private static final String V6_HEX = "0a" + "20010db8000000000000000000000001" + "ffff";
  private static final IpPort V4 = new IpPort(address("c0a80001"), 33445);
  private static final IpPort V6 = new IpPort(address("20010db8000000000000000000000001"), 65535);

  @Test
  void encodesForwardRequestWithPackedIpv4() {
    ForwardRequest r = new ForwardRequest(V4, Bytes.ofHex("cafe"));
    assertThat(r.encodedLength()).isEqualTo(10);
    assertThat(encodeHex(r)).isEqualTo("0a" + V4_HEX + "cafe");
    assertThat(decodeHex("0a" + V4_HEX + "cafe")).isEqualTo(r);
  }

  @Test
  void encodesForwardRequestWithPackedIpv6() {
    ForwardRequest r = new ForwardRequest(V6, Bytes.ofHex("cafe"));
    assertThat(r.encodedLength()).isEqualTo(22);
    assertThat(encodeHex(r)).isEqualTo("0a" + V6_HEX + "cafe");
    assertThat(decodeHex("0a" + V6_HEX + "cafe")).isEqualTo(r);
  }

  @Test
  void acceptsEmptyDataButNotATruncatedAddress() {
    assertTruncations(new ForwardRequest(V4, Bytes.ofHex("cafe")), 1 + IpPort.PACKED_IPV4_SIZE);
    assertTruncations(new ForwardRequest(V6, Bytes.ofHex("cafe")), 1 + IpPort.PACKED_IPV6_SIZE);
    assertThat(decodeHex("0a" + V4_HEX)).isEqualTo(new ForwardRequest(V4, Bytes.EMPTY));
  }

  @Test
  void accepts1792BytesOfDataButNot1793() {
    for (String address : new String[] {V4_HEX, V6_HEX}) {
      ForwardRequest max = (ForwardRequest) decodeHex("0a" + address + "ee".repeat(1792));
      assertThat(max.data().length()).isEqualTo(RelayProtocol.MAX_FORWARD_DATA);
      assertMalformedHex("0a" + address + "ee".repeat(1793))
          .hasMessageStartingWith("forward request:");
    }
    assertThat(ForwardRequest.MAX_LENGTH).isEqualTo(1 + 19 + 1792);
    assertThatThrownBy(() -> new ForwardRequest(V4, counting(RelayProtocol.MAX_FORWARD_DATA + 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 11, IpPort.FAMILY_TCP_IPV4, IpPort.FAMILY_TCP_IPV6, 255})
  void rejectsFamiliesOtherThanIpv4AndIpv6(int family) {
    String hex = "0a" + String.format("%02x", family) + "00".repeat(18) + "cafe";
    assertMalformedHex(hex).hasMessage("forward request: unsupported IP_Port family " + family);
  }

  @Test
  void roundTripsTheLargestForwardRequest() {
    ForwardRequest max = new ForwardRequest(V6, counting(RelayProtocol.MAX_FORWARD_DATA));
    assertThat(roundTrip(max)).isEqualTo(max);
  }

  @Test
  void encodesForwardingAsIdThenData() {
    assertThat(encodeHex(new Forwarding(Bytes.ofHex("0102")))).isEqualTo("0b0102");
    assertThat(decodeHex("0b0102")).isEqualTo(new Forwarding(Bytes.ofHex("0102")));
    assertThat(decodeHex("0b")).isEqualTo(new Forwarding(Bytes.EMPTY));
  }

  @Test
  void acceptsForwardingUpToMaxPlaintext() {
    assertTruncations(new Forwarding(Bytes.ofHex("0102")), 1);
    Forwarding max = new Forwarding(counting(Forwarding.MAX_DATA));
    assertThat(max.encodedLength()).isEqualTo(RelayProtocol.MAX_PLAINTEXT);
    assertThat(roundTrip(max)).isEqualTo(max);
    assertThatThrownBy(() -> new Forwarding(counting(Forwarding.MAX_DATA + 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static InetAddress address(String hex) {
    try {
      return InetAddress.getByAddress(HexFormat.of().parseHex(hex));
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
