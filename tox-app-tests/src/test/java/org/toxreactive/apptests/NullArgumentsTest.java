package org.toxreactive.apptests;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayClient;
import org.toxreactive.transport.tcp.RelayPool;
import org.toxreactive.transport.udp.UdpTransport;

/**
 * Issue 18, problem 5: a null given to a public method of the relay client, the relay pool or the
 * UDP transport fails at the call with a message naming the parameter, not with a bare {@code
 * NullPointerException} later (the parameters are non-null: {@code @NullMarked} packages).
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
  void udpTransportNamesTheNullParameter() {
    assertThatThrownBy(() -> UdpTransport.create().host(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("host is null");
    assertThatThrownBy(() -> UdpTransport.create().scheduler(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("scheduler is null");
  }
}
