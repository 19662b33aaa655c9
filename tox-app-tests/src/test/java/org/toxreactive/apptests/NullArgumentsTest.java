package org.toxreactive.apptests;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayClient;
import org.toxreactive.transport.tcp.RelayPool;
import org.toxreactive.transport.udp.UdpTransport;

/**
 * Issue 18, problem 5: a null given to a public method of the relay client, the relay pool, the
 * relay server's builder or the UDP transport fails at the call with a message naming the
 * parameter, not with a bare {@code NullPointerException} later (the parameters are non-null:
 * {@code @NullMarked} packages).
 */
class NullArgumentsTest {
  private final KeyPair keys = KeyPair.generate();
  private final RelayClient client =
      RelayClient.create(RelayAddress.of("127.0.0.1", 33445, KeyPair.generate().publicKey()), keys);

  @Test
  void relayPoolNamesTheNullParameter() {
    assertThatThrownBy(() -> RelayPool.create(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("dhtKeys is null");
    assertThatThrownBy(() -> RelayPool.create(keys).relays(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("relays is null");
  }

  @Test
  void relayClientNamesTheNullParameter() {
    assertThatThrownBy(() -> client.reconnect(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("policy is null");
    assertThatThrownBy(() -> client.scheduler(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("scheduler is null");
    assertThatThrownBy(() -> client.handshakeTimeout(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("timeout is null");
  }

  @Test
  void relayServerNamesTheNullParameter() {
    RelayServer server = RelayServer.create();
    assertThatThrownBy(() -> server.keys(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("keys is null");
    assertThatThrownBy(() -> server.host(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("host is null");
    assertThatThrownBy(() -> server.ports(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("ports is null");
    assertThatThrownBy(() -> server.dht(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("dht is null");
    assertThatThrownBy(() -> server.limits(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("limits is null");
    assertThatThrownBy(() -> server.scheduler(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("scheduler is null");
    assertThatThrownBy(() -> server.keepalive(null, Duration.ofSeconds(10)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("interval is null");
    assertThatThrownBy(() -> server.keepalive(Duration.ofSeconds(30), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("timeout is null");
  }

  @Test
  void udpTransportNamesTheNullParameter() {
    assertThatThrownBy(() -> UdpTransport.create().host(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("host is null");
    assertThatThrownBy(() -> UdpTransport.create().scheduler(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("scheduler is null");
  }
}
