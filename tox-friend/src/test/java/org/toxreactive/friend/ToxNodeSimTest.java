package org.toxreactive.friend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.netcrypto.CryptoConnection;
import org.toxreactive.netcrypto.NotAcknowledgedException;
import org.toxreactive.test.sim.SimNetwork;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Two {@link ToxNode}s on the simulated network and one virtual clock, with {@link FakeTox} for the
 * DHT and the onion: friend requests, friends online, messages both ways, a friend whose DHT key
 * changes, saved state.
 */
class ToxNodeSimTest {
  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private final SimNetwork net = SimNetwork.create(13, clock);
  private final FakeTox tox = new FakeTox(clock);
  private final List<ToxNode> nodes = new CopyOnWriteArrayList<>();

  private ToxNode node(String name, KeyPair keys) {
    return start(name, ToxNode.create(keys));
  }

  private ToxNode start(String name, ToxNode.Builder b) {
    ToxNode n =
        b.transport(new SimTransport(net.node(name)))
            .scheduler(clock)
            .layers(tox.layers(name))
            .bindNow();
    nodes.add(n);
    return n;
  }

  @AfterEach
  void stop() {
    nodes.forEach(ToxNode::dispose);
    advance(Duration.ofSeconds(1));
    clock.dispose();
  }

  private long now() {
    return clock.now(TimeUnit.MILLISECONDS);
  }

  private void advanceUntil(BooleanSupplier done, Duration limit) {
    long start = now();
    while (!done.getAsBoolean() && now() - start < limit.toMillis()) {
      clock.advanceTimeBy(Duration.ofMillis(10));
    }
  }

  private void advance(Duration d) {
    advanceUntil(() -> false, d);
  }

  private static boolean online(ToxNode n, ToxNode friend) {
    return n.friend(friend.toxId().publicKey())
        .map(f -> f.status().blockFirst(Duration.ofSeconds(1)).online())
        .orElse(false);
  }

  @Test
  void aFriendRequestAcceptedBringsBothOnlineDirectAndMessagesFlowBothWays() {
    ToxNode alice = node("alice", KeyPair.generate());
    ToxNode bob = node("bob", KeyPair.generate());
    Friend bobAtAlice = alice.addFriend(bob.toxId(), "hi bob, it's alice");
    List<String> atBob = new CopyOnWriteArrayList<>();
    List<String> atAlice = new CopyOnWriteArrayList<>();
    bobAtAlice.messages().subscribe(atAlice::add);
    List<FriendStatus.Kind> kinds = new CopyOnWriteArrayList<>();
    bobAtAlice.status().map(FriendStatus::kind).subscribe(kinds::add);

    StepVerifier.create(bob.friendRequests())
        .then(() -> advance(Duration.ofSeconds(1)))
        .assertNext(
            r -> {
              assertThat(r.from()).isEqualTo(alice.toxId().publicKey());
              assertThat(r.message()).isEqualTo("hi bob, it's alice");
              r.accept().messages().subscribe(atBob::add);
            })
        .thenCancel()
        .verify(Duration.ofSeconds(10));

    advanceUntil(() -> online(alice, bob), Duration.ofSeconds(20));
    assertThat(kinds).containsExactly(FriendStatus.Kind.OFFLINE, FriendStatus.Kind.DIRECT);
    advanceUntil(() -> online(bob, alice), Duration.ofSeconds(5));
    Friend aliceAtBob = bob.friend(alice.toxId().publicKey()).orElseThrow();
    assertThat(aliceAtBob.status().blockFirst(Duration.ofSeconds(1)).kind())
        .isEqualTo(FriendStatus.Kind.DIRECT);

    List<String> acked = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 20; i++) {
      String a = "a-" + i;
      String b = "b-" + i;
      bobAtAlice.sendMessage(a).subscribe(null, e -> {}, () -> acked.add(a));
      aliceAtBob.sendMessage(b).subscribe(null, e -> {}, () -> acked.add(b));
    }
    advanceUntil(() -> acked.size() == 40, Duration.ofSeconds(10));
    assertThat(acked).as("every send completed (acknowledged)").hasSize(40);
    assertThat(atBob).containsExactlyElementsOf(numbered("a-", 20));
    assertThat(atAlice).containsExactlyElementsOf(numbered("b-", 20));

