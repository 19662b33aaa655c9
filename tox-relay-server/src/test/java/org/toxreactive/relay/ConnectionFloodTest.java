package org.toxreactive.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.transport.tcp.packet.Ping;
import org.toxreactive.transport.tcp.packet.Pong;

/** 1000 connections from one address: the relay refuses past its per-IP limit and serves others. */
class ConnectionFloodTest {
  private static final int PER_IP = 64;
  private RunningRelay relay;
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void start() {
    relay =
        RelayServer.create()
            .host("0.0.0.0")
            .port(0)
            .udpPort(-1)
            .limits(
                RelayLimits.defaults()
                    .withMaxConnectionsPerIp(PER_IP)
                    .withHandshakeTimeout(Duration.ofSeconds(60)))
            .bindNow();
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    relay.disposeNow(Duration.ofSeconds(5));
  }

  private static boolean closedByRelay(Socket s) {
    try {
      s.setSoTimeout(50);
      InputStream in = s.getInputStream();
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Test
  void refusesConnectionsPastThePerIpLimitAndKeepsServingOtherAddresses() throws Exception {
    for (int i = 0; i < 1000; i++) {
      Socket s = new Socket();
      s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      s.connect(new InetSocketAddress("127.0.0.1", relay.port()), 5_000);
      sockets.add(s);
    }
    int open = 0;
    for (Socket s : sockets) {
      if (!closedByRelay(s)) {
        open++;
      }
    }
    assertThat(open).isEqualTo(PER_IP);
    assertThat(relay.connections()).isEqualTo(PER_IP);

    // another loopback address is not the offender
    try (Socket other = new Socket()) {
      other.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
      other.connect(new InetSocketAddress("127.0.0.2", relay.port()), 5_000);
      try (RawRelayClient c = RawRelayClient.over(other).handshake(relay.publicKey())) {
        c.send(new Ping(9));
        assertThat(c.await(Pong.class)).isEqualTo(new Pong(9));
      }
    }

    for (Socket s : sockets) {
      s.close();
    }
    sockets.clear();
    // everything is released: connection counts drain back to zero
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (relay.connections() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(relay.connections()).isZero();
  }
}
