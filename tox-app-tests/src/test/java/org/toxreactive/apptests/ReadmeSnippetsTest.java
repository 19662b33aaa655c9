package org.toxreactive.apptests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.netcrypto.NetCrypto;
import org.toxreactive.netcrypto.NetCryptoNode;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayPool;
import org.toxreactive.transport.udp.UdpTransport;
import reactor.test.StepVerifier;

/**
 * Issue 18 "done when": the README's snippets are copies of {@link ReadmeSnippets}, which compile
 * and run here against two relays on loopback and a friend node (problem 4: the snippet is not racy
 * any more).
 */
class ReadmeSnippetsTest {
  private final List<RunningRelay> relays = new ArrayList<>();

  @AfterEach
  void stop() {
    relays.forEach(r -> r.disposeNow(Duration.ofSeconds(5)));
  }

  private RelayAddress relay() {
    RunningRelay r =
        RelayServer.create()
            .keys(KeyPair.generate())
            .host("127.0.0.1")
            .port(0)
            .udpPort(-1)
            .bindNow();
    relays.add(r);
    return RelayAddress.of("127.0.0.1", r.port(), r.publicKey());
  }

  @Test
  void theNetCryptoSnippetRunsAndDeliversEveryMessage() {
    RelayAddress relayA = relay();
    RelayAddress relayB = relay();
    KeyPair realKeys = KeyPair.generate();
    KeyPair dhtKeys = KeyPair.generate();
    KeyPair friendReal = KeyPair.generate();
    KeyPair friendDht = KeyPair.generate();
    RelayPool friendRelays =
        RelayPool.create(friendDht).relays(List.of(relayA, relayB)).connectInBackground();
    UdpTransport friendUdp = UdpTransport.create().host("127.0.0.1").port(0).bindNow();
    NetCryptoNode friend =
        NetCrypto.create(friendReal, friendDht)
            .transport(friendUdp)
            .transport(friendRelays)
            .acceptor(peer -> peer.realKey().equals(realKeys.publicKey()))
            .bindNow();
    List<String> got = new CopyOnWriteArrayList<>();
    friend.incoming().subscribe(c -> c.lossless().subscribe(m -> got.add(m.payload().toUtf8())));
    try {
      friendRelays.ready().block(Duration.ofSeconds(10));
      ReadmeSnippets.netCryptoInCode(
          realKeys,
          dhtKeys,
          relayA,
          relayB,
          Set.of(friendReal.publicKey()),
          friendReal.publicKey(),
          friendDht.publicKey(),
          friendUdp.localAddress());
      assertThat(got).hasSize(1000).startsWith("msg 0").endsWith("msg 999");
      for (int i = 0; i < got.size(); i++) {
        assertThat(got.get(i)).isEqualTo("msg " + i);
      }
    } finally {
      friend.disposeNow(Duration.ofSeconds(5));
      friendUdp.disposeNow(Duration.ofSeconds(5));
      friendRelays.disposeNow(Duration.ofSeconds(5));
    }
  }

  @Test
  void theRelayPoolSnippetSendsRightAfterStart() {
    RelayAddress relayA = relay();
    RelayAddress relayB = relay();
    KeyPair friend = KeyPair.generate();
    RelayPool friendPool =
        RelayPool.create(friend).relays(List.of(relayA)).connectNow(Duration.ofSeconds(10));
    try {
      StepVerifier.create(friendPool.receive().take(1))
          .then(
              () ->
                  ReadmeSnippets.relayPoolInCode(
                      KeyPair.generate(), relayA, relayB, friend.publicKey(), Bytes.ofHex("18")))
          .assertNext(d -> assertThat(d.data()).isEqualTo(Bytes.ofHex("18")))
          .expectComplete()
          .verify(Duration.ofSeconds(10));
    } finally {
      friendPool.disposeNow(Duration.ofSeconds(5));
    }
  }

  @Test
  void theSimulatedNetworkSnippetDeliversEveryMessageInVirtualTime() {
    // the snippet's StepVerifier is the assertion: it throws unless all 100 arrive in order
    ReadmeSnippets.simulatedNetworkTest(
        KeyPair.generate(), KeyPair.generate(), KeyPair.generate(), KeyPair.generate());
  }

  @Test
  void theReadmeShowsExactlyTheCompiledSnippets() throws IOException {
    String readme = Files.readString(Path.of(System.getProperty("tox.readme")));
    String source =
        Files.readString(
            Path.of("src/test/java/org/toxreactive/apptests/ReadmeSnippets.java"),
            StandardCharsets.UTF_8);
    for (String name : List.of("netcrypto", "relaypool", "simnet")) {
      String snippet = snippet(source, name);
      assertThat(readme).as("README block for " + name).contains("```java\n" + snippet + "```\n");
    }
  }

  /** The marked lines, without the indentation they share. */
  static String snippet(String source, String name) {
    String begin = "// README:" + name + "\n";
    int from = source.indexOf(begin);
    assertThat(from).as("marker " + name).isNotNegative();
    from += begin.length();
    int to = source.indexOf("// README:end", from);
    List<String> lines = source.substring(from, to).lines().toList();
    int indent =
        lines.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    StringBuilder b = new StringBuilder();
    for (String l : lines) {
      if (!l.isBlank()) {
        b.append(l.substring(indent));
      }
      b.append('\n');
    }
    // the end marker's own indentation was cut off with the previous line
    return b.toString().replaceAll("\n+$", "\n");
  }
}