    // online, the request is no longer pending: a saved state has none to send
    assertThat(alice.state().friends())
        .singleElement()
        .satisfies(f -> assertThat(f.requestNospam()).isNull());
    // and no more requests go out once the friend is online
    int sent = tox.requestsSent.get();
    advance(Duration.ofSeconds(20));
    assertThat(tox.requestsSent.get()).isEqualTo(sent);
    // ALIVE keeps the connection past net_crypto's 32 s idle timeout
    advance(Duration.ofSeconds(40));
    assertThat(online(alice, bob)).isTrue();
  }

  private static List<String> numbered(String prefix, int n) {
    return java.util.stream.IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
  }

  @Test
  void aRequestWithAnotherNospamIsNeverShownAndARefusedOneIsShownAgain() {
    ToxNode alice = node("alice", KeyPair.generate());
    ToxNode bob = node("bob", KeyPair.generate());
    List<FriendRequest> seen = new CopyOnWriteArrayList<>();
    bob.friendRequests().subscribe(seen::add);
    ToxId wrong = new ToxId(bob.toxId().publicKey(), bob.toxId().nospam() + 1);
    alice.addFriend(wrong, "spam?");
    advance(Duration.ofSeconds(12)); // three requests sent
    assertThat(tox.requestsSent.get()).isGreaterThanOrEqualTo(3);
    assertThat(seen).isEmpty();

    alice.removeFriend(bob.toxId().publicKey());
    alice.addFriend(bob.toxId(), "second try");
    advanceUntil(() -> !seen.isEmpty(), Duration.ofSeconds(2));
    assertThat(seen)
        .singleElement()
        .satisfies(r -> assertThat(r.message()).isEqualTo("second try"));
    advance(Duration.ofSeconds(11)); // the same sender again: shown once only
    assertThat(seen).hasSize(1);
    seen.get(0).refuse();
    advanceUntil(() -> seen.size() == 2, Duration.ofSeconds(6));
    assertThat(seen).hasSize(2);
    assertThat(bob.friends()).isEmpty();
  }

  @Test
  void aFriendThatRestartsWithANewDhtKeyIsReconnectedToTheNewKey() {
    KeyPair bobKeys = KeyPair.generate();
    ToxNode alice = node("alice", KeyPair.generate());
    ToxNode bob = node("bob", bobKeys);
    Friend bobAtAlice = alice.addFriendNoRequest(bob.toxId().publicKey());
    bob.addFriendNoRequest(alice.toxId().publicKey());
    advanceUntil(() -> online(alice, bob) && online(bob, alice), Duration.ofSeconds(20));
    CryptoConnection first = bobAtAlice.status().blockFirst(Duration.ofSeconds(1)).connection();
    assertThat(first).isNotNull();
    assertThat(bobAtAlice.dhtKey()).isEqualTo(bob.dhtKey());

    // bob restarts from its saved state, elsewhere: a new DHT key, the same friends
    ToxState saved = ToxState.fromBytes(bob.state().toBytes());
    nodes.remove(bob);
    bob.dispose();
    ToxNode bob2 = start("bob2", ToxNode.create(saved));
    assertThat(bob2.toxId()).isEqualTo(bob.toxId());
    assertThat(bob2.dhtKey()).isNotEqualTo(bob.dhtKey());

    StepVerifier.create(bobAtAlice.status().filter(FriendStatus::online))
        .then(() -> advanceUntil(() -> online(alice, bob2), Duration.ofSeconds(40)))
        .assertNext(
            s -> {
              assertThat(s.connection()).isNotSameAs(first);
              assertThat(s.connection().peerDhtKey()).isEqualTo(bob2.dhtKey());
            })
        .thenCancel()
        .verify(Duration.ofSeconds(10));
    assertThat(first.isDisposed()).isTrue();
    assertThat(bobAtAlice.dhtKey()).isEqualTo(bob2.dhtKey());
  }

  /** Alice and bob friends and online both ways (no request: each added the other). */
  private Friend[] onlinePair() {
    ToxNode alice = node("alice", KeyPair.generate());
    ToxNode bob = node("bob", KeyPair.generate());
    Friend bobAtAlice = alice.addFriendNoRequest(bob.toxId().publicKey());
    Friend aliceAtBob = bob.addFriendNoRequest(alice.toxId().publicKey());
    advanceUntil(() -> online(alice, bob) && online(bob, alice), Duration.ofSeconds(20));
    assertThat(online(alice, bob) && online(bob, alice)).as("both online").isTrue();
    return new Friend[] {bobAtAlice, aliceAtBob};
  }

  /** What a Mono did so far: "pending", "done" or the error. */
  private static AtomicReference<Object> watch(Mono<Void> m) {
    AtomicReference<Object> state = new AtomicReference<>("pending");
    m.subscribe(null, state::set, () -> state.set("done"));
    return state;
  }

  @Test
  void aMessageIsSentWhenTheFriendAcknowledgedItNotWhenItArrived() {
    Friend[] pair = onlinePair();
    List<String> atBob = new CopyOnWriteArrayList<>();
    pair[1].messages().subscribe(atBob::add);
    net.link("bob", "alice").loss(1.0); // bob gets the message, alice hears no ack
    var sent = watch(pair[0].sendMessage("hello bob"));
    advance(Duration.ofSeconds(3));
    assertThat(atBob).containsExactly("hello bob");
    assertThat(sent.get()).as("no ack heard yet").isEqualTo("pending");

    net.link("bob", "alice").loss(0.0);
    advanceUntil(() -> "done".equals(sent.get()), Duration.ofSeconds(5));
    assertThat(sent.get()).isEqualTo("done");
    assertThat(atBob).containsExactly("hello bob"); // once
  }

  @Test
  void aMessageAfterFinishIsRefusedNotCountedAsSent() {
    Friend[] pair = onlinePair();
    var finished = watch(pair[0].finish());
    advanceUntil(() -> "done".equals(finished.get()), Duration.ofSeconds(5));
    assertThat(finished.get()).isEqualTo("done");
    var sent = watch(pair[0].sendMessage("too late"));
    advance(Duration.ofMillis(10));
    assertThat(sent.get())
        .isInstanceOfSatisfying(
            IllegalStateException.class, e -> assertThat(e).hasMessageEndingWith("finished"));
  }

  @Test
  void aMessageErrorsWhenTheConnectionEndsBeforeTheAck() {
    Friend[] pair = onlinePair();
    net.partition("alice", "bob");
    var sent = watch(pair[0].sendMessage("lost"));
    advanceUntil(() -> !"pending".equals(sent.get()), Duration.ofSeconds(40)); // idle timeout
    assertThat(sent.get())
        .isInstanceOfSatisfying(
            NotAcknowledgedException.class,
            e -> assertThat(e.getMessage()).startsWith("connection ended before the peer"));
    assertThat(pair[0].status().blockFirst(Duration.ofSeconds(1)).online()).isFalse();
  }

  @Test
  void aMessageToAFriendThatIsNotOnlineIsAnErrorAndBadLengthsAreRefused() {
    ToxNode alice = node("alice", KeyPair.generate());
    Friend f = alice.addFriendNoRequest(KeyPair.generate().publicKey());
    StepVerifier.create(f.sendMessage("hello"))
        .then(() -> advance(Duration.ofMillis(10)))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not online"))
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(f.sendMessage(""))
        .expectError(IllegalArgumentException.class)
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(f.sendMessage("x".repeat(1373)))
        .expectError(IllegalArgumentException.class)
        .verify(Duration.ofSeconds(5));
    assertThatThrownBy(() -> alice.addFriend(alice.toxId(), "me"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("own key");
    assertThatThrownBy(() -> alice.addFriend(new ToxId(KeyPair.generate().publicKey(), 1), ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1..1016");
  }

  @Test
  void aSavedStateKeepsTheFriendsAndThePendingRequest() {
    ToxNode alice = node("alice", KeyPair.generate());
    ToxId bob = new ToxId(KeyPair.generate().publicKey(), 0x01020304);
    alice.addFriend(bob, "please add me");
    ToxState state = ToxState.fromBytes(alice.state().toBytes());
    assertThat(state.secretKey()).isEqualTo(alice.state().secretKey());
    assertThat(state.nospam()).isEqualTo(alice.toxId().nospam());
    assertThat(state.friends())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.publicKey()).isEqualTo(bob.publicKey());
              assertThat(f.requestNospam()).isEqualTo(0x01020304);
              assertThat(f.requestMessage()).isEqualTo("please add me");
            });
    ToxNode again = start("alice2", ToxNode.create(state));
    assertThat(again.toxId()).isEqualTo(alice.toxId());
    assertThat(again.friend(bob.publicKey())).isPresent();
  }
}
