package org.toxreactive.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Path;
import org.toxreactive.core.transport.PathEvent;

/**
 * The relay pool's rules without sockets, threads or clocks: every input is a method call and every
 * output is recorded, so each rule of {@link RelayPool}'s javadoc is checked exactly. The same
 * rules run over real relays in tox-relay-server's RelayPoolTest (integration).
 */
class RelayPoolRulesTest {
  /** What the rules asked for, in order, as readable lines. */
  private final List<String> out = new ArrayList<>();

  private final List<PathEvent> events = new ArrayList<>();
  private int readies;

  private final RelayPoolRules.Output recorder =
      new RelayPoolRules.Output() {
        @Override
        public void startLink(RelayAddress relay, long instance) {
          out.add("start " + name(relay.publicKey()) + "#" + instance);
        }

        @Override
        public void stopLink(PublicKey relay, long instance) {
          out.add("stop " + name(relay) + "#" + instance);
        }

        @Override
        public void requestRoute(PublicKey relay, long link, PublicKey peer) {
          out.add("route " + name(peer) + " on " + name(relay) + "/" + link);
        }

        @Override
        public void release(PublicKey relay, long link, int connectionId) {
          out.add("release " + connectionId + " on " + name(relay) + "/" + link);
        }

        @Override
        public void pathEvent(PathEvent event) {
          events.add(event);
        }

        @Override
        public void ready() {
          readies++;
        }
      };

