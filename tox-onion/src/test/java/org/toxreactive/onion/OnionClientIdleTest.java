package org.toxreactive.onion;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;

/**
 * Searches for friends that never come online on a network of 4 onion nodes, 10 minutes of virtual
 * time (docs/protocol.md 13.10, "a friend's node list"; issue 13 item 7). c-toxcore's {@code
 * do_friend} asks random nodes (up to 8) on every once-a-second run while a friend's list holds at
 * most 4 live nodes. A client that is an onion node itself, as every c-toxcore instance is, finds 5
 * (the 4 and itself), so its searches back off; one that is not stays at 4 and never does.
 */
class OnionClientIdleTest {
  static final int FRIENDS = 10;
  static final int SECONDS = 600;

  /**
   * The most requests c-toxcore's rule sends per offline friend in 600 s with 5 nodes: the first 5
   * rounds (20 requests) at 3 s, then rounds of 4 at 16, 32, 64, 128 s (16 more, ~255 s in), then
   * 256 s (at most 8 in the remaining 345 s with requests 64 s apart), random requests to the path
   * nodes known (at most 8) each second for the few seconds the list is filling (at most 10 s: 80),
   * and the 600 s repopulation (8). Total 132; 150 leaves room for rounding of the one-second runs.
   */
  static final long MAX_PER_FRIEND = 150;

  /**
   * From 300 s on (run count 9 and more: intervals of 128 s and more, requests at least 32 s
   * apart): at most 300 / 32 + 1 = 10 requests, and the repopulation at 600 s (8).
   */
  static final long MAX_PER_FRIEND_LAST_5_MINUTES = 20;

  private static List<PublicKey> offlineFriends(ClientNet.Client c) {
    List<PublicKey> friends = new ArrayList<>();
    for (int i = 0; i < FRIENDS; i++) {
      PublicKey k = KeyPair.generate().publicKey();
      assertThat(c.core.addFriend(k)).isTrue();
      friends.add(k);
    }
    return friends;
  }

  /**
   * Steps {@code net} for {@link #SECONDS} virtual seconds; returns each friend's search requests
   * counted at the half-way second.
   */
  private static long[] runCountingAtHalf(
      ClientNet net, ClientNet.Client c, List<PublicKey> friends) {
    long[] atHalf = new long[FRIENDS];
    for (int s = 1; s <= SECONDS; s++) {
      net.step();
      if (s == SECONDS / 2) {
        for (int i = 0; i < FRIENDS; i++) {
          atHalf[i] = c.core.searchRequests(friends.get(i));
        }
      }
    }
    return atHalf;
  }

  @Test
  void aClientThatIsAnOnionNodeFindsItselfAndBacksOffOnFourNodes() {
    ClientNet net = new ClientNet(4);
    ClientNet.Client c = net.hostingClient(30001);
    List<PublicKey> friends = offlineFriends(c);
    long[] atHalf = runCountingAtHalf(net, c, friends);
    for (int i = 0; i < FRIENDS; i++) {
      PublicKey f = friends.get(i);
      assertThat(c.core.friendListNodes(f, net.now))
          .as("live nodes in friend %d's list", i)
          .isEqualTo(5);
      long total = c.core.searchRequests(f);
      assertThat(total)
          .as("requests searching friend %d in %d s", i, SECONDS)
          .isBetween(20L, MAX_PER_FRIEND);
      assertThat(total - atHalf[i])
          .as("requests searching friend %d after 300 s", i)
          .isLessThanOrEqualTo(MAX_PER_FRIEND_LAST_5_MINUTES);
    }
  }

  @Test
  void aClientThatIsNoOnionNodeKnowsFourAndAsksRandomNodesEverySecond() {
    ClientNet net = new ClientNet(4);
    ClientNet.Client c = net.client(30001);
    List<PublicKey> friends = offlineFriends(c);
    long[] atHalf = runCountingAtHalf(net, c, friends);
    for (int i = 0; i < FRIENDS; i++) {
      PublicKey f = friends.get(i);
      assertThat(c.core.friendListNodes(f, net.now)).isEqualTo(4);
      // random requests on every run, to min(path nodes known, 8) = 4 nodes here: what the 4-node
      // benchmark measured before ToxNode hosted an onion node (docs/protocol.md 13.10)
      assertThat(c.core.searchRequests(f) - atHalf[i]).isGreaterThanOrEqualTo(4L * (SECONDS / 2));
    }
  }
}
