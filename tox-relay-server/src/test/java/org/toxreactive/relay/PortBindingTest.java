package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Like tox-bootstrapd: bind every configured TCP port that can be bound, fail only if none can;
 * unlike it, a UDP port that cannot be bound is an error (tox-bootstrapd takes another one).
 */
class PortBindingTest {
  @Test
  void theUdpPortIsTheFirstTcpPortUntilSet() {
    assertThat(RelayServer.create().configuration().udpPort()).isEqualTo(33445);
    assertThat(RelayServer.create().port(40000).configuration().udpPort()).isEqualTo(40000);
    assertThat(RelayServer.create().ports(List.of(40002, 40000)).configuration().udpPort())
        .isEqualTo(40002);
    assertThat(RelayServer.create().udpPort(5000).port(40000).configuration().udpPort())
        .as("an explicit UDP port wins, whatever the order")
        .isEqualTo(5000);
    assertThat(RelayServer.create().port(40000).udpPort(-1).configuration().udpPort())
        .isEqualTo(-1);
    assertThat(RelayServer.create().port(0).configuration().udpPort()).isZero();
  }

  @Test
  void skipsAPortThatIsTakenAndServesOnTheOthers() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      RunningRelay relay =
          RelayServer.create()
              .host("127.0.0.1")
              .ports(List.of(taken.getLocalPort(), 0))
              .udpPort(-1)
              .bindNow();
      try {
        assertThat(relay.ports()).hasSize(1).doesNotContain(taken.getLocalPort());
      } finally {
        relay.disposeNow(Duration.ofSeconds(5));
      }
    }
  }

  @Test
  void failsWhenNoPortCanBeBound() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(
              () ->
                  RelayServer.create()
                      .host("127.0.0.1")
                      .ports(List.of(taken.getLocalPort()))
                      .udpPort(-1)
                      .bindNow())
          .isInstanceOf(BindFailure.class)
          .hasMessage(
              "cannot bind any TCP port on 127.0.0.1: "
                  + taken.getLocalPort()
                  + " (Address already in use)");
    }
  }

  @Test
  void aBusyUdpPortIsAnErrorNotASilentlyMissingBridge() throws Exception {
    try (java.net.DatagramSocket taken =
        new java.net.DatagramSocket(
            new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
      assertThatThrownBy(
              () ->
                  RelayServer.create()
                      .host("127.0.0.1")
                      .port(0)
                      .udpPort(taken.getLocalPort())
                      .bindNow())
          .isInstanceOf(BindFailure.class)
          .hasMessage(
              "cannot bind UDP 127.0.0.1:"
                  + taken.getLocalPort()
                  + " (DHT node and onion/forwarding bridge; udpPort -1 turns them off): Address already in use");
    }
  }
}
