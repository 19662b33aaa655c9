package org.toxreactive.friend;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.transport.Path;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;
import org.toxreactive.test.sim.SimNetwork;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayStatus;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * {@link ToxNode}s with a real relay of ours on loopback, {@link FakeTox} for the DHT and the onion
 * (on real time: a relay over sockets does not run on a virtual clock): the node's relay pool grows
 * from a friend's relays (docs/protocol.md 14.5), and {@link ToxNode.Builder#udpAfter} makes a
 * connection start RELAYED and go DIRECT only after that many messages (docs/protocol.md 14.6).
 */
class ToxNodeRelayTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final FakeTox tox = new FakeTox(Schedulers.parallel());
  private final List<ToxNode> nodes = new CopyOnWriteArrayList<>();
  private final RunningRelay relay =
      RelayServer.create().host("127.0.0.1").port(0).udpPort(-1).bindNow();

  @AfterEach
  void stop() {
    nodes.forEach(n -> n.disposeNow(Duration.ofSeconds(5)));
    relay.disposeNow(Duration.ofSeconds(5));
  }

  private RelayAddress relayAddress() {
    return RelayAddress.of("127.0.0.1", relay.port(), relay.publicKey());
  }

  private ToxNode start(String name, ToxNode.Builder b) {
    ToxNode n = b.layers(tox.layers(name)).bindNow();
    nodes.add(n);
    return n;
  }

  private static List<String> numbered(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
  }

  /** Sends {@code texts} in order, each once the previous one is queued. */
  private static void send(Friend to, List<String> texts) {
    for (String t : texts) {
      StepVerifier.create(to.sendMessage(t)).expectComplete().verify(WAIT);
    }
  }

  @Test
  void aNodeWithoutRelaysTakesItsFriendsRelayAndReachesItThroughItWithoutUdp() {
    ToxNode alice =
        start("alice", ToxNode.create(KeyPair.generate()).noUdp().relays(List.of(relayAddress())));
    ToxNode bob = start("bob", ToxNode.create(KeyPair.generate()).noUdp());
    assertThat(bob.relayPool().orElseThrow().relays()).as("bob has no relay of its own").isEmpty();

    Friend bobAtAlice = alice.addFriendNoRequest(bob.toxId().publicKey());
    Friend aliceAtBob = bob.addFriendNoRequest(alice.toxId().publicKey());
    StepVerifier.create(aliceAtBob.status().filter(FriendStatus::online).next())
        .assertNext(
            s -> {
              assertThat(s.kind()).isEqualTo(FriendStatus.Kind.RELAYED);
              assertThat(s.path()).isEqualTo(Path.relay(relay.publicKey(), alice.dhtKey()));
            })
        .expectComplete()
        .verify(WAIT);
    assertThat(bob.relayPool().orElseThrow().relays())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.address()).isEqualTo(relayAddress());
              assertThat(s.role()).isEqualTo(RelayStatus.Role.ACTIVE);
              assertThat(s.connected()).isTrue();
            });

    StepVerifier.create(bobAtAlice.messages().take(10))
        .then(() -> send(aliceAtBob, numbered("b-", 10)))
        .expectNextSequence(numbered("b-", 10))
        .expectComplete()
        .verify(WAIT);
    StepVerifier.create(aliceAtBob.messages().take(10))
        .then(() -> send(bobAtAlice, numbered("a-", 10)))
        .expectNextSequence(numbered("a-", 10))
        .expectComplete()
        .verify(WAIT);
  }

  @Test
  void withUdpAfterTheConnectionIsRelayedUntilThatManyMessagesThenDirectAndNothingIsLost() {
    SimNetwork net = SimNetwork.create(13, Schedulers.parallel());
    List<RelayAddress> relays = List.of(relayAddress());
    ToxNode alice =
        start(
            "alice",
            ToxNode.create(KeyPair.generate())
                .transport(new SimTransport(net.node("alice")))
                .relays(relays)
                .udpAfter(5));
    ToxNode bob =
        start(
            "bob",
            ToxNode.create(KeyPair.generate())
                .transport(new SimTransport(net.node("bob")))
                .relays(relays));
    assertThat(alice.directAllowed()).isFalse();
    assertThat(bob.directAllowed()).isTrue();

    Friend bobAtAlice = alice.addFriendNoRequest(bob.toxId().publicKey());
    Friend aliceAtBob = bob.addFriendNoRequest(alice.toxId().publicKey());
    List<FriendStatus.Kind> kinds = new CopyOnWriteArrayList<>();
    bobAtAlice.status().map(FriendStatus::kind).subscribe(kinds::add);
    StepVerifier.create(bobAtAlice.status().filter(FriendStatus::online).next())
        .assertNext(s -> assertThat(s.kind()).isEqualTo(FriendStatus.Kind.RELAYED))
        .expectComplete()
        .verify(WAIT);
    StepVerifier.create(aliceAtBob.status().filter(FriendStatus::online).next())
        .expectNextCount(1)
        .expectComplete()
        .verify(WAIT);

    // the first 4 of bob's messages leave the gate shut; the 5th opens it
    Flux<String> atAlice = bobAtAlice.messages().replay().autoConnect(0);
    send(aliceAtBob, numbered("b-", 4));
    StepVerifier.create(atAlice.take(4))
        .expectNextSequence(numbered("b-", 4))
        .expectComplete()
        .verify(WAIT);
    assertThat(alice.directAllowed()).isFalse();
    assertThat(kinds).containsExactly(FriendStatus.Kind.OFFLINE, FriendStatus.Kind.RELAYED);

    StepVerifier.create(
            bobAtAlice.status().filter(s -> s.kind() == FriendStatus.Kind.DIRECT).next())
        .then(() -> send(aliceAtBob, numbered("b-", 20).subList(4, 20)))
        .assertNext(s -> assertThat(s.path()).isInstanceOf(Path.Udp.class))
        .expectComplete()
        .verify(WAIT);
    assertThat(alice.directAllowed()).isTrue();
    StepVerifier.create(atAlice.take(20))
        .expectNextSequence(numbered("b-", 20))
        .expectComplete()
        .verify(WAIT);
    assertThat(kinds)
        .containsExactly(
            FriendStatus.Kind.OFFLINE, FriendStatus.Kind.RELAYED, FriendStatus.Kind.DIRECT);

    StepVerifier.create(aliceAtBob.messages().take(20))
        .then(() -> send(bobAtAlice, numbered("a-", 20)))
        .expectNextSequence(numbered("a-", 20))
        .expectComplete()
        .verify(WAIT);
  }
}
