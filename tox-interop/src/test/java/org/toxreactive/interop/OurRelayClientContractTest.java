package org.toxreactive.interop;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;
import org.toxreactive.transport.tcp.RelayAddress;

/** Our relay client against our relay server: the same contract tox-bootstrapd passes. */
class OurRelayClientContractTest {
  private static RunningRelay server;

  @BeforeAll
  static void startRelay() {
    server = RelayServer.create().host("127.0.0.1").port(0).udpPort(0).bindNow();
  }

  @AfterAll
  static void stopRelay() {
    server.disposeNow(Duration.ofSeconds(5));
  }

  private final RelayClientContract contract = new RelayClientContract();

  @AfterEach
  void closeLinks() {
    contract.closeLinks();
  }

  private static RelayAddress relay() {
    return RelayAddress.of("127.0.0.1", server.port(), server.publicKey());
  }

  @Test
  void handshakesAndAnswersItsPing() {
    contract.handshakesAndAnswersItsPing(relay());
  }

  @Test
  void routesTwoClientsToEachOtherAndRelaysDataBothWaysAndOob() {
    contract.routesTwoClientsToEachOtherAndRelaysDataBothWaysAndOob(relay());
  }

  @Test
  void routingToOurOwnKeyIsRefused() {
    contract.routingToOurOwnKeyIsRefused(relay());
  }
}
