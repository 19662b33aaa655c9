package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.epoll.Epoll;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayClient;
import org.toxreactive.transport.tcp.RelayConnection;
import org.toxreactive.transport.tcp.RelayEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The relay on each TCP transport it can run on: epoll with the window gate (the default), epoll
 * without it, and NIO (where epoll is absent; the gate then is not applied). Data relayed between
 * two of our clients arrives whole and in order on all three.
 */
class RelayTransportTest {
  @ParameterizedTest(name = "native={0} gate={1}")
  @CsvSource({"true, true", "true, false", "false, true"})
  void dataArrivesWholeAndInOrderOnEveryTransport(boolean nativeTransport, boolean gate) {
    RunningRelay relay =
        RelayServer.create()
            .host("127.0.0.1")
            .port(0)
            .udpPort(-1)
            .nativeTransport(nativeTransport)
            .windowGate(gate)
            .bindNow();
    KeyPair a = KeyPair.generate();
    KeyPair b = KeyPair.generate();
    RelayAddress at = RelayAddress.of("127.0.0.1", relay.port(), relay.publicKey());
    RelayConnection ca = RelayClient.create(at, a).connectNow();
    RelayConnection cb = RelayClient.create(at, b).connectNow();
    try {
      Mono<RelayEvent.PeerOnline> online =
          ca.events().ofType(RelayEvent.PeerOnline.class).next().cache();
      online.subscribe();
      int id = ca.route(b.publicKey()).block(Duration.ofSeconds(5));
      assertThat(cb.route(a.publicKey()).block(Duration.ofSeconds(5))).isPositive();
      // 200 packets of 1,000 bytes: within the relay's 256 KiB queue, so none may be dropped
      int n = 200;
      List<Bytes> sent = IntStream.range(0, n).mapToObj(i -> Bytes.of(payload(i))).toList();
      StepVerifier.create(
              cb.events()
                  .ofType(RelayEvent.DataReceived.class)
                  .map(RelayEvent.DataReceived::payload)
                  .take(n)
                  .collectList())
          .then(
              () ->
                  online
                      .then(Flux.fromIterable(sent).concatMap(d -> ca.send(id, d)).then())
                      .subscribe())
          .assertNext(got -> assertThat(got).containsExactlyElementsOf(sent))
          .expectComplete()
          .verify(Duration.ofSeconds(30));
    } finally {
      ca.dispose();
      cb.dispose();
      relay.disposeNow(Duration.ofSeconds(5));
    }
  }

  /**
   * One INFO line at bind names the transport and the gate: on, off, or not available on NIO (no
   * {@code TCP_INFO}; then also a WARN that it is not applied, when it was asked for).
   */
  @ParameterizedTest(name = "native={0} gate={1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "true|true|INFO TCP transport: epoll (native), window gate on|",
        "true|false|INFO TCP transport: epoll (native), window gate off|",
        "false|true|INFO TCP transport: nio (native transport turned off), window gate not"
            + " available (needs epoll's TCP_INFO)|WARN window gate not applied (needs the epoll"
            + " transport): relayed c-toxcore transfers may stall (docs/protocol.md 8.14)",
        "false|false|INFO TCP transport: nio (native transport turned off), window gate off|"
      })
  void theStartLineNamesTheTransportAndWhetherTheGateIsOn(
      boolean nativeTransport, boolean gate, String info, String warn) {
    if (nativeTransport) {
      assumeTrue(Epoll.isAvailable(), "epoll transport not available here");
    }
    Logger logger = (Logger) LoggerFactory.getLogger(RelayServer.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.setLevel(Level.INFO);
    logger.addAppender(lines);
    RunningRelay relay = null;
    try {
      relay =
          RelayServer.create()
              .host("127.0.0.1")
              .port(0)
              .udpPort(-1)
              .nativeTransport(nativeTransport)
              .windowGate(gate)
              .bindNow();
    } finally {
      logger.detachAppender(lines);
      logger.setLevel(null);
      if (relay != null) {
        relay.disposeNow(Duration.ofSeconds(5));
      }
    }
    List<String> got =
        lines.list.stream()
            .map(e -> e.getLevel() + " " + e.getFormattedMessage())
            .filter(l -> l.contains("TCP transport") || l.contains("window gate"))
            .toList();
    if (warn == null) {
      assertThat(got).containsExactly(info);
    } else {
      assertThat(got).containsExactly(info, warn);
    }
  }

  private static byte[] payload(int i) {
    byte[] p = new byte[1_000];
    p[0] = 0x1b; // a lossy net_crypto-like id, as c-toxcore's data
    for (int k = 1; k < p.length; k++) {
      p[k] = (byte) (i + k);
    }
    return p;
  }
}
