package org.toxreactive.relay;

import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.testkit.PacketTransportContract;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayPool;

/**
 * {@link RelayPool} against the {@link PacketTransport} contract: two pools routed to each other
 * through one of our relays on 127.0.0.1.
 */
class RelayPoolContractTest extends PacketTransportContract {
  private RunningRelay relay;

  @AfterEach
  void stopRelay() {
    if (relay != null) {
      relay.disposeNow(Duration.ofSeconds(5));
    }
  }

  @Override
  protected Pair connectedPair() {
    KeyPair relayKeys = KeyPair.generate();
    relay = RelayServer.create().keys(relayKeys).host("127.0.0.1").port(0).udpPort(-1).bindNow();
    RelayAddress address = RelayAddress.of("127.0.0.1", relay.port(), relayKeys.publicKey());
    KeyPair aKeys = KeyPair.generate();
    KeyPair bKeys = KeyPair.generate();
    RelayPool a = RelayPool.create(aKeys).relays(List.of(address)).connectInBackground();
    RelayPool b =
        RelayPool.create(bKeys).relays(List.of(address)).receiveQueue(16).connectInBackground();
    a.route(bKeys.publicKey());
    b.route(aKeys.publicKey());
    await()
        .atMost(timeout())
        .until(
            () ->
                !a.onlineRelays(bKeys.publicKey()).isEmpty()
                    && !b.onlineRelays(aKeys.publicKey()).isEmpty());
    return new Pair(
        a,
        Path.relay(relayKeys.publicKey(), bKeys.publicKey()),
        b,
        Path.relay(relayKeys.publicKey(), aKeys.publicKey()));
  }

  @Override
  protected Path unservedPath(PacketTransport transport) {
    return Path.udp(new InetSocketAddress("127.0.0.1", 33445));
  }

  @Override
  protected long droppedInbound(PacketTransport transport) {
    return ((RelayPool) transport).droppedInbound();
  }
}
