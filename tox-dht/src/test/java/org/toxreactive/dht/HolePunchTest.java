package org.toxreactive.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.IpPort;

/** c-toxcore 0.2.18's port-guessing schedule ({@code punch_holes}), worked by hand. */
class HolePunchTest {
  private static final InetAddress IP = LoopNet.ip("6.0.0.1", 0).address();

  private static List<Integer> ports(List<IpPort> targets) {
    return targets.stream().map(IpPort::port).toList();
  }

  @Test
  void oneReportedPortIsTheOnlyOnePinged() {
    HolePunch p = new HolePunch(1);
    assertThat(p.round(IP, new int[] {5000, 5000, 5000, 5000}))
        .containsExactly(new IpPort(IP, 5000));
    assertThat(p.index).isZero();
  }

  @Test
  void differentPortsAreWalkedOutwardsFortyEightAtATime() {
    HolePunch p = new HolePunch(1);
    List<Integer> first = ports(p.round(IP, new int[] {1000, 2000}));
    assertThat(first).hasSize(48);
    // it = 0..: port index (it / 2) % 2, offset +-(it / 4), odd it negative
    assertThat(first.subList(0, 12))
        .containsExactly(1000, 1000, 2000, 2000, 1001, 999, 2001, 1999, 1002, 998, 2002, 1998);
    assertThat(first.get(47)).isEqualTo(2000 - 11);
    List<Integer> second = ports(p.round(IP, new int[] {1000, 2000}));
    assertThat(second.subList(0, 2)).containsExactly(1012, 988); // continues at it = 48
    assertThat(p.index).isEqualTo(96);
  }

  @Test
  void afterFiveRoundsASweepFrom1024JoinsAndAResetStartsOver() {
    HolePunch p = new HolePunch(1);
    int[] reported = {3000, 3001, 3002, 3003};
    for (int i = 0; i < 6; i++) {
      assertThat(p.round(IP, reported)).hasSize(48); // tries 0..5: walk only
    }
    List<Integer> seventh = ports(p.round(IP, reported));
    assertThat(seventh).hasSize(96);
    assertThat(seventh.subList(48, 96)).startsWith(1024, 1025).endsWith(1071);
    List<Integer> eighth = ports(p.round(IP, reported));
    assertThat(eighth.subList(48, 96)).startsWith(1048).endsWith(1095); // 24 on
    p.reset();
    assertThat(p.round(IP, reported)).hasSize(48);
    assertThat(p.index).isEqualTo(48);
  }

  @Test
  void portsWrapAtSixteenBitsAndBadListsPingNothing() {
    HolePunch p = new HolePunch(1);
    List<Integer> walk = ports(p.round(IP, new int[] {0, 65535}));
    assertThat(walk.subList(0, 8)).containsExactly(0, 0, 65535, 65535, 1, 65535, 0, 65534);
    assertThat(p.round(IP, new int[0])).isEmpty();
    assertThat(p.round(IP, new int[9])).isEmpty();
  }

  @Test
  void theCommonIpNeedsFourReports() {
    IpPort a = LoopNet.ip("6.0.0.1", 1);
    IpPort b = LoopNet.ip("7.0.0.1", 1);
    assertThat(DhtCore.commonIp(List.of(a, b, a, b, a), 4)).isNull();
    assertThat(DhtCore.commonIp(List.of(b, a, a, b, a, a), 4)).isEqualTo(a.address());
  }
}
