package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayClient;
import org.toxreactive.transport.tcp.RelayConnection;

/**
 * At DEBUG the relay logs one line per connection event an operator follows a client by: accepted,
 * confirmed (with its key), killed (with the reason), closed; at INFO one line when it listens and
 * one when it stops. Addresses print IPv6 in brackets.
 */
class ConnectionLogTest {
  private final ListAppender<ILoggingEvent> core = new ListAppender<>();
  private final ListAppender<ILoggingEvent> lifecycle = new ListAppender<>();
  private Logger coreLogger;
  private Logger serverLogger;
  private Logger runningLogger;

  @BeforeEach
  void capture() {
    coreLogger = (Logger) LoggerFactory.getLogger(RelayCore.class);
    serverLogger = (Logger) LoggerFactory.getLogger(RelayServer.class);
    runningLogger = (Logger) LoggerFactory.getLogger(RunningRelay.class);
    coreLogger.setLevel(Level.DEBUG);
    serverLogger.setLevel(Level.INFO);
    runningLogger.setLevel(Level.INFO);
    core.start();
    lifecycle.start();
    coreLogger.addAppender(core);
    serverLogger.addAppender(lifecycle);
    runningLogger.addAppender(lifecycle);
  }

  @AfterEach
  void release() {
    coreLogger.detachAppender(core);
    serverLogger.detachAppender(lifecycle);
    runningLogger.detachAppender(lifecycle);
    coreLogger.setLevel(null);
    serverLogger.setLevel(null);
    runningLogger.setLevel(null);
  }

  private static List<String> lines(ListAppender<ILoggingEvent> a) {
    synchronized (a.list) {
      return a.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }
  }

  @Test
  void acceptedConfirmedKilledAndClosedAtDebugListeningAndStoppedAtInfo() {
    RunningRelay relay = RelayServer.create().host("::1").port(0).udpPort(-1).bindNow();
    KeyPair client = KeyPair.generate();
    int port = relay.port();
    RelayConnection c;
    try {
      c =
          RelayClient.create(RelayAddress.of("::1", relay.port(), relay.publicKey()), client)
              .connectNow();
      assertThat(c.ping().block(Duration.ofSeconds(5))).isPositive(); // confirmed by now
    } finally {
      relay.disposeNow(Duration.ofSeconds(5)); // kills every client: reason shutdown
    }
    c.dispose();
    String peer = "\\[::1]:\\d+";
    assertThat(lines(core))
        .anySatisfy(l -> assertThat(l).matches("DEBUG accepted " + peer))
        .anySatisfy(
            l ->
                assertThat(l)
                    .matches("DEBUG confirmed " + peer + " key=" + client.publicKey().toHex()))
        .anySatisfy(l -> assertThat(l).matches("DEBUG killed " + peer + " reason=shutdown"));
    assertThat(lines(lifecycle))
        .anySatisfy(
            l ->
                assertThat(l)
                    .matches(
                        "INFO listening tcp=\\[::1]:"
                            + port
                            + " udp=-1 public_key="
                            + relay.publicKey().toHex()))
        .anySatisfy(l -> assertThat(l).matches("INFO stopped tcp=\\[::1]:\\d+ peak_clients=1"));
  }
}
