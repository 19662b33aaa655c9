package org.toxreactive.apptests;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.onion.OnionClient;
import org.toxreactive.onion.OnionIo;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayClient;
import org.toxreactive.transport.tcp.RelayPool;
import org.toxreactive.transport.udp.UdpTransport;
import reactor.core.publisher.Flux;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Issue 18, problem 5: a null given to a public method of the relay client, the relay pool, the
 * relay server's builder, the UDP transport or the onion client fails at the call with a message
 * naming the parameter, not with a bare {@code NullPointerException} later (the parameters are
 * non-null: {@code @NullMarked} packages).
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

  private final OnionIo onionIo =
      OnionIo.tcp(OnionIo.relays(List::of, (relay, nonce, payload) -> false, Flux.never()));

  @Test
  void onionIoNamesTheNullParameter() {
    assertThatThrownBy(() -> OnionIo.tcp(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("relays is null");
    assertThatThrownBy(() -> OnionIo.udp(null, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("inbound is null");
    assertThatThrownBy(() -> OnionIo.relays(null, (relay, nonce, payload) -> false, Flux.never()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("connected is null");
  }

  @Test
  void onionClientBuilderNamesTheNullParameter() {
    assertThatThrownBy(() -> OnionClient.create(null, () -> keys, onionIo))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("realKeys is null");
    assertThatThrownBy(() -> OnionClient.create(keys, () -> keys, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("io is null");
    OnionClient.Builder builder = OnionClient.create(keys, () -> keys, onionIo);
    assertThatThrownBy(() -> builder.bootstrap(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("nodes is null");
    assertThatThrownBy(() -> builder.scheduler(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("scheduler is null");
    assertThatThrownBy(() -> builder.pathNodes(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("nodes is null");
  }

  @Test
  void onionClientNamesTheNullParameter() {
    OnionClient onion =
        OnionClient.create(keys, () -> keys, onionIo)
            .scheduler(VirtualTimeScheduler.create())
            .bindNow();
    PublicKey friend = KeyPair.generate().publicKey();
    try {
      assertThatThrownBy(() -> onion.lookup(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("friendReal is null");
      assertThatThrownBy(() -> onion.sendFriendRequest(friend, 0, null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("message is null");
      assertThatThrownBy(() -> onion.addBootstrapNode(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("node is null");
      assertThatThrownBy(() -> onion.announceRelays(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("ourRelays is null");
      // these quietly did nothing, or skipped the check that the DHT sender matches
      assertThatThrownBy(() -> onion.friendOnline(null, true))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("friendReal is null");
      assertThatThrownBy(() -> onion.friendRequestSends(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("friendReal is null");
      assertThatThrownBy(() -> onion.onDhtPkPacket(null, Bytes.EMPTY))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("fromDhtKey is null");
      assertThatThrownBy(() -> onion.dhtPkPayload(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("friendReal is null");
    } finally {
      onion.dispose();
    }
  }
}
