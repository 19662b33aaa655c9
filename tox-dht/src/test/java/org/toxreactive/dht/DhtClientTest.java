package org.toxreactive.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.Path;
import org.toxreactive.dht.packet.DhtPacketKind;
import reactor.core.Disposable;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * {@link DhtClient}s on a simulated UDP network ({@link LoopNet}) on virtual time: bootstrap, the
 * friend search, hole punching through NATs, the DHT route, hostile input.
 */
class DhtClientTest {
  private static final Duration VERIFY = Duration.ofSeconds(30);

  private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
  private final LoopNet net = new LoopNet(vts, 13);
  private final List<DhtClient> clients = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(DhtClient::dispose);
    vts.dispose();
  }

  private DhtClient client(LoopNet.Host host, DhtConfig config) {
    DhtClient c = host.client(config);
    clients.add(c);
    return c;
  }

  /** {@code n} public nodes at 1.0.0.i:33445, all bootstrapped from the first. */
  private List<DhtClient> publicNodes(int n, DhtConfig config) {
    List<DhtClient> nodes = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      DhtClient c = client(net.host(LoopNet.ip("1.0.0." + i, 33445)), config);
      if (!nodes.isEmpty()) {
        c.bootstrap(LoopNet.ip("1.0.0.1", 33445), nodes.get(0).publicKey());
      }
      nodes.add(c);
    }
    return nodes;
  }

  private void advance(Duration d) {
    vts.advanceTimeBy(d);
  }

  @Test
  void bootstrapFromOneNodeConvergesToAFullCloseList() {
    List<DhtClient> nodes = publicNodes(12, DhtConfig.defaults());
    assertThat(nodes.get(5).connected()).isFalse();
    advance(Duration.ofSeconds(30));
    long now = vts.now(java.util.concurrent.TimeUnit.MILLISECONDS);
    int stored = 0;
    for (DhtClient c : nodes) {
      assertThat(c.connected()).as("connected").isTrue();
      List<DhtClient> nearest =
          nodes.stream()
              .filter(o -> o != c)
              .sorted((x, y) -> Distance.compare(c.publicKey(), x.publicKey(), y.publicKey()))
              .limit(4)
              .toList();
      for (DhtClient other : nearest) {
        {
          // the 4 nodes closest to each are in its list (unless a bucket is full of good nodes)
          boolean in = c.inspect(core -> core.closeList().find(other.publicKey()) != null);
          boolean full = c.inspect(core -> !core.closeList().addable(other.publicKey(), now));
          assertThat(in || full).as("%s knows %s", c.publicKey(), other.publicKey()).isTrue();
          stored += in ? 1 : 0;
        }
      }
    }
    assertThat(stored).isEqualTo(12 * 4);
    int total = 0;
    for (DhtClient c : nodes) {
      total += c.inspect(core -> core.closeList().size());
    }
    assertThat(total).as("pairs known").isGreaterThan(12 * 11 * 3 / 4);
    assertThat(net.lost).isZero();
    // and the random-key lists feed onion paths
    assertThat(nodes.get(3).randomNodes(3)).hasSize(3).doesNotHaveDuplicates();
    DhtClient asker = nodes.get(2);
    PublicKey target =
        nodes.stream()
            .filter(o -> o != asker)
            .map(DhtClient::publicKey)
            .min((x, y) -> Distance.compare(asker.publicKey(), x, y))
            .orElseThrow(); // the node closest to it: known, by the check above
    List<PackedNode> closest = asker.closest(target, 4);
    assertThat(closest).hasSize(4);
    assertThat(closest.get(0).key()).isEqualTo(target);
    for (int i = 1; i < closest.size(); i++) {
      assertThat(Distance.compare(target, closest.get(i - 1).key(), closest.get(i).key()))
          .isNegative();
    }
  }

  @Test
  void aTrackedKeyIsFoundWithItsAddressByAClientThatNeverTalkedToIt() {
    List<DhtClient> nodes = publicNodes(10, DhtConfig.defaults());
    IpPort bAddress = LoopNet.ip("2.0.0.2", 5000);
    DhtClient a = client(net.host(LoopNet.ip("2.0.0.1", 5000)), DhtConfig.defaults());
    DhtClient b = client(net.host(bAddress), DhtConfig.defaults());
    a.bootstrap(LoopNet.ip("1.0.0.3", 33445), nodes.get(2).publicKey());
    b.bootstrap(LoopNet.ip("1.0.0.9", 33445), nodes.get(8).publicKey());
    advance(Duration.ofSeconds(20));
    assertThat(a.friendAddress(b.publicKey())).isEmpty();
    Disposable search = a.track(b.publicKey());
    StepVerifier.withVirtualTime(() -> a.friendAddresses().take(1), () -> vts, Long.MAX_VALUE)
        .thenAwait(Duration.ofSeconds(10))
        .expectNext(new FriendAddress(b.publicKey(), bAddress))
        .thenCancel()
        .verify(VERIFY);
    assertThat(a.friendAddress(b.publicKey())).contains(bAddress);
    search.dispose();
    assertThat(a.friendAddress(b.publicKey())).isEmpty(); // no longer tracked
  }

  @Test
  void hostileInputIsCountedAndDropped() {
    LoopNet.Host h = net.host(LoopNet.ip("1.0.0.1", 1));
    DhtClient c = client(h, DhtConfig.defaults());
    IpPort from = LoopNet.ip("9.9.9.9", 9);
    java.net.InetSocketAddress src = new java.net.InetSocketAddress(from.address(), from.port());
    h.inbound.offer(new Datagram(Path.udp(src), Bytes.of((byte) 0x20, (byte) 1)));
    h.inbound.offer(new Datagram(Path.udp(src), Bytes.of((byte) 0x02)));
    h.inbound.offer(new Datagram(Path.udp(src), Bytes.EMPTY));
    h.inbound.offer(new Datagram(Path.udp(src), Bytes.of((byte) 0x77)));
    h.inbound.offer(
        new Datagram(
            Path.udp(java.net.InetSocketAddress.createUnresolved("x", 1)), Bytes.of((byte) 0)));
    assertThat(c.stats().dropped(DhtDrop.MALFORMED)).isEqualTo(4);
    assertThat(c.ignored()).isEqualTo(1);
    assertThat(c.stats().received(DhtPacketKind.CRYPTO)).isEqualTo(1);
    assertThatThrownBy(() -> c.sendToFriend(c.publicKey(), 254, Bytes.EMPTY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("254");
    assertThatThrownBy(() -> c.sendToFriend(c.publicKey(), 156, Bytes.of(new byte[919])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("919 bytes");
    assertThatThrownBy(() -> c.track(c.publicKey()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("own");
  }

  /** Two clients behind NATs (public 5.0.0.1 and 6.0.0.1) tracking each other, 8 public nodes. */
  private DhtClient[] natPair(boolean symmetricB, boolean punch) {
    List<DhtClient> nodes = publicNodes(8, DhtConfig.defaults());
    LoopNet.Nat na = net.nat("5.0.0.1", false);
    LoopNet.Nat nb = net.nat("6.0.0.1", symmetricB);
    DhtClient a = client(net.host(LoopNet.ip("192.168.1.2", 33445), na), DhtConfig.defaults());
    DhtClient b = client(net.host(LoopNet.ip("192.168.7.9", 33445), nb), DhtConfig.defaults());
    a.holePunching(punch);
    b.holePunching(punch);
    a.bootstrap(LoopNet.ip("1.0.0.2", 33445), nodes.get(1).publicKey());
    b.bootstrap(LoopNet.ip("1.0.0.5", 33445), nodes.get(4).publicKey());
    a.track(b.publicKey());
    b.track(a.publicKey());
    return new DhtClient[] {a, b};
  }

  @Test
  void twoClientsBehindConeNatsFindEachOtherByHolePunching() {
    DhtClient[] ab = natPair(false, true);
    DhtClient a = ab[0];
    DhtClient b = ab[1];
    StepVerifier.withVirtualTime(
            () -> a.friendAddresses().take(1).map(f -> f.address().address()),
            () -> vts,
            Long.MAX_VALUE)
        .thenAwait(Duration.ofSeconds(60))
        .expectNext(LoopNet.ip("6.0.0.1", 0).address())
        .thenCancel()
        .verify(VERIFY);
    advance(Duration.ofSeconds(5));
    assertThat(b.friendAddress(a.publicKey()))
        .hasValueSatisfying(
            x -> assertThat(x.address()).isEqualTo(net.nat("5.0.0.1", false).publicIp));
    assertThat(net.filtered).as("the NATs dropped the first tries").isPositive();
  }

  @Test
  void behindASymmetricNatOnlyPortGuessingFindsTheFriend() {
    DhtClient[] ab = natPair(true, true);
    DhtClient a = ab[0];
    DhtClient b = ab[1];
    StepVerifier.withVirtualTime(
            () -> a.friendAddresses().take(1).map(f -> f.address().address()),
            () -> vts,
            Long.MAX_VALUE)
        .thenAwait(Duration.ofSeconds(90))
        .expectNext(LoopNet.ip("6.0.0.1", 0).address())
        .thenCancel()
        .verify(VERIFY);
    advance(Duration.ofSeconds(5));
    assertThat(b.friendAddress(a.publicKey())).isPresent();
    // a walked B's reported ports with 48-ping rounds, far more pings than the nodes alone get
    assertThat(a.stats().sent(DhtPacketKind.PING_REQUEST)).isGreaterThan(48);
  }

  @Test
  void withoutPunchingASymmetricNatHidesTheFriendButNatPingsAndTheDhtRouteStillWork() {
    DhtClient[] ab = natPair(true, false);
    DhtClient a = ab[0];
    DhtClient b = ab[1];
    advance(Duration.ofSeconds(90));
    assertThat(a.friendAddress(b.publicKey())).isEmpty();
    assertThat(b.friendAddress(a.publicKey())).isEmpty();
    // NAT pings went both ways through the nodes (each answered with a response)
    assertThat(a.stats().received(DhtPacketKind.CRYPTO)).isGreaterThanOrEqualTo(2);
    assertThat(b.stats().received(DhtPacketKind.CRYPTO)).isGreaterThanOrEqualTo(2);
    long heard = a.inspect(core -> core.tracked().get(2).nat.receivedPingTimestamp);
    assertThat(heard).isGreaterThan(Assoc.NEVER);

    Bytes payload = Bytes.ofUtf8("a DHT-PK announcement, as far as the DHT knows");
    StepVerifier.withVirtualTime(() -> b.cryptoRequests().take(1), () -> vts, Long.MAX_VALUE)
        .then(() -> assertThat(a.sendToFriend(b.publicKey(), DhtRequest.DHTPK, payload)).isTrue())
        .thenAwait(Duration.ofSeconds(1))
        .assertNext(
            r -> {
              assertThat(r.sender()).isEqualTo(a.publicKey());
              assertThat(r.kind()).isEqualTo(156);
              assertThat(r.payload()).isEqualTo(payload);
              assertThat(r.source().address().getHostAddress()).startsWith("1.0.0."); // a node
            })
        .expectComplete()
        .verify(VERIFY);
    // an untracked key has no route
    assertThat(a.sendToFriend(KeyPair.generate().publicKey(), 156, payload)).isFalse();
  }

  @Test
  void aFriendReachedDirectlyIsNotRoutedThroughTheDht() {
    List<DhtClient> nodes = publicNodes(8, DhtConfig.defaults());
    DhtClient a = client(net.host(LoopNet.ip("2.0.0.1", 1)), DhtConfig.defaults());
    DhtClient b = client(net.host(LoopNet.ip("2.0.0.2", 1)), DhtConfig.defaults());
    a.bootstrap(LoopNet.ip("1.0.0.1", 33445), nodes.get(0).publicKey());
    b.bootstrap(LoopNet.ip("1.0.0.1", 33445), nodes.get(0).publicKey());
    a.track(b.publicKey());
    advance(Duration.ofSeconds(30));
    assertThat(a.friendAddress(b.publicKey())).contains(LoopNet.ip("2.0.0.2", 1));
    assertThat(a.sendToFriend(b.publicKey(), 156, Bytes.of((byte) 1))).isFalse();
  }
}