  private static PublicKey key(int n) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) n);
    return PublicKey.of(b);
  }

  /** Relays are r0..r9 (keys 0..9), peers p0..p9 (keys 100..109). */
  private static PublicKey r(int i) {
    return key(i);
  }

  private static PublicKey p(int i) {
    return key(100 + i);
  }

  private static String name(PublicKey k) {
    int n = k.toArray()[0] & 0xff;
    return n >= 100 ? "p" + (n - 100) : "r" + n;
  }

  private static List<RelayAddress> relays(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> RelayAddress.of("127.0.0.1", 1000 + i, r(i)))
        .toList();
  }

  private RelayPoolRules rules(int relays, int active) {
    RelayPoolRules rules = new RelayPoolRules(relays(relays), active, recorder);
    assertThat(out).as("nothing before start()").isEmpty();
    rules.start();
    return rules;
  }

  /** Returns the recorded outputs and forgets them. */
  private List<String> took() {
    List<String> copy = List.copyOf(out);
    out.clear();
    return copy;
  }

  private List<PathEvent> tookEvents() {
    List<PathEvent> copy = List.copyOf(events);
    events.clear();
    return copy;
  }

  private static PathEvent down(int relay, int peer, String reason) {
    return PathEvent.down(Path.relay(r(relay), p(peer)), reason);
  }

  private static PathEvent up(int relay, int peer) {
    return PathEvent.up(Path.relay(r(relay), p(peer)));
  }

  private static PeerRoute.State state(RelayPoolRules rules, int relay, int peer) {
    RelayPoolRules.Relay x = rules.active(r(relay));
    assertThat(x).as("r%d is active", relay).isNotNull();
    RelayPoolRules.Route route = x.route(p(peer));
    return route == null ? null : route.state(x.link());
  }

  @Test
  void theFirstActiveRelaysStartAndTheRestWait() {
    RelayPoolRules rules = rules(4, 3);
    assertThat(took()).containsExactly("start r0#1", "start r1#2", "start r2#3");
    assertThat(rules.isSpare(r(3))).isTrue();
    assertThat(rules.active(r(3))).isNull();
    assertThat(rules.statuses())
        .extracting(RelayStatus::role)
        .containsExactly(
            RelayStatus.Role.ACTIVE,
            RelayStatus.Role.ACTIVE,
            RelayStatus.Role.ACTIVE,
            RelayStatus.Role.SPARE);
  }

  @Test
  void readyOnceWhenTheFirstLinkComesUp() {
    RelayPoolRules rules = rules(2, 2);
    assertThat(readies).isZero();
    rules.linkUp(r(1), 2, 10);
    assertThat(readies).isOne();
    rules.linkUp(r(0), 1, 11);
    rules.linkDown(r(1), 2, 10, "reset");
    rules.linkUp(r(1), 2, 12);
    assertThat(readies).as("once in the pool's life").isOne();
  }

  @Test
  void aRouteGoesRequestedRegisteredOnlineAndBack() {
    RelayPoolRules rules = rules(1, 1);
    took();
    assertThat(rules.route(p(1))).isOne();
    assertThat(took()).as("link down: nothing to send yet").isEmpty();
    assertThat(state(rules, 0, 1)).isEqualTo(PeerRoute.State.REQUESTED);

    rules.linkUp(r(0), 1, 7);
    assertThat(took()).containsExactly("route p1 on r0/7");
    rules.routeAssigned(r(0), 7, p(1), 16);
    assertThat(state(rules, 0, 1)).isEqualTo(PeerRoute.State.REGISTERED);
    assertThat(tookEvents()).isEmpty();

    rules.peerOnline(r(0), 7, 16, p(1));
    rules.peerOnline(r(0), 7, 16, p(1)); // a repeated notification is not a second event
    assertThat(state(rules, 0, 1)).isEqualTo(PeerRoute.State.ONLINE);
    assertThat(rules.active(r(0)).route(p(1)).connectionId()).isEqualTo(16);
    assertThat(tookEvents()).containsExactly(up(0, 1));

    rules.peerOffline(r(0), 7, 16, p(1));
    rules.peerOffline(r(0), 7, 16, p(1));
    assertThat(state(rules, 0, 1)).isEqualTo(PeerRoute.State.REGISTERED);
    assertThat(tookEvents()).containsExactly(down(0, 1, "peer went offline on the relay"));
    assertThat(took()).isEmpty();
  }

  @Test
  void aPeerIsRoutedOnSixRelaysAtMost() {
    RelayPoolRules rules = rules(8, 8);
    IntStream.range(0, 8).forEach(i -> rules.linkUp(r(i), i + 1, 100 + i));
    took();
    assertThat(rules.route(p(1))).isEqualTo(RelayPool.MAX_RELAYS_PER_PEER);
    assertThat(took())
        .containsExactly(
            "route p1 on r0/100",
            "route p1 on r1/101",
            "route p1 on r2/102",
            "route p1 on r3/103",
            "route p1 on r4/104",
            "route p1 on r5/105");
    assertThat(rules.route(p(1))).as("again: nothing more").isEqualTo(6);
    rules.autoRoute(r(7), p(1)); // a send via the seventh relay does not exceed the limit
    assertThat(took()).isEmpty();
    assertThat(state(rules, 7, 1)).isNull();
  }

  @Test
  void aLinkGoingDownTakesItsRoutesDownAndTheNextLinkRequestsThemAgain() {
    RelayPoolRules rules = rules(1, 1);
    rules.linkUp(r(0), 1, 7);
    rules.route(p(1));
    rules.route(p(2));
    rules.routeAssigned(r(0), 7, p(1), 16);
    rules.peerOnline(r(0), 7, 16, p(1));
    rules.sleep(p(2));
    took();
    tookEvents();

    rules.linkDown(r(0), 1, 6, "an older link"); // not the live one: nothing happens
    assertThat(tookEvents()).isEmpty();
    rules.linkDown(r(0), 1, 7, "connection reset");
    assertThat(tookEvents())
        .as("every awake route, online or not; not the sleeping one")
        .containsExactly(down(0, 1, "relay link closed: connection reset"));
    assertThat(state(rules, 0, 1)).isEqualTo(PeerRoute.State.REQUESTED);
    assertThat(state(rules, 0, 2)).isEqualTo(PeerRoute.State.SLEEPING);
    assertThat(rules.statuses().get(0).note()).isEqualTo("connection reset");
    assertThat(rules.statuses().get(0).connected()).isFalse();

    rules.routeAssigned(r(0), 7, p(1), 16); // late, from the closed link: ignored
    assertThat(state(rules, 0, 1)).isEqualTo(PeerRoute.State.REQUESTED);

    rules.linkUp(r(0), 1, 8);
    assertThat(took()).containsExactly("route p1 on r0/8");
    assertThat(rules.statuses().get(0).connects()).isEqualTo(2);
    assertThat(rules.statuses().get(0).note()).isEmpty();
  }

  @Test
  void anAssignmentNobodyWantsIsReleased() {
    RelayPoolRules rules = rules(1, 1);
    rules.linkUp(r(0), 1, 7);
    rules.route(p(1));
    rules.sleep(p(1)); // asleep while the request was out
    took();
    rules.routeAssigned(r(0), 7, p(1), 16);
    rules.peerOnline(r(0), 7, 17, p(9)); // never wanted
    assertThat(took()).containsExactly("release 16 on r0/7", "release 17 on r0/7");
    assertThat(tookEvents()).isEmpty();
  }

  @Test
  void sleepReleasesAndWakeRequestsAgain() {
    RelayPoolRules rules = rules(2, 2);
    rules.linkUp(r(0), 1, 7);
    rules.route(p(1));
    rules.routeAssigned(r(0), 7, p(1), 16);
    rules.peerOnline(r(0), 7, 16, p(1));
    took();
    tookEvents();

    rules.sleep(p(1));
    assertThat(took()).containsExactly("release 16 on r0/7");
    assertThat(tookEvents()).containsExactly(down(0, 1, "peer asleep: reachable directly"));
    assertThat(state(rules, 0, 1)).isEqualTo(PeerRoute.State.SLEEPING);
    assertThat(state(rules, 1, 1)).isEqualTo(PeerRoute.State.SLEEPING);
    rules.sleep(p(1));
    assertThat(took()).isEmpty();

    rules.wake(p(1));
    assertThat(took())
        .as("r1's link is down: requested when it comes up")
        .containsExactly("route p1 on r0/7");
    rules.linkUp(r(1), 2, 9);
    assertThat(took()).containsExactly("route p1 on r1/9");
  }

  @Test
  void aSendToASleepingPeerMakesASleepingRoute() {
    RelayPoolRules rules = rules(2, 1);
    rules.linkUp(r(0), 1, 7);
    rules.route(p(1));
    rules.sleep(p(1));
    rules.unroute(p(2));
    took();
    rules.autoRoute(r(0), p(3));
    assertThat(took()).containsExactly("route p3 on r0/7");
    rules.autoRoute(r(1), p(3)); // a spare: not active, nothing
    assertThat(took()).isEmpty();
    assertThat(rules.active(r(0)).route(p(1)).sleeping()).isTrue();
  }

  @Test
  void oneVerdictGivesUpOnePathTwoDropTheRelayAndTheSpareTakesItsPeers() {
    RelayPoolRules rules = rules(3, 2);
    rules.linkUp(r(0), 1, 7);
    rules.route(p(1));
    rules.route(p(2));
    rules.route(p(3));
    rules.sleep(p(3));
    rules.routeAssigned(r(0), 7, p(1), 16);
    rules.routeAssigned(r(0), 7, p(2), 17);
    rules.peerOnline(r(0), 7, 16, p(1));
    took();
    tookEvents();

    rules.pathFailed(r(0), p(9), "garbage from a stranger"); // not routed here: no evidence
    rules.pathFailed(r(0), p(1), "bad data");
    assertThat(took()).containsExactly("release 16 on r0/7");
    assertThat(tookEvents())
        .containsExactly(
            down(0, 9, "path given up: garbage from a stranger"),
            down(0, 1, "path given up: bad data"));
    assertThat(state(rules, 0, 1)).isNull();
    assertThat(rules.active(r(0)).givenUpReason(p(1))).isEqualTo("bad data");
    assertThat(rules.route(p(1))).as("not made again on r0; still on r1").isOne();
    assertThat(state(rules, 0, 1)).isNull();
    took();

    rules.pathFailed(r(0), p(2), "bad again"); // p1 (routed then) and p2: two peers
    assertThat(rules.active(r(0))).isNull();
    assertThat(rules.isSpare(r(0))).isFalse();
    assertThat(took()).containsExactly("stop r0#1", "start r2#3");
    assertThat(tookEvents())
        .as("the relay was up: every awake peer wanted on it goes down")
        .containsExactly(
            down(0, 2, "relay dropped: paths to 2 peers failed, last: bad again"),
            down(0, 1, "relay dropped: paths to 2 peers failed, last: bad again"));
    // the spare takes every peer of the dropped relay, the blamed ones and the sleeper included
    assertThat(state(rules, 2, 1)).isEqualTo(PeerRoute.State.REQUESTED);
    assertThat(state(rules, 2, 2)).isEqualTo(PeerRoute.State.REQUESTED);
    assertThat(state(rules, 2, 3)).isEqualTo(PeerRoute.State.SLEEPING);
    assertThat(rules.statuses())
        .extracting(s -> name(s.address().publicKey()) + " " + s.role())
        .containsExactly("r1 ACTIVE", "r2 ACTIVE", "r0 DROPPED");

    rules.linkUp(r(0), 1, 8); // the dropped relay's late link: ignored (the I/O layer closes it)
    rules.linkUp(r(2), 3, 9);
    assertThat(took()).containsExactly("route p2 on r2/9", "route p1 on r2/9");
  }

  @Test
  void theRelaysOwnKeyDropsItAtOnce() {
    RelayPoolRules rules = rules(2, 1);
    rules.route(p(1));
    took();
    rules.dropRelay(r(0), "operator said so");
    assertThat(took()).containsExactly("stop r0#1", "start r1#2");
    assertThat(tookEvents()).as("the link was not up: nothing was usable").isEmpty();
    assertThat(state(rules, 1, 1)).isEqualTo(PeerRoute.State.REQUESTED);
    rules.dropRelay(r(0), "again");
    assertThat(took()).isEmpty();
  }

  @Test
  void anUnreachableRelayGoesToTheBackOfTheSparesAndComesBackAsANewStint() {
    RelayPoolRules rules = rules(3, 2);
    rules.route(p(1));
    took();
    rules.exhausted(r(0), 1, "connection refused");
    assertThat(took()).containsExactly("stop r0#1", "start r2#3");
    assertThat(rules.isSpare(r(0))).isTrue();
    assertThat(rules.statuses())
        .extracting(s -> name(s.address().publicKey()) + " " + s.role() + " " + s.note())
        .containsExactly(
            "r1 ACTIVE ", "r2 ACTIVE ", "r0 SPARE relay unreachable: connection refused");

    rules.exhausted(r(2), 3, "timeout");
    assertThat(took())
        .as("r0 is back, under a new instance")
        .containsExactly("stop r2#3", "start r0#4");
    rules.exhausted(r(0), 1, "late report of the first stint"); // ignored
    rules.linkUp(r(0), 1, 5); // so is a link of the first stint
    assertThat(took()).isEmpty();
    assertThat(rules.active(r(0)).link()).isZero();
    assertThat(state(rules, 0, 1)).as("r0 took r2's peers").isEqualTo(PeerRoute.State.REQUESTED);
  }

  @Test
  void withoutASpareAnUnreachableRelayIsNotReplacedByItself() {
    RelayPoolRules rules = rules(1, 1);
    took();
    rules.exhausted(r(0), 1, "refused");
    assertThat(took()).containsExactly("stop r0#1");
    assertThat(rules.activeCount()).isZero();
    assertThat(rules.spareCount()).isOne();
  }

  @Test
  void closeStopsEveryLinkAndThenNothingHappens() {
    RelayPoolRules rules = rules(3, 2);
    rules.linkUp(r(0), 1, 7);
    rules.route(p(1));
    took();
    rules.close();
    assertThat(took()).containsExactly("stop r0#1", "stop r1#2");
    rules.close();
    rules.route(p(2));
    rules.linkUp(r(1), 2, 8);
    rules.pathFailed(r(0), p(1), "x");
    rules.exhausted(r(1), 2, "y");
    assertThat(took()).isEmpty();
    assertThat(tookEvents()).isEmpty();
    assertThat(rules.activeCount()).isZero();
    assertThat(rules.spareCount()).isZero();
  }

  @Test
  void unrouteReleasesAnOnlineRouteAndItIsNotRequestedAgain() {
    RelayPoolRules rules = rules(1, 1);
    rules.linkUp(r(0), 1, 7);
    rules.route(p(1));
    rules.routeAssigned(r(0), 7, p(1), 20);
    rules.peerOnline(r(0), 7, 20, p(1));
    took();
    tookEvents();
    rules.unroute(p(1));
    assertThat(took()).containsExactly("release 20 on r0/7");
    assertThat(tookEvents()).containsExactly(down(0, 1, "route released"));
    rules.linkDown(r(0), 1, 7, "reset");
    rules.linkUp(r(0), 1, 8);
    assertThat(took()).isEmpty();
    assertThat(rules.route(p(1))).as("unlike a verdict, unroute does not forbid it").isOne();
  }

  // ---------------------------------------------------------------- growing (addRelay)

  private static RelayAddress addr(int i) {
    return RelayAddress.of("127.0.0.1", 1000 + i, r(i));
  }

  @Test
  void anAddedRelayBecomesActiveWhileThereIsRoomAndCarriesTheRoutedPeers() {
    RelayPoolRules rules = rules(1, 3);
    rules.linkUp(r(0), 1, 7);
    rules.route(p(1));
    rules.route(p(2));
    rules.sleep(p(2));
    took();
    assertThat(rules.addRelay(addr(1))).isEqualTo(RelayPoolRules.Added.ACTIVE);
    assertThat(took()).containsExactly("start r1#2");
    assertThat(state(rules, 1, 1)).isEqualTo(PeerRoute.State.REQUESTED);
    assertThat(state(rules, 1, 2))
        .as("asleep elsewhere: asleep here")
        .isEqualTo(PeerRoute.State.SLEEPING);
    rules.linkUp(r(1), 2, 8);
    assertThat(took()).as("only the awake peer is requested").containsExactly("route p1 on r1/8");
    rules.unroute(p(1));
    took();
    assertThat(rules.addRelay(addr(2))).isEqualTo(RelayPoolRules.Added.ACTIVE);
    assertThat(state(rules, 2, 1)).as("an unrouted peer is not wanted on a new relay").isNull();
  }

  @Test
  void addingAKnownRelayChangesNothing() {
    RelayPoolRules rules = rules(4, 3);
    took();
    assertThat(rules.addRelay(addr(0))).isEqualTo(RelayPoolRules.Added.KNOWN);
    assertThat(rules.addRelay(addr(3))).as("a spare").isEqualTo(RelayPoolRules.Added.KNOWN);
    rules.dropRelay(r(1), "bad");
    took();
    assertThat(rules.addRelay(addr(1)))
        .as("dropped for good stays dropped")
        .isEqualTo(RelayPoolRules.Added.KNOWN);
    assertThat(took()).isEmpty();
    assertThat(rules.statuses()).hasSize(4);
  }

  @Test
  void theActiveSetFullAnAddedRelayWaitsAsASpareUpToTheCap() {
    RelayPoolRules rules = rules(2, 2);
    IntStream.range(0, 2).forEach(i -> rules.linkUp(r(i), i + 1, 100 + i));
    took();
    for (int i = 2; i < RelayPool.MAX_RELAYS; i++) {
      assertThat(rules.addRelay(addr(i))).isEqualTo(RelayPoolRules.Added.SPARE);
    }
    assertThat(took()).as("spares do not connect").isEmpty();
    assertThat(rules.statuses()).hasSize(RelayPool.MAX_RELAYS);
    assertThat(rules.addRelay(RelayAddress.of("127.0.0.1", 2000, key(99))))
        .as("full of live relays")
        .isEqualTo(RelayPoolRules.Added.FULL);
    assertThat(rules.statuses()).hasSize(RelayPool.MAX_RELAYS);
    assertThat(rules.isSpare(key(99))).isFalse();
  }

  @Test
  void anAddedRelayTakesTheActivePlaceOfADeadOneAndItsPeers() {
    RelayPoolRules rules = rules(2, 2);
    rules.linkUp(r(0), 1, 100);
    rules.linkUp(r(1), 2, 101);
    rules.route(p(1));
    rules.routeAssigned(r(0), 100, p(1), 16);
    rules.peerOnline(r(0), 100, 16, p(1));
    rules.linkDown(r(0), 1, 100, "connection refused");
    took();
    tookEvents();
    assertThat(rules.addRelay(addr(5))).isEqualTo(RelayPoolRules.Added.REPLACED_ACTIVE);
    assertThat(took()).containsExactly("stop r0#1", "start r5#3");
    assertThat(rules.active(r(0))).isNull();
    assertThat(rules.isSpare(r(0))).as("the dead one waits at the back").isTrue();
    assertThat(state(rules, 5, 1))
        .as("its peers move to the new relay")
        .isEqualTo(PeerRoute.State.REQUESTED);
    assertThat(tookEvents()).as("its link was down already").isEmpty();
    // a relay that is merely connecting for the first time is not dead
    rules.addRelay(addr(6));
    assertThat(rules.active(r(5))).isNotNull();
    assertThat(rules.isSpare(r(6))).isTrue();
  }

  @Test
  void theCapReachedAnAddedRelayReplacesADeadSpare() {
    RelayPoolRules rules = rules(RelayPool.MAX_RELAYS, 1);
    rules.exhausted(r(0), 1, "unreachable"); // r0 to the back of the spares, r1 active
    rules.linkUp(r(1), 2, 100);
    took();
    assertThat(rules.isSpare(r(0))).isTrue();
    assertThat(rules.addRelay(addr(40))).isEqualTo(RelayPoolRules.Added.REPLACED_SPARE);
    assertThat(rules.isSpare(r(0))).as("the dead spare is forgotten").isFalse();
    assertThat(rules.isSpare(key(40))).isTrue();
    assertThat(rules.statuses()).hasSize(RelayPool.MAX_RELAYS);
    assertThat(rules.statuses()).extracting(s -> s.address().publicKey()).doesNotContain(r(0));
    assertThat(rules.addRelay(addr(41)))
        .as("no dead spare left")
        .isEqualTo(RelayPoolRules.Added.FULL);
    assertThat(took()).isEmpty();
  }

  @Test
  void relaysAddedToAnEmptyPoolStartWithStartOrAtOnce() {
    RelayPoolRules rules = new RelayPoolRules(List.of(), 2, recorder);
    assertThat(rules.addRelay(addr(0))).isEqualTo(RelayPoolRules.Added.ACTIVE);
    assertThat(took()).as("not before start()").isEmpty();
    rules.start();
    assertThat(took()).containsExactly("start r0#1");
    assertThat(rules.addRelay(addr(1))).isEqualTo(RelayPoolRules.Added.ACTIVE);
    assertThat(took()).containsExactly("start r1#2");
    rules.close();
    took();
    assertThat(rules.addRelay(addr(2))).isEqualTo(RelayPoolRules.Added.CLOSED);
    assertThat(took()).isEmpty();
  }
}
