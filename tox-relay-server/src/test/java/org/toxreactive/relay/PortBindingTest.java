package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Like tox-bootstrapd: bind every configured port that can be bound, fail only if none can. */
class PortBindingTest {
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
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("none of the TCP ports");
    }
  }
}
