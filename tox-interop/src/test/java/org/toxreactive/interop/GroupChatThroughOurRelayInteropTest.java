package org.toxreactive.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.relay.RelayLimits;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;

/**
 * NGC group chats (c-toxcore 0.2.19 and later) through our relays only: three unmodified TCP-only
 * c-toxcore clients (UDP off) whose only relays are ours, a tox-bootstrapd of the same version as
 * the DHT node (reached through our relay's onion bridge), form a private group and each sends 50
 * group messages; every member must receive every other member's 50, in order, exactly once, and
 * never see a member leave.
 *
 * <p>How they meet (read in group_chats.c and group_connection.c of 0.2.20; seen here): alice is
 * friends with bob and carol (friend connections through our relay, found through the onion),
 * creates the group and invites both once they are online ({@code tox_group_invite_friend}, a
 * friend packet). Each invitee accepts; the invite exchange names the inviter's relays, and the
 * group handshakes travel out of band on our relay to the other member's per-group key, after which
 * each pair of members is routed to each other on our relay under those keys. Each group has its
 * own relay connections under its own key (docs/protocol.md 7): a member holds one connection per
 * relay for friends and onion and one more per relay for each group it is in.
 *
 * <p>A group created before the client has a connected relay never gets one (its relay set is
 * copied from the friend connections' at creation and re-copied only when its own count changes),
 * so tox_peer creates groups only after SELF_CONNECTION; and an inviter whose group has no relay
 * link up yet silently drops the invitee's acceptance, so tox_peer invites a few seconds after
 * creating the group.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES) // joins take 14-33 s, a relay is killed mid-way
class GroupChatThroughOurRelayInteropTest {
  private static final int PER_MEMBER = 50;
  private static final List<String> NAMES = List.of("alice", "bob", "carol");

  /**
   * The selected versions that have NGC; none when only 0.2.18 is selected ({@code
   * -Dtox.interop.versions=0.2.18}), and then these cases do not run.
   */
  static java.util.stream.Stream<Toxcore> groupVersions() {
    return Toxcore.atLeast("0.2.19");
  }

  @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
  @MethodSource("groupVersions")
  void threeTcpOnlyMembersWhoseOnlyRelayIsOursExchangeFiftyGroupMessagesEach(Toxcore toxcore) {
    toxcore.require();
    try (ToxBootstrapd dht = ToxBootstrapd.start(toxcore)) {
      RunningRelay relay = RelayServer.create().host("127.0.0.1").port(0).udpPort(0).bindNow();
      try {
        String spec = "127.0.0.1:" + relay.port() + ":" + relay.publicKey().toHex();
        try (Members m = Members.start(toxcore, 3, List.of(spec), dht, 20, 3000)) {
          m.awaitAllMessages(Duration.ofSeconds(90));
          m.assertEveryMessageOnceInOrderAndNobodyLeft();
          for (CToxcorePeer p : m.peers) {
            // one link for friends and onion, one for the group, both to our relay
            assertThat(Interop.establishedTo(p.pid(), relay.port()))
                .as("connections of one member to our relay")
                .isIn(-1, 2);
          }
          assertThat(relay.peakClients())
              .as("3 members x (friends + 1 group)")
              .isGreaterThanOrEqualTo(6);
          assertThat(relay.metrics().counter("tox.relay.onion", "direction", "to_udp").count())
              .as("onion requests bridged to the DHT node")
              .isPositive();
          System.out.println(toxcore + " group through our relay: " + m.summary());
        }
      } finally {
        relay.disposeNow(Duration.ofSeconds(5));
      }
    }
  }

  /**
   * The same three members with no tox-bootstrapd at all: our relay is their only node (TCP relay,
   * DHT bootstrap node and onion node), so friends find each other through our onion node before
   * alice invites them (docs/protocol.md 13).
   */
  @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
  @MethodSource("groupVersions")
  void threeTcpOnlyMembersWhoseOnlyNodeIsOurRelayExchangeFiftyGroupMessagesEach(Toxcore toxcore) {
    toxcore.require();
    RunningRelay relay = RelayServer.create().host("127.0.0.1").port(0).udpPort(0).bindNow();
    try {
      String spec = "127.0.0.1:" + relay.port() + ":" + relay.publicKey().toHex();
      List<String> bootstrap =
          List.of("--bootstrap", "127.0.0.1:" + relay.udpPort() + ":" + relay.publicKey().toHex());
      try (Members m = Members.start(toxcore, 3, List.of(spec), List.of(), bootstrap, 20, 3000)) {
        m.awaitAllMessages(Duration.ofSeconds(120));
        m.assertEveryMessageOnceInOrderAndNobodyLeft();
        assertThat(relay.onionOutcomes(org.toxreactive.onion.OnionNode.Outcome.ANSWERED))
            .as("announces answered by our node, the only onion node")
            .isPositive();
        System.out.println(toxcore + " group, our relay the only node: " + m.summary());
      }
    } finally {
      relay.disposeNow(Duration.ofSeconds(5));
    }
  }

  /**
   * Two members, each given two of our relays (separate processes, each with its onion bridge), and
   * the first relay killed (SIGKILL) once alice has received 20 of bob's 50 messages, after both
   * held links to both relays: their group and friend connections must go on over the second relay,
   * and still nothing is lost, repeated or reordered. alice invites bob only 12 s after creating
   * the group, so that her group has linked both relays (it re-copies the friend connections'
   * relays every 10 s) and her invite confirmation names both.
   *
   * <p>Two members, not three: the invite exchange tells the invitee up to three of the inviter's
   * relays, but two invitees meet through a group handshake that names one relay, and members share
   * their relays again only when a peer is confirmed and then every 180 s. Seen here with three
   * members: bob and carol knew each other only on the killed relay; alice's links survived, but
   * bob and carol lost each other (GROUP_PEER_EXIT after c-toxcore's 58 s group peer timeout) and
   * had not found each other again 85 s after the kill (docs/protocol.md 7.1).
   */
  @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
  @MethodSource("groupVersions")
  void whenTheMembersRelayIsKilledMidwayTheSecondRelayTakesOverAndNoMessageIsLost(Toxcore toxcore) {
    toxcore.require();
    try (ToxBootstrapd dht = ToxBootstrapd.start(toxcore);
        RelayProcess r1 = RelayProcess.startBridged("g1", KeyPair.generate());
        RelayProcess r2 = RelayProcess.startBridged("g2", KeyPair.generate());
        Members m = Members.start(toxcore, 2, List.of(r1.spec(), r2.spec()), dht, 100, 12_000)) {
      CToxcorePeer alice = m.peers.get(0);
      alice.awaitIndex(
          0, countAtLeast(alice, 20), Duration.ofSeconds(90), "20 group messages before the kill");
      for (CToxcorePeer p : m.peers) {
        for (RelayProcess r : List.of(r1, r2)) {
          // friends/onion and the group, on each relay
          assertThat(Interop.establishedTo(p.pid(), r.port()))
              .as("a member's links to " + r.spec())
              .isIn(-1, 2);
        }
      }
      long killedAt = System.nanoTime();
      r1.kill();
      m.awaitAllMessages(Duration.ofSeconds(90));
      m.assertEveryMessageOnceInOrderAndNobodyLeft();
      long longestGap = 0;
      for (CToxcorePeer p : m.peers) {
        longestGap = Math.max(longestGap, longestGroupRecvGapAfter(p, killedAt));
      }
      System.out.printf(
          "%s group of two, relay killed after 20 messages at alice: all %d messages arrived;"
              + " longest gap"
              + " between two group messages at one member after the kill %d ms (senders: one per"
              + " 100 ms); %s%n",
          toxcore, 2 * PER_MEMBER, longestGap / 1_000_000, m.summary());
    }
  }

  /**
   * What a client in several groups costs a relay (docs/protocol.md 7): one TCP-only 0.2.20 client
   * that creates four groups holds five connections to our relay, all from one address: one for
   * friends and onion and one per group, each group under its own key. Our default per-IP limit
   * ({@link RelayLimits#defaults()}) must admit that with room to spare, and nothing is refused.
   */
  @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
  @MethodSource("groupVersions")
  void aClientInFourGroupsHoldsOneRelayConnectionPerGroupPlusOneWithinOurPerIpLimit(
      Toxcore toxcore) {
    toxcore.require();
    int groups = 4;
    try (ToxBootstrapd dht = ToxBootstrapd.start(toxcore)) {
      RunningRelay relay = RelayServer.create().host("127.0.0.1").port(0).udpPort(0).bindNow();
      try {
        String spec = "127.0.0.1:" + relay.port() + ":" + relay.publicKey().toHex();
        List<String> extra = new ArrayList<>(List.of("--name", "many"));
        for (int g = 0; g < groups; g++) {
          extra.addAll(List.of("--group-create", "group-" + g));
        }
        try (CToxcorePeer p =
            CToxcorePeer.tcpOnly(
                toxcore,
                "groups",
                KeyPair.generate(),
                List.of(),
                List.of(spec),
                List.of(dht),
                extra)) {
          p.await(
              l -> l.startsWith("GROUP_CREATED " + (groups - 1) + " "),
              Duration.ofSeconds(30),
              "the last group created");
          org.awaitility.Awaitility.await()
              .atMost(Duration.ofSeconds(20))
              .pollInterval(Duration.ofMillis(50))
              .until(() -> relay.clients() >= groups + 1);
          int fromProc = Interop.establishedTo(p.pid(), relay.port());
          RelayLimits defaults = RelayLimits.defaults();
          System.out.printf(
              "%s: a client in %d groups holds %d connections to our relay (its /proc: %d); default"
                  + " maxConnectionsPerIp %d admits %d such clients behind one address,"
                  + " maxUnconfirmedPerPrefix %d%n",
              toxcore,
              groups,
              relay.clients(),
              fromProc,
              defaults.maxConnectionsPerIp(),
              defaults.maxConnectionsPerIp() / relay.clients(),
              defaults.maxUnconfirmedPerPrefix());
          assertThat(relay.clients()).as("confirmed links: friends + one per group").isEqualTo(5);
          assertThat(fromProc).isIn(-1, 5);
          assertThat(relay.metrics().counter("tox.relay.refused", "limit", "per_ip").count())
              .isZero();
          assertThat(defaults.maxConnectionsPerIp()).isGreaterThanOrEqualTo(4 * (groups + 1));
          assertThat(defaults.maxUnconfirmedPerPrefix()).isGreaterThanOrEqualTo(groups + 1);
        }
      } finally {
        relay.disposeNow(Duration.ofSeconds(5));
      }
    }
  }

  /**
   * A public group found through group announces on our node alone (docs/protocol.md 13.6): no
   * tox-bootstrapd, the members are not friends, their only node (relay, DHT and onion) is our
   * relay. alice creates a public group; bob joins it by chat id only ({@code tox_group_join}),
   * which he can do only by finding alice's group announce: both announce to the onion nodes
   * closest to the chat id (0x87 with a public announce, ours the only one) and our 0x88 answers
   * hand each the other's announce with its TCP relay, ours. Then each sends 10 group messages.
   */
  @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
  @MethodSource("groupVersions")
  void aPublicGroupIsFoundByChatIdThroughGroupAnnouncesOnOurNodeAlone(Toxcore toxcore) {
    toxcore.require();
    RunningRelay relay = RelayServer.create().host("127.0.0.1").port(0).udpPort(0).bindNow();
    try {
      String spec = "127.0.0.1:" + relay.port() + ":" + relay.publicKey().toHex();
      List<String> common =
          List.of(
              "--bootstrap",
              "127.0.0.1:" + relay.udpPort() + ":" + relay.publicKey().toHex(),
              "--group-peers",
              "1",
              "--group-send",
              "10",
              "--spacing",
              "100",
              "--seconds",
              "170");
      List<String> aliceArgs = new ArrayList<>(common);
      aliceArgs.addAll(List.of("--name", "alice", "--group-public", "--group-create", "pub"));
      try (CToxcorePeer alice =
          CToxcorePeer.tcpOnly(
              toxcore,
              "pub-alice",
              KeyPair.generate(),
              List.of(),
              List.of(spec),
              List.of(),
              aliceArgs)) {
        alice.await(
            l -> l.startsWith("GROUP_CREATED 0 chat_id="),
            Duration.ofSeconds(60),
            "alice online (through our onion node) and her public group created");
        String created =
            alice.lines().stream()
                .filter(l -> l.startsWith("GROUP_CREATED 0 chat_id="))
                .findFirst()
                .orElseThrow();
        String chatId = created.substring(created.indexOf('=') + 1);
        List<String> bobArgs = new ArrayList<>(common);
        bobArgs.addAll(List.of("--name", "bob", "--group-join", chatId));
        try (CToxcorePeer bob =
            CToxcorePeer.tcpOnly(
                toxcore,
                "pub-bob",
                KeyPair.generate(),
                List.of(),
                List.of(spec),
                List.of(),
                bobArgs)) {
          Duration limit = Duration.ofSeconds(120);
          bob.await(l -> l.startsWith("GROUP_PEER_JOIN 0 "), limit, "bob sees alice in the group");
          alice.await(l -> l.startsWith("GROUP_PEER_JOIN 0 "), limit, "alice sees bob");
          double chats = relay.metrics().get("tox.relay.onion.group_chats").gauge().value();
          bob.awaitIndex(0, countAtLeast(bob, 10), Duration.ofSeconds(60), "alice's 10");
          alice.awaitIndex(0, countAtLeast(alice, 10), Duration.ofSeconds(60), "bob's 10");
          assertThat(groupReceived(bob.lines())).containsExactlyElementsOf(tenOf("alice"));
          assertThat(groupReceived(alice.lines())).containsExactlyElementsOf(tenOf("bob"));
          assertThat(chats).as("chats in our node's group-announce store").isEqualTo(1);
          assertThat(relay.onionOutcomes(org.toxreactive.onion.OnionNode.Outcome.ANSWERED))
              .as("announces answered by our node")
              .isPositive();
          System.out.printf(
              "%s public group through our node alone: bob joined by chat id %s%n",
              toxcore, chatId.substring(0, 8));
        }
      }
    } finally {
      relay.disposeNow(Duration.ofSeconds(5));
    }
  }

  private static List<String> tenOf(String sender) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      out.add(sender + "-" + i);
    }
    return out;
  }

  private static Predicate<String> countAtLeast(CToxcorePeer peer, int n) {
    return l -> l.startsWith("GROUP_RECV ") && groupReceived(peer.lines()).size() >= n;
  }

  private static long longestGroupRecvGapAfter(CToxcorePeer p, long t) {
    List<String> lines = p.lines();
    long prev = t;
    long longest = 0;
    for (int i = 0; i < lines.size(); i++) {
      long at = p.nanosOf(i);
      if (at >= t && lines.get(i).startsWith("GROUP_RECV ")) {
        longest = Math.max(longest, at - prev);
        prev = at;
      }
    }
    return longest;
  }

  /** Texts of {@code GROUP_RECV 0 <peer> <text>} lines, in order. */
  static List<String> groupReceived(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String l : lines) {
      if (l.startsWith("GROUP_RECV 0 ")) {
        String rest = l.substring("GROUP_RECV 0 ".length());
        out.add(rest.substring(rest.indexOf(' ') + 1));
      }
    }
    return out;
  }

  /**
   * alice (creates and invites), bob and (with three) carol, who accept; each sends {@link
   * #PER_MEMBER} once it sees all the others.
   */
  static final class Members implements AutoCloseable {
    final List<CToxcorePeer> peers = new ArrayList<>();
    final List<String> names;
    private final long started = System.nanoTime();

    private Members(int count) {
      names = NAMES.subList(0, count);
    }

    /**
     * Starts the members; alice invites each friend once it is online and the group is {@code
     * inviteDelayMs} old (its relay links must be up, see tox_peer.c).
     */
    static Members start(
        Toxcore toxcore,
        int count,
        List<String> relays,
        ToxBootstrapd dht,
        int spacingMs,
        int inviteDelayMs) {
      return start(toxcore, count, relays, List.of(dht), List.of(), spacingMs, inviteDelayMs);
    }

    /**
     * As above with any DHT nodes: tox-bootstrapd processes in {@code dht} and {@code --bootstrap}
     * arguments in {@code bootstrap} (e.g. our relay's UDP port).
     */
    static Members start(
        Toxcore toxcore,
        int count,
        List<String> relays,
        List<ToxBootstrapd> dht,
        List<String> bootstrap,
        int spacingMs,
        int inviteDelayMs) {
      KeyPair[] keys = new KeyPair[count];
      List<PublicKey> invitees = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        keys[i] = KeyPair.generate();
        if (i > 0) {
          invitees.add(keys[i].publicKey());
        }
      }
      Members m = new Members(count);
      boolean ok = false;
      try {
        List<String> common =
            List.of(
                "--group-peers",
                String.valueOf(count - 1),
                "--group-send",
                String.valueOf(PER_MEMBER),
                "--spacing",
                String.valueOf(spacingMs),
                "--seconds",
                "170");
        for (int i = 0; i < count; i++) {
          List<String> extra = new ArrayList<>(List.of("--name", NAMES.get(i)));
          extra.addAll(bootstrap);
          extra.addAll(common);
          List<PublicKey> friends;
          if (i == 0) {
            friends = invitees;
            extra.addAll(
                List.of(
                    "--group-create",
                    "tox-reactive",
                    "--group-invite",
                    "--group-invite-delay",
                    String.valueOf(inviteDelayMs)));
          } else {
            friends = List.of(keys[0].publicKey());
            extra.add("--group-accept");
          }
          m.peers.add(
              CToxcorePeer.tcpOnly(toxcore, NAMES.get(i), keys[i], friends, relays, dht, extra));
        }
        ok = true;
        return m;
      } finally {
        if (!ok) {
          m.close();
        }
      }
    }

    /** Waits until every member has received all the other members' messages. */
    void awaitAllMessages(Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      int expected = (names.size() - 1) * PER_MEMBER;
      for (CToxcorePeer p : peers) {
        Duration left = Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
        try {
          p.awaitIndex(0, countAtLeast(p, expected), left, expected + " group messages");
        } catch (AssertionError e) {
          throw new AssertionError(summary() + "\n" + e.getMessage(), e);
        }
      }
    }

    void assertEveryMessageOnceInOrderAndNobodyLeft() {
      for (int i = 0; i < peers.size(); i++) {
        CToxcorePeer p = peers.get(i);
        Map<String, List<String>> bySender = new LinkedHashMap<>();
        for (String text : groupReceived(p.lines())) {
          bySender
              .computeIfAbsent(text.substring(0, text.lastIndexOf('-')), k -> new ArrayList<>())
              .add(text);
        }
        List<String> others = new ArrayList<>(names);
        others.remove(i);
        assertThat(bySender.keySet())
            .as(NAMES.get(i) + " heard from")
            .containsExactlyInAnyOrderElementsOf(others);
        for (String sender : others) {
          assertThat(bySender.get(sender))
              .as(NAMES.get(i) + " received from " + sender)
              .containsExactlyElementsOf(numbered(sender));
        }
        assertThat(p.lines())
            .as(NAMES.get(i) + " saw a member leave")
            .noneMatch(l -> l.startsWith("GROUP_PEER_EXIT ") || l.startsWith("GROUP_JOIN_FAIL "));
        assertThat(p.lines().stream().filter(l -> l.startsWith("GROUP_SENT 0 ")).count())
            .as(NAMES.get(i) + " sent")
            .isEqualTo(PER_MEMBER);
      }
    }

    /** When each member joined and was done, in ms since the start. */
    String summary() {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < peers.size(); i++) {
        CToxcorePeer p = peers.get(i);
        List<String> lines = p.lines();
        long friendMs = -1;
        long joinedMs = -1;
        for (int j = 0; j < lines.size(); j++) {
          String l = lines.get(j);
          if (friendMs < 0 && l.startsWith("FRIEND_CONNECTION ") && !l.endsWith(" NONE")) {
            friendMs = (p.nanosOf(j) - started) / 1_000_000;
          }
          if (l.startsWith("GROUP_PEER_JOIN ")) {
            joinedMs = (p.nanosOf(j) - started) / 1_000_000;
          }
        }
        b.append(
            String.format(
                "%s: friend online %d ms, last peer joined %d ms, %d group messages received; ",
                NAMES.get(i), friendMs, joinedMs, groupReceived(lines).size()));
      }
      return b.toString().trim();
    }

    private static List<String> numbered(String sender) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < PER_MEMBER; i++) {
        out.add(sender + "-" + i);
      }
      return out;
    }

    @Override
    public void close() {
      for (CToxcorePeer p : peers) {
        p.close();
      }
    }
  }
}
