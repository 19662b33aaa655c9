package org.toxreactive.onion;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.core.ToxProtocolException;
import org.toxreactive.onion.packet.AnnouncePlain;
import org.toxreactive.onion.packet.AnnounceReply;
import org.toxreactive.onion.packet.AnnounceResponse;
import org.toxreactive.onion.packet.DhtPkData;
import org.toxreactive.onion.packet.DhtPkRoute;
import org.toxreactive.onion.packet.FriendRequestData;
import org.toxreactive.onion.packet.MalformedOnionPacketException;
import org.toxreactive.onion.packet.OnionDataInner;
import org.toxreactive.onion.packet.OnionDataResponse;
import org.toxreactive.onion.packet.OnionPacket;
import org.toxreactive.onion.packet.OnionSizes;

/**
 * The sans-I/O onion client (docs/protocol.md 13.10): c-toxcore 0.2.18's {@code onion_client.c}
 * (paths, announcing, friend search, onion data) and the friend-request half of {@code
 * friend_requests.c} / {@code Messenger.c}, on a millisecond clock the caller passes in. Inputs are
 * datagrams, relay responses and {@link #tick}; outputs go to {@link Io}. Not thread-safe: the
 * reactive {@link OnionClient} serialises every call.
 *
 * <p>Times are c-toxcore's, in seconds (its {@code mono_time} has a one-second resolution): a
 * timeout of {@code t} s has passed when {@code now - since >= t * 1000}. {@link #tick} is meant to
 * be called once a second, as c-toxcore's {@code do_onion_client} effectively runs.
 */
public final class OnionClientCore {

  /** What the core asks of and tells its host. Called with the core's caller's lock held. */
  public interface Io {
    /**
     * Our DHT key pair now (layer 1 of UDP paths, the key in our DHT-PK announcement).
     *
     * @return the key pair
     */
    KeyPair dhtKeys();

    /**
     * Whether UDP paths can be used now: a UDP socket and a connected DHT ({@code
     * dht_isconnected}). When false, paths go through {@link #connectedRelays()}.
     *
     * @return whether to build UDP paths
     */
    boolean udpUsable();

    /**
     * Random good DHT nodes for paths (c-toxcore's {@code randfriends_nodes}), up to {@code n}.
     *
     * @param n how many at most
     * @return the nodes (UDP)
     */
    List<PackedNode> randomDhtNodes(int n);

    /**
     * DHT nodes close to us for our DHT-PK announcement ({@code closelist_nodes}), up to {@code n}.
     *
     * @param n how many at most
     * @return the nodes (UDP)
     */
    List<PackedNode> closeDhtNodes(int n);

    /**
     * The relays whose link is up now.
     *
     * @return their keys
     */
    List<PublicKey> connectedRelays();

    /**
     * Sends a UDP datagram.
     *
     * @param to the address
     * @param packet the datagram; the receiver may keep it
     * @return false if refused at once
     */
    boolean udp(IpPort to, byte[] packet);

    /**
     * Sends relay packet 8.
     *
     * @param relay the relay (node 1)
     * @param nonce the onion nonce
     * @param payload the hop-1 plaintext; the receiver may keep it
     * @return false if refused at once
     */
    boolean tcp(PublicKey relay, Nonce nonce, byte[] payload);

    /**
     * Sends a DHT request of kind 156 to {@code friendDhtKey} through the DHT ({@code
     * route_to_friend}); the default has no DHT and refuses.
     *
     * @param friendDhtKey the friend's DHT key
     * @param payload a {@link DhtPkRoute} encoded
     * @return false if not sent (no node knows the friend)
     */
    default boolean dhtRoute(PublicKey friendDhtKey, byte[] payload) {
      return false;
    }

    /**
     * A friend's DHT-PK announcement arrived.
     *
     * @param announcement what it says
     */
    void dhtPk(DhtPkAnnouncement announcement);

    /**
     * A friend request arrived.
     *
     * @param request what it says
     */
    void friendRequest(FriendRequest request);
  }

  /** What became of one input (for counters and tests). */
  public enum Outcome {
    /** Handled. */
    ACCEPTED,
    /** Not a packet the onion client takes. */
    UNHANDLED,
    /** Length or layout not allowed. */
    MALFORMED,
    /** Unknown or expired sendback, or a box that does not open. */
    UNAUTHENTIC,
    /** Valid but nothing to do: a replay, a stranger's DHT-PK, a duplicate friend request. */
    IGNORED
  }

  // ---------------------------------------------------------------- c-toxcore 0.2.18 constants

  /** {@code MAX_ONION_CLIENTS}: announce nodes kept per friend. */
  public static final int MAX_ONION_CLIENTS = 8;

  /** {@code MAX_ONION_CLIENTS_ANNOUNCE}: nodes we announce ourselves to. */
  public static final int MAX_ONION_CLIENTS_ANNOUNCE = 12;

  /** {@code ONION_NODE_PING_INTERVAL}, s. */
  public static final int ONION_NODE_PING_INTERVAL = 15;

  /** {@code ONION_NODE_TIMEOUT}, s. */
  public static final int ONION_NODE_TIMEOUT = ONION_NODE_PING_INTERVAL;

  /** {@code ONION_NODE_MAX_PINGS}. */
  public static final int ONION_NODE_MAX_PINGS = 3;

  /** {@code ONION_OFFLINE_TIMEOUT}, s: no announce response for this long and we are offline. */
  public static final int ONION_OFFLINE_TIMEOUT =
      ONION_NODE_PING_INTERVAL * (ONION_NODE_MAX_PINGS + 2);

  /** {@code ONION_DHTPK_SEND_INTERVAL}, s. */
  public static final int ONION_DHTPK_SEND_INTERVAL = 30;

  /** {@code DHT_DHTPK_SEND_INTERVAL}, s. */
  public static final int DHT_DHTPK_SEND_INTERVAL = 20;

  /** {@code NUMBER_ONION_PATHS}: paths per set (one set for announcing, one for friends). */
  public static final int NUMBER_ONION_PATHS = 6;

  /** {@code ONION_PATH_FIRST_TIMEOUT}, s: a path that never answered. */
  public static final int ONION_PATH_FIRST_TIMEOUT = 4;

  /** {@code ONION_PATH_TIMEOUT}, s. */
  public static final int ONION_PATH_TIMEOUT = 10;

  /** {@code ONION_PATH_MAX_LIFETIME}, s. */
  public static final int ONION_PATH_MAX_LIFETIME = 1200;

  /** {@code ONION_PATH_MAX_NO_RESPONSE_USES}. */
  public static final int ONION_PATH_MAX_NO_RESPONSE_USES = 4;

  /** {@code MAX_STORED_PINGED_NODES}. */
  public static final int MAX_STORED_PINGED_NODES = 9;

  /** {@code MIN_NODE_PING_TIME}, s. */
  public static final int MIN_NODE_PING_TIME = 10;

  /** {@code MAX_PATH_NODES}. */
  public static final int MAX_PATH_NODES = 32;

  /** {@code ANNOUNCE_ARRAY_SIZE}: sendbacks outstanding at most. */
  public static final int ANNOUNCE_ARRAY_SIZE = 256;

  /** {@code ANNOUNCE_TIMEOUT}, s: a sendback's life. */
  public static final int ANNOUNCE_TIMEOUT = 10;

  /** {@code ANNOUNCE_INTERVAL_NOT_ANNOUNCED}, s. */
  public static final int ANNOUNCE_INTERVAL_NOT_ANNOUNCED = 3;

  /** {@code ANNOUNCE_INTERVAL_ANNOUNCED}, s. */
  public static final int ANNOUNCE_INTERVAL_ANNOUNCED = ONION_NODE_PING_INTERVAL;

  /** {@code TIME_TO_STABLE}, s. */
  public static final int TIME_TO_STABLE = ONION_NODE_PING_INTERVAL * 6;

  /** {@code ANNOUNCE_INTERVAL_STABLE}, s. */
  public static final int ANNOUNCE_INTERVAL_STABLE = ONION_NODE_PING_INTERVAL * 8;

  /** {@code ANNOUNCE_FRIEND_NEW_INTERVAL}, s. */
  public static final int ANNOUNCE_FRIEND_NEW_INTERVAL = 3;

  /** {@code ANNOUNCE_FRIEND_RUN_COUNT_BEGINNING}. */
  public static final int ANNOUNCE_FRIEND_RUN_COUNT_BEGINNING = 5;

  /** {@code ANNOUNCE_POPULATE_TIMEOUT}, s. */
  public static final int ANNOUNCE_POPULATE_TIMEOUT = 60 * 10;

  /** {@code ANNOUNCE_FRIEND_MAX_INTERVAL}, s. */
  public static final int ANNOUNCE_FRIEND_MAX_INTERVAL = 60 * 60;

  /** {@code MAX_RUN_COUNT_EXPONENT}. */
  public static final int MAX_RUN_COUNT_EXPONENT = 12;

  /** {@code ONION_CONNECTION_SECONDS}. */
  public static final int ONION_CONNECTION_SECONDS = 3;

  /** {@code ONION_CONNECTED_TIMEOUT}, s. */
  public static final int ONION_CONNECTED_TIMEOUT = 10;

  /** {@code MAX_FRIEND_CLIENTS} (DHT.h): DHT nodes taken for paths per run. */
  public static final int MAX_FRIEND_CLIENTS = 8;

  /** {@code FRIENDREQUEST_TIMEOUT} (Messenger.h), s: doubled after every unanswered send. */
  public static final int FRIENDREQUEST_TIMEOUT = 5;

  /** {@code MAX_RECEIVED_STORED} (friend_requests.c): requesters remembered to drop repeats. */
  public static final int MAX_RECEIVED_STORED = 32;

  /** Friends tracked at most: ours, so memory stays bounded. */
  public static final int MAX_FRIENDS = 1024;

  private static final long LONG_AGO = Long.MIN_VALUE / 4;
  private static final int NO_PATH = -1;

  // ---------------------------------------------------------------- state

  /** One entry of an announce or friend node list ({@code Onion_Node}). */
  static final class Node {
    @Nullable PublicKey key; // set with valid
    @Nullable IpPort ipPort; // set with valid
    Bytes pingId = Bytes.adopt(new byte[OnionSizes.PING_ID]);
    @Nullable PublicKey dataKey; // the friend's data key, once a node said FOUND
    int isStored;
    long addedTime = LONG_AGO;
    boolean valid; // c-toxcore: timestamp != 0
    long timestamp = LONG_AGO;
    boolean pinged; // c-toxcore: last_pinged != 0
    long lastPinged = LONG_AGO;
    int pingsSinceLastResponse;
    int pathUsed = NO_PATH;

    /** The key of a valid entry (an entry never used has none). */
    PublicKey key() {
      return Objects.requireNonNull(key, "onion node entry not in use");
    }

    /** The address of a valid entry. */
    IpPort ipPort() {
      return Objects.requireNonNull(ipPort, "onion node entry not in use");
    }
  }

  /** One path slot of a set ({@code Onion_Client_Paths}). */
  static final class PathSlot {
    @Nullable OnionPath path; // null until the slot's first path is built
    @Nullable PublicKey relay; // node 1 is this relay (TCP path), or null (UDP path)
    List<PackedNode> nodes = List.of();
    long created = LONG_AGO;
    long lastSuccess = LONG_AGO;
    long lastUsed = LONG_AGO;
    int usedTimes;
    int pathNum = NO_PATH;
  }

  /** A ring of recently pinged keys ({@code Last_Pinged}). */
  static final class PingedRing {
    final PublicKey[] keys = new PublicKey[MAX_STORED_PINGED_NODES];
    final long[] times = new long[MAX_STORED_PINGED_NODES];
    int index;

    PingedRing() {
      Arrays.fill(times, LONG_AGO);
    }
  }

  /** A friend we look up ({@code Onion_Friend}) and, if asked, send a friend request to. */
  static final class Friend {
    final PublicKey realKey;
    final KeyPair temp = KeyPair.generate();
    final Node[] nodes = newNodes(MAX_ONION_CLIENTS);
    final PingedRing pinged = new PingedRing();
    boolean online;
    @Nullable PublicKey dhtKey; // from its last DHT-PK announcement
    long lastDhtPkOnionSent = LONG_AGO;
    long lastDhtPkDhtSent = LONG_AGO;
    long lastNoReplay;
    long lastPopulated = LONG_AGO;
    long timeLastPinged = LONG_AGO;
    int runCount;
    int pings;
    int lookups; // lookup() handles holding this friend
    long searchRequests; // announce requests sent searching this friend (tests, metrics)
    @Nullable FriendRequestState request; // a friend request to it is pending

    Friend(PublicKey realKey) {
      this.realKey = realKey;
    }
  }

  /** Messenger's FRIEND_ADDED / FRIEND_REQUESTED cycle for one outgoing request. */
  static final class FriendRequestState {
    final byte[] data;
    boolean requested;
    long lastSent = LONG_AGO;
    int timeoutSeconds = FRIENDREQUEST_TIMEOUT;
    int sends;

    FriendRequestState(byte[] data) {
      this.data = data;
    }
  }

  /** What an announce request's 8-byte sendback stands for ({@code new_sendback}). */
  private record Sendback(
      @Nullable Friend friend, PublicKey destKey, IpPort dest, int pathNum, long time) {}

  private final KeyPair realKeys;
  private final KeyPair dataKeys = KeyPair.generate(); // c-toxcore's onion_c->temp_*_key
  private final Io io;
  private final SplittableRandom random;
  private final CryptoBox box = new CryptoBox();
  private final long noReplayOffsetSeconds;

  private final Node[] announceList = newNodes(MAX_ONION_CLIENTS_ANNOUNCE);
  private final PathSlot[] selfPaths = newPaths();
  private final PathSlot[] friendPaths = newPaths();
  private final PingedRing selfPinged = new PingedRing();
  private final List<PackedNode> pathNodes = new ArrayList<>();
  private int pathNodesIndex;
  private final List<PackedNode> bootstrapNodes = new ArrayList<>();
  private int bootstrapIndex;
  private final LinkedHashMap<Long, Sendback> sendbacks = new LinkedHashMap<>();
  private final Map<PublicKey, Friend> friends = new LinkedHashMap<>();
  private final PublicKey[] received = new PublicKey[MAX_RECEIVED_STORED];
  private int receivedIndex;
  private List<PackedNode> ourRelays = List.of();
  private @Nullable Integer nospam; // null: any nospam

  private long lastAnnounce = LONG_AGO;
  private long lastPopulated = LONG_AGO;
  private long lastPacketRecv = LONG_AGO;
  private long lastRun = LONG_AGO;
  private boolean ran;
  private long firstRun = LONG_AGO;
  private long lastTimeConnected = LONG_AGO;
  private int onionConnected;
  private boolean udpConnected;
  private long lastNoReplaySent;
  private final long[] counts = new long[Outcome.values().length];

  /**
   * A client for our real key pair.
   *
   * @param realKeys our long-term key pair (the Tox ID's key)
   * @param io the host
   * @param seed seed of the core's choices (paths, nodes, sendbacks); keys are always random
   * @param wallSecondsNow the wall clock in seconds now, so that DHT-PK replay counters keep
   *     growing across restarts as c-toxcore's ({@code mono_time} counts from the Unix epoch)
   * @param now the clock now, ms
   */
  public OnionClientCore(KeyPair realKeys, Io io, long seed, long wallSecondsNow, long now) {
    this.realKeys = Objects.requireNonNull(realKeys, "realKeys is null");
    this.io = Objects.requireNonNull(io, "io is null");
    this.random = new SplittableRandom(seed);
    this.noReplayOffsetSeconds = wallSecondsNow - Math.floorDiv(now, 1000);
  }

  private static Node[] newNodes(int n) {
    Node[] a = new Node[n];
    for (int i = 0; i < n; i++) {
      a[i] = new Node();
    }
    return a;
  }

  private static PathSlot[] newPaths() {
    PathSlot[] a = new PathSlot[NUMBER_ONION_PATHS];
    for (int i = 0; i < a.length; i++) {
      a[i] = new PathSlot();
    }
    return a;
  }

  private static boolean timeout(long since, long seconds, long now) {
    return now - since >= seconds * 1000;
  }

  // ---------------------------------------------------------------- configuration

  /**
   * Our real key.
   *
   * @return the key friends look us up by
   */
  public PublicKey publicKey() {
    return realKeys.publicKey();
  }

  /**
   * The data key we announce: friends encrypt onion data for us with it.
   *
   * @return our announce data key (fresh per client)
   */
  public PublicKey dataKey() {
    return dataKeys.publicKey();
  }

  /**
   * The TCP relays (packed TCP nodes) we put in our DHT-PK announcements, at most 2 used.
   *
   * @param relays our connected relays
   */
  public void announceRelays(List<PackedNode> relays) {
    ourRelays = relays.stream().filter(PackedNode::tcp).limit(DhtPkData.MAX_NODES / 2).toList();
  }

  /**
   * Drops friend requests that do not carry this nospam; null accepts any.
   *
   * @param value our nospam (Tox ID bytes 32..35 read big-endian), or null
   */
  public void nospam(@Nullable Integer value) {
    nospam = value;
  }

  /**
   * A node to build paths and start announcing from when the DHT gives none yet ({@code
   * onion_add_bs_path_node}): the bootstrap nodes. Needed for TCP-only clients, whose DHT is empty.
   *
   * @param node a UDP node
   */
  public void addBootstrapNode(PackedNode node) {
    if (node.tcp()) {
      return;
    }
    addRing(bootstrapNodes, node, bootstrapIndex++);
  }

  private void addPathNode(PackedNode node) {
    if (node.tcp()) {
      return;
    }
    for (PackedNode n : pathNodes) {
      if (n.key().equals(node.key())) {
        return;
      }
    }
    addRing(pathNodes, node, pathNodesIndex++);
  }

  private static void addRing(List<PackedNode> ring, PackedNode node, int index) {
    for (PackedNode n : ring) {
      if (n.key().equals(node.key())) {
        return;
      }
    }
    if (ring.size() < MAX_PATH_NODES) {
      ring.add(node);
    } else {
      ring.set(Math.floorMod(index, MAX_PATH_NODES), node);
    }
  }

  /**
   * Starts looking {@code friendReal} up (c-toxcore's {@code onion_addfriend}); counted, so two
   * callers each {@link #removeFriend} once.
   *
   * @param friendReal the friend's real key
   * @return false if {@link #MAX_FRIENDS} are tracked already
   */
  public boolean addFriend(PublicKey friendReal) {
    Friend f = friends.get(friendReal);
    if (f == null) {
      if (friends.size() >= MAX_FRIENDS) {
        return false;
      }
      f = new Friend(friendReal);
      friends.put(friendReal, f);
    }
    f.lookups++;
    return true;
  }

  /**
   * Undoes one {@link #addFriend}; the friend is forgotten when none is left and no friend request
   * to it is pending.
   *
   * @param friendReal the friend's real key
   */
  public void removeFriend(PublicKey friendReal) {
    Friend f = friends.get(friendReal);
    if (f == null) {
      return;
    }
    f.lookups = Math.max(0, f.lookups - 1);
    forgetIfUnused(f);
  }

  private void forgetIfUnused(Friend f) {
    if (f.lookups == 0 && f.request == null) {
      friends.remove(f.realKey);
    }
  }

  /**
   * Whether {@code friendReal} is being looked up.
   *
   * @param friendReal the friend's real key
   * @return whether it is tracked
   */
  public boolean tracks(PublicKey friendReal) {
    return friends.containsKey(friendReal);
  }

  /**
   * The friend's connection is up (or down again): c-toxcore stops looking up an online friend and
   * forgets its replay counter when it goes offline ({@code onion_set_friend_online}). An online
   * friend also ends a pending friend request.
   *
   * @param friendReal the friend's real key
   * @param online whether it is online
   */
  public void friendOnline(PublicKey friendReal, boolean online) {
    Friend f = friends.get(friendReal);
    if (f == null) {
      return;
    }
    f.online = online;
    if (online) {
      if (f.request != null) {
        f.request = null;
        forgetIfUnused(f);
      }
    } else {
      f.lastNoReplay = 0;
      f.runCount = 0;
    }
  }

  /**
   * The friend's DHT key as we know it, or null.
   *
   * @param friendReal the friend's real key
   * @return its DHT key, or null
   */
  public @Nullable PublicKey friendDhtKey(PublicKey friendReal) {
    Friend f = friends.get(friendReal);
    return f == null ? null : f.dhtKey;
  }

  /**
   * Sends a friend request to {@code friendReal} as c-toxcore's Messenger does: looks the friend
   * up, sends as soon as its data key is known on enough nodes, then again after 5 s, 10 s, 20 s...
   * until {@link #cancelFriendRequest} or {@link #friendOnline}. Replaces a pending request to the
   * same key.
   *
   * @param friendReal the friend's real key
   * @param nospamValue the nospam of the friend's Tox ID, bytes 32..35 read big-endian
   * @param message 1..1016 bytes
   * @return false if {@link #MAX_FRIENDS} are tracked already
   * @throws IllegalArgumentException if the message is empty or too long, or the key is ours
   */
  public boolean sendFriendRequest(PublicKey friendReal, int nospamValue, Bytes message) {
    if (friendReal.equals(realKeys.publicKey())) {
      throw new IllegalArgumentException("a friend request to our own key");
    }
    byte[] data = new FriendRequestData(nospamValue, message).encode();
    Friend f = friends.get(friendReal);
    if (f == null) {
      if (friends.size() >= MAX_FRIENDS) {
        return false;
      }
      f = new Friend(friendReal);
      friends.put(friendReal, f);
    }
    f.request = new FriendRequestState(data);
    return true;
  }

  /**
   * Stops resending the friend request to {@code friendReal}.
   *
   * @param friendReal the friend's real key
   */
  public void cancelFriendRequest(PublicKey friendReal) {
    Friend f = friends.get(friendReal);
    if (f != null && f.request != null) {
      f.request = null;
      forgetIfUnused(f);
    }
  }

  /**
   * How many times the friend request to {@code friendReal} went out (one count per send, each
   * through one or more announce nodes).
   *
   * @param friendReal the friend's real key
   * @return the sends so far, 0 if none is pending
   */
  public int friendRequestSends(PublicKey friendReal) {
    Friend f = friends.get(friendReal);
    return f == null || f.request == null ? 0 : f.request.sends;
  }

  /**
   * Allows a new friend request from {@code from} (c-toxcore's {@code remove_request_received}).
   *
   * @param from the requester's real key
   */
  public void forgetFriendRequest(PublicKey from) {
    for (int i = 0; i < received.length; i++) {
      if (from.equals(received[i])) {
        received[i] = null;
      }
    }
  }

  // ---------------------------------------------------------------- status

  /**
   * c-toxcore's {@code onion_connection_status} != NONE: we have been announced to enough nodes for
   * {@value #ONION_CONNECTION_SECONDS} runs.
   *
   * @return whether we are announced
   */
  public boolean announced() {
    return onionConnected >= ONION_CONNECTION_SECONDS;
  }

  /**
   * Whether the last run used UDP ({@code dht_non_lan_connected}).
   *
   * @return true for UDP, false for relays
   */
  public boolean udpConnected() {
    return udpConnected;
  }

  /**
   * Live announce nodes that store our announce.
   *
   * @param now the clock, ms
   * @return how many
   */
  public int announcedNodes(long now) {
    int n = 0;
    for (Node node : announceList) {
      if (!timedOut(node, now) && node.isStored != 0) {
        n++;
      }
    }
    return n;
  }

  /**
   * Live nodes that store the friend's announce (its data key known there).
   *
   * @param friendReal the friend's real key
   * @param now the clock, ms
   * @return how many, 0 if not tracked
   */
  public int friendNodes(PublicKey friendReal, long now) {
    Friend f = friends.get(friendReal);
    if (f == null) {
      return 0;
    }
    int n = 0;
    for (Node node : f.nodes) {
      if (!timedOut(node, now) && node.isStored != 0) {
        n++;
      }
    }
    return n;
  }

  /**
   * How many inputs ended with {@code outcome}.
   *
   * @param outcome the outcome
   * @return the count so far
   */
  public long count(Outcome outcome) {
    return counts[outcome.ordinal()];
  }

  private Outcome record(Outcome o) {
    counts[o.ordinal()]++;
    return o;
  }

  // ---------------------------------------------------------------- paths (onion_client.c)

  private PathSlot[] paths(@Nullable Friend f) {
    return f == null ? selfPaths : friendPaths;
  }

  private boolean pathTimedOut(PathSlot s, long now) {
    if (s.path == null) {
      return true;
    }
    boolean isNew = s.lastSuccess == s.created;
    int t = isNew ? ONION_PATH_FIRST_TIMEOUT : ONION_PATH_TIMEOUT;
    return (s.usedTimes >= ONION_PATH_MAX_NO_RESPONSE_USES && timeout(s.lastUsed, t, now))
        || timeout(s.created, ONION_PATH_MAX_LIFETIME, now);
  }

  private boolean pathExists(PathSlot[] set, int pathNum, long now) {
    if (pathNum == NO_PATH) {
      return false;
    }
    PathSlot s = set[Math.floorMod(pathNum, NUMBER_ONION_PATHS)];
    return !pathTimedOut(s, now) && s.pathNum == pathNum;
  }

  /** Node 1 (a relay, or null for UDP) and the nodes of a new path. */
  private record Hops(
      @Nullable PublicKey relay, @Nullable PackedNode n1, PackedNode n2, PackedNode n3) {}

  /**
   * Nodes for a new path, or null ({@code random_nodes_path_onion}). c-toxcore draws with
   * replacement; we take distinct nodes where there are enough.
   */
  private @Nullable Hops hops() {
    if (io.udpUsable()) {
      if (pathNodes.isEmpty()) {
        return null;
      }
      PackedNode n1 = pick(pathNodes);
      PackedNode n2 = pick(pathNodes, n1);
      return new Hops(null, n1, n2, pick(pathNodes, n1, n2));
    }
    List<PublicKey> relays = io.connectedRelays();
    if (relays.isEmpty()) {
      return null;
    }
    PublicKey relay = relays.get(random.nextInt(relays.size()));
    List<PackedNode> from = pathNodes.size() >= 2 ? pathNodes : bootstrapNodes;
    if (from.isEmpty()) {
      return null;
    }
    PackedNode n2 = pick(from);
    return new Hops(relay, null, n2, pick(from, n2));
  }

  /** A random node of {@code from}, unlike every one of {@code not} if there is such a node. */
  private PackedNode pick(List<PackedNode> from, PackedNode... not) {
    List<PackedNode> ok = new ArrayList<>(from.size());
    for (PackedNode n : from) {
      boolean taken = false;
      for (PackedNode x : not) {
        taken |= x.key().equals(n.key());
      }
      if (!taken) {
        ok.add(n);
      }
    }
    List<PackedNode> choice = ok.isEmpty() ? from : ok;
    return choice.get(random.nextInt(choice.size()));
  }

  /** {@code random_path}: the slot to send on, or null if no path can be built. */
  private @Nullable PathSlot randomPath(PathSlot[] set, int pathNum, long now) {
    int slot =
        pathNum == NO_PATH
            ? random.nextInt(NUMBER_ONION_PATHS)
            : Math.floorMod(pathNum, NUMBER_ONION_PATHS);
    PathSlot s = set[slot];
    if (pathTimedOut(s, now)) {
      Hops h = hops();
      if (h == null) {
        return null;
      }
      PublicKey relay = h.relay();
      if (relay == null) {
        PackedNode n1 = Objects.requireNonNull(h.n1()); // hops() gives node 1 of a UDP path
        s.path = OnionPath.create(io.dhtKeys(), n1, h.n2(), h.n3());
        s.nodes = List.of(n1, h.n2(), h.n3());
      } else {
        // node 1 is the relay: its layer is the relay link's, so only its key goes in
        s.path =
            OnionPath.create(io.dhtKeys(), PackedNode.udp(h.n2().ipPort(), relay), h.n2(), h.n3());
        s.nodes = List.of(h.n2(), h.n3());
      }
      s.relay = relay;
      s.created = now;
      s.lastSuccess = now;
      s.usedTimes = ONION_PATH_MAX_NO_RESPONSE_USES / 2;
      s.pathNum =
          (random.nextInt(Integer.MAX_VALUE / NUMBER_ONION_PATHS)) * NUMBER_ONION_PATHS + slot;
    }
    if (s.usedTimes < ONION_PATH_MAX_NO_RESPONSE_USES) {
      s.lastUsed = now;
    }
    s.usedTimes++;
    return s;
  }

  /** {@code set_path_timeouts}: the path answered; returns its number or {@link #NO_PATH}. */
  private int setPathTimeouts(@Nullable Friend f, int pathNum, long now) {
    if (pathNum == NO_PATH) {
      return NO_PATH;
    }
    PathSlot s = paths(f)[Math.floorMod(pathNum, NUMBER_ONION_PATHS)];
    if (s.path != null && s.pathNum == pathNum) {
      s.lastSuccess = now;
      s.usedTimes = 0;
      for (PackedNode n : s.nodes) {
        addPathNode(n);
      }
      return pathNum;
    }
    return NO_PATH;
  }

  /** {@code send_onion_packet_tcp_udp}. */
  private boolean sendOnPath(PathSlot s, IpPort dest, byte[] inner) {
    Nonce nonce = Nonce.random();
    OnionPath path = Objects.requireNonNull(s.path); // randomPath built it
    if (s.relay == null) {
      byte[] packet = path.wrap(nonce, dest, inner);
      return io.udp(path.first().ipPort(), packet);
    }
    return io.tcp(s.relay, nonce, path.wrapForRelay(nonce, dest, inner));
  }

  // ---------------------------------------------------------------- announce requests

  private long newSendback(
      @Nullable Friend f, PublicKey destKey, IpPort dest, int pathNum, long now) {
    expireSendbacks(now);
    while (sendbacks.size() >= ANNOUNCE_ARRAY_SIZE) {
      Long eldest = sendbacks.keySet().iterator().next();
      sendbacks.remove(eldest);
    }
    long id;
    do {
      id = random.nextLong();
    } while (id == 0 || sendbacks.containsKey(id));
    sendbacks.put(id, new Sendback(f, destKey, dest, pathNum, now));
    return id;
  }

  private void expireSendbacks(long now) {
    var it = sendbacks.values().iterator();
    while (it.hasNext()) {
      if (timeout(it.next().time(), ANNOUNCE_TIMEOUT, now)) {
        it.remove();
      } else {
        break; // insertion order is time order
      }
    }
  }

  /** {@code client_send_announce_request}: {@code f} null announces us, else searches f. */
  private boolean sendAnnounceRequest(
      @Nullable Friend f,
      IpPort dest,
      PublicKey destKey,
      @Nullable Bytes pingId,
      int pathNum,
      long now) {
    PathSlot s = randomPath(paths(f), pathNum, now);
    if (s == null) {
      return false;
    }
    long sb = newSendback(f, destKey, dest, s.pathNum, now);
    byte[] sendback = new byte[OnionSizes.SENDBACK];
    for (int i = 0; i < 8; i++) {
      sendback[i] = (byte) (sb >>> (56 - 8 * i));
    }
    Bytes zero = Bytes.adopt(new byte[OnionSizes.PING_ID]);
    byte[] request;
    if (f == null) {
      AnnouncePlain plain =
          new AnnouncePlain(
              pingId == null ? zero : pingId,
              realKeys.publicKey(),
              dataKeys.publicKey(),
              Bytes.adopt(sendback),
              Bytes.EMPTY);
      request = OnionPath.announceRequest(realKeys, destKey, plain, false);
    } else {
      AnnouncePlain plain =
          new AnnouncePlain(
              zero, f.realKey, PublicKey.of(new byte[32]), Bytes.adopt(sendback), Bytes.EMPTY);
      request = OnionPath.announceRequest(f.temp, destKey, plain, false);
    }
    boolean sent = sendOnPath(s, dest, request);
    if (sent && f != null) {
      f.searchRequests++;
    }
    return sent;
  }

  /**
   * Announce requests sent so far searching {@code friendReal} (tests, metrics).
   *
   * @param friendReal the friend's real key
   * @return the count, 0 for a friend not tracked
   */
  long searchRequests(PublicKey friendReal) {
    Friend f = friends.get(friendReal);
    return f == null ? 0 : f.searchRequests;
  }

  /**
   * Live nodes in {@code friendReal}'s node list now (tests).
   *
   * @param friendReal the friend's real key
   * @param now the clock, ms
   * @return the count, 0 for a friend not tracked
   */
  int friendListNodes(PublicKey friendReal, long now) {
    Friend f = friends.get(friendReal);
    if (f == null) {
      return 0;
    }
    int n = 0;
    for (Node node : f.nodes) {
      if (!timedOut(node, now)) {
        n++;
      }
    }
    return n;
  }

  // ---------------------------------------------------------------- node lists

  private boolean timedOut(Node n, long now) {
    return !n.valid
        || (n.pingsSinceLastResponse >= ONION_NODE_MAX_PINGS
            && timeout(n.lastPinged, ONION_NODE_TIMEOUT, now));
  }

  /**
   * Timed-out entries first, then farthest from {@code ref} first ({@code sort_onion_node_list}).
   */
  private void sortList(Node[] list, PublicKey ref, long now) {
    Comparator<Node> c =
        (a, b) -> {
          boolean ta = timedOut(a, now);
          boolean tb = timedOut(b, now);
          if (ta && tb) {
            return 0;
          }
          if (ta) {
            return -1;
          }
          if (tb) {
            return 1;
          }
          return -Distance.compare(ref, a.key(), b.key());
        };
    Arrays.sort(list, c);
  }

  /** {@code client_add_to_list}; false to drop the response. */
  private boolean addToList(
      @Nullable Friend f,
      PublicKey key,
      IpPort ip,
      int isStored,
      Bytes pingOrKey,
      int pathUsed,
      long now) {
    Node[] list;
    PublicKey ref;
    if (f == null) {
      list = announceList;
      ref = realKeys.publicKey();
      if (isStored == AnnounceReply.FOUND
          && !Arrays.equals(pingOrKey.toArray(), dataKeys.publicKey().toArray())) {
        isStored = AnnounceReply.NOT_STORED;
      }
    } else {
      if (isStored >= 2) {
        return false;
      }
      list = f.nodes;
      ref = f.realKey;
    }
    sortList(list, ref, now);
    int index = -1;
    boolean stored = false;
    if (timedOut(list[0], now) || Distance.compare(ref, key, list[0].key()) < 0) {
      index = 0;
    }
    for (int i = 0; i < list.length; i++) {
      if (list[i].valid && key.equals(list[i].key)) {
        index = i;
        stored = true;
        break;
      }
    }
    if (index == -1) {
      return true;
    }
    Node n = list[index];
    n.key = key;
    n.ipPort = ip;
    addPathNode(PackedNode.udp(ip, key));
    if (isStored == AnnounceReply.FOUND) {
      n.dataKey = PublicKey.of(pingOrKey.toArray());
    } else {
      n.pingId = pingOrKey;
    }
    n.isStored = isStored;
    n.valid = true;
    n.timestamp = now;
    n.pingsSinceLastResponse = 0;
    if (!stored) {
      n.pinged = false;
      n.lastPinged = LONG_AGO;
      n.addedTime = now;
    }
    n.pathUsed = pathUsed;
    return true;
  }

  private boolean goodToPing(PingedRing ring, PublicKey key, long now) {
    for (int i = 0; i < MAX_STORED_PINGED_NODES; i++) {
      if (!timeout(ring.times[i], MIN_NODE_PING_TIME, now) && key.equals(ring.keys[i])) {
        return false;
      }
    }
    int i = Math.floorMod(ring.index, MAX_STORED_PINGED_NODES);
    ring.keys[i] = key;
    ring.times[i] = now;
    ring.index++;
    return true;
  }

  /** {@code client_ping_nodes}: ask the nodes an announce response named, if they are closer. */
  private void pingNodes(@Nullable Friend f, List<PackedNode> nodes, long now) {
    Node[] list = f == null ? announceList : f.nodes;
    PublicKey ref = f == null ? realKeys.publicKey() : f.realKey;
    PingedRing ring = f == null ? selfPinged : f.pinged;
    for (PackedNode n : nodes) {
      if (n.tcp()) {
        continue;
      }
      if (timedOut(list[0], now)
          || Distance.compare(ref, n.key(), list[0].key()) < 0
          || timedOut(list[1], now)
          || Distance.compare(ref, n.key(), list[1].key()) < 0) {
        boolean known = false;
        for (Node e : list) {
          if (e.valid && n.key().equals(e.key)) {
            known = true;
            break;
          }
        }
        if (!known && goodToPing(ring, n.key(), now)) {
          sendAnnounceRequest(f, n.ipPort(), n.key(), null, NO_PATH, now);
        }
      }
    }
  }

  // ---------------------------------------------------------------- inputs

  /**
   * A UDP datagram for the onion client (0x84, 0x86 or 0x88).
   *
   * @param packet the datagram; not kept
   * @param from where it came from
   * @param now the clock, ms
   * @return what became of it
   */
  public Outcome onUdp(byte[] packet, IpPort from, long now) {
    return onPacket(packet, now);
  }

  /**
   * An onion response that came through a relay (relay packet 9's inner packet).
   *
   * @param relay the relay
   * @param packet the inner packet (0x84, 0x86 or 0x88 first); not kept
   * @param now the clock, ms
   * @return what became of it
   */
  public Outcome onRelayResponse(PublicKey relay, byte[] packet, long now) {
    return onPacket(packet, now);
  }

  private Outcome onPacket(byte[] packet, long now) {
    if (packet.length == 0 || packet.length > OnionSizes.MAX_PACKET_SIZE) {
      return record(Outcome.MALFORMED);
    }
    int id = packet[0] & 0xFF;
    if (id != 0x84 && id != 0x86 && id != 0x88) {
      return record(Outcome.UNHANDLED);
    }
    OnionPacket p;
    ByteBuf in = Unpooled.wrappedBuffer(packet);
    try {
      p = OnionPacket.decode(in);
    } catch (ToxProtocolException e) {
      return record(Outcome.MALFORMED);
    } finally {
      in.release();
    }
    if (p instanceof AnnounceResponse r) {
      return record(announceResponse(r, now));
    }
    if (p instanceof OnionDataResponse d) {
      return record(dataResponse(d, now));
    }
    return record(Outcome.UNHANDLED);
  }

  /** {@code handle_announce_response}. */
  private Outcome announceResponse(AnnounceResponse r, long now) {
    long sb = 0;
    for (int i = 0; i < 8; i++) {
      sb = (sb << 8) | r.sendback().getUnsigned(i);
    }
    expireSendbacks(now);
    Sendback s = sendbacks.remove(sb);
    if (s == null) {
      return Outcome.UNAUTHENTIC;
    }
    Friend f = s.friend();
    if (f != null && friends.get(f.realKey) != f) {
      return Outcome.IGNORED;
    }
    KeyPair sender = f == null ? realKeys : f.temp;
    AnnounceReply reply;
    try {
      reply = OnionPath.openAnnounceResponse(sender, s.destKey(), r);
    } catch (MalformedOnionPacketException | IllegalArgumentException e) {
      return Outcome.MALFORMED;
    }
    if (reply == null) {
      return Outcome.UNAUTHENTIC;
    }
    int pathUsed = setPathTimeouts(f, s.pathNum(), now);
    if (!addToList(
        f, s.destKey(), s.dest(), reply.isStored(), reply.pingIdOrKey(), pathUsed, now)) {
      return Outcome.IGNORED;
    }
    if (!reply.nodes().isEmpty()) {
      pingNodes(f, reply.nodes(), now);
    }
    lastPacketRecv = now;
    return Outcome.ACCEPTED;
  }

  /** {@code handle_data_response}: two boxes, then the data handlers by first byte. */
  private Outcome dataResponse(OnionDataResponse d, long now) {
    SharedKey k;
    try {
      k = CryptoBox.beforenm(d.sender(), dataKeys.secretKey());
    } catch (IllegalArgumentException lowOrder) {
      return Outcome.UNAUTHENTIC;
    }
    byte[] outer = box.open(k, d.nonce(), d.encrypted().toArray());
    if (outer == null) {
      return Outcome.UNAUTHENTIC;
    }
    OnionDataInner inner;
    try {
      inner = OnionDataInner.decode(outer);
    } catch (MalformedOnionPacketException e) {
      return Outcome.MALFORMED;
    }
    byte[] data = openFromReal(inner.sender(), d.nonce(), inner.box().toArray());
    if (data == null) {
      return Outcome.UNAUTHENTIC;
    }
    return onData(inner.sender(), data, now);
  }

  private byte @Nullable [] openFromReal(PublicKey sender, Nonce nonce, byte[] sealed) {
    SharedKey k;
    try {
      k = CryptoBox.beforenm(sender, realKeys.secretKey());
    } catch (IllegalArgumentException lowOrder) {
      return null;
    }
    byte[] plain = box.open(k, nonce, sealed);
    return plain == null || plain.length == 0 ? null : plain;
  }

  private Outcome onData(PublicKey sender, byte[] data, long now) {
    int kind = data[0] & 0xFF;
    if (kind == DhtPkData.KIND) {
      return dhtPk(sender, data, null);
    }
    if (kind == FriendRequestData.KIND) {
      return friendRequest(sender, data);
    }
    return Outcome.UNHANDLED;
  }

  /**
   * The payload of a DHT request of kind 156 that the DHT received for us ({@code
   * handle_dht_dhtpk}).
   *
   * @param senderDhtKey the DHT request's sender key
   * @param payload the bytes after the kind byte; not kept
   * @param now the clock, ms
   * @return what became of it
   */
  public Outcome onDhtPkPacket(PublicKey senderDhtKey, byte[] payload, long now) {
    DhtPkRoute route;
    try {
      route = DhtPkRoute.decode(payload);
    } catch (MalformedOnionPacketException e) {
      return record(Outcome.MALFORMED);
    }
    byte[] data = openFromReal(route.sender(), route.nonce(), route.box().toArray());
    if (data == null) {
      return record(Outcome.UNAUTHENTIC);
    }
    if ((data[0] & 0xFF) != DhtPkData.KIND) {
      return record(Outcome.MALFORMED);
    }
    return record(dhtPk(route.sender(), data, senderDhtKey));
  }

  /** {@code handle_dhtpk_announce}; {@code viaDht} is the DHT sender that must match. */
  private Outcome dhtPk(PublicKey sender, byte[] data, @Nullable PublicKey viaDht) {
    DhtPkData d;
    try {
      d = DhtPkData.decode(data);
    } catch (MalformedOnionPacketException e) {
      return Outcome.MALFORMED;
    }
    if (viaDht != null && !viaDht.equals(d.dhtKey())) {
      return Outcome.UNAUTHENTIC;
    }
    Friend f = friends.get(sender);
    if (f == null) {
      return Outcome.IGNORED;
    }
    if (Long.compareUnsigned(d.noReplay(), f.lastNoReplay) <= 0) {
      return Outcome.IGNORED;
    }
    f.lastNoReplay = d.noReplay();
    f.dhtKey = d.dhtKey();
    io.dhtPk(new DhtPkAnnouncement(sender, d.dhtKey(), d.nodes(), d.noReplay()));
    return Outcome.ACCEPTED;
  }

  /** {@code friendreq_handlepacket}. */
  private Outcome friendRequest(PublicKey sender, byte[] data) {
    FriendRequestData r;
    try {
      r = FriendRequestData.decode(data);
    } catch (MalformedOnionPacketException e) {
      return Outcome.MALFORMED;
    }
    for (PublicKey k : received) {
      if (sender.equals(k)) {
        return Outcome.IGNORED;
      }
    }
    if (nospam != null && nospam != r.nospam()) {
      return Outcome.IGNORED;
    }
    if (receivedIndex >= MAX_RECEIVED_STORED) {
      receivedIndex = 0;
    }
    received[receivedIndex++] = sender;
    io.friendRequest(new FriendRequest(sender, r.nospam(), r.message()));
    return Outcome.ACCEPTED;
  }

  // ---------------------------------------------------------------- onion data out

  /**
   * {@code send_onion_data}: {@code data} to the friend through every node that stores its
   * announce; -1 if too few do.
   */
  private int sendOnionData(Friend f, byte[] data, long now) {
    List<Node> good = new ArrayList<>();
    int alive = 0;
    for (Node n : f.nodes) {
      if (timedOut(n, now)) {
        continue;
      }
      alive++;
      if (n.isStored != 0 && n.dataKey != null) {
        good.add(n);
      }
    }
    if (alive == 0 || good.size() < (alive - 1) / 4 + 1) {
      return -1;
    }
    Nonce nonce = Nonce.random();
    SharedKey real = CryptoBox.beforenm(f.realKey, realKeys.secretKey());
    byte[] inner =
        new OnionDataInner(realKeys.publicKey(), Bytes.adopt(box.seal(real, nonce, data))).encode();
    int sent = 0;
    for (Node n : good) {
      PathSlot s = randomPath(friendPaths, NO_PATH, now);
      if (s == null) {
        continue;
      }
      // good holds the nodes with a data key
      PublicKey dataKey = Objects.requireNonNull(n.dataKey);
      byte[] request = OnionPath.dataRequest(nonce, f.realKey, dataKey, inner);
      if (sendOnPath(s, n.ipPort(), request)) {
        sent++;
      }
    }
    return sent;
  }

  private long noReplay(long now) {
    long v = Math.max(noReplayOffsetSeconds + Math.floorDiv(now, 1000), lastNoReplaySent);
    lastNoReplaySent = v;
    return v;
  }

  /**
   * Our DHT-PK announcement now: our DHT key, up to 2 of our relays and DHT nodes close to us.
   *
   * @param now the clock, ms
   * @return the data (kind 156 first)
   */
  public byte[] dhtPkData(long now) {
    List<PackedNode> nodes = new ArrayList<>(ourRelays);
    for (PackedNode n : io.closeDhtNodes(DhtPkData.MAX_NODES - nodes.size())) {
      if (nodes.size() < DhtPkData.MAX_NODES && !n.tcp()) {
        nodes.add(n);
      }
    }
    return new DhtPkData(noReplay(now), io.dhtKeys().publicKey(), nodes).encode();
  }

  /**
   * Our DHT-PK announcement for {@code friendReal} as the payload of a DHT request of kind 156
   * ({@link DhtPkRoute}), for a host that sends it through the DHT itself.
   *
   * @param friendReal the friend's real key
   * @param now the clock, ms
   * @return the payload
   */
  public byte[] dhtPkRoutePayload(PublicKey friendReal, long now) {
    Nonce nonce = Nonce.random();
    SharedKey k = CryptoBox.beforenm(friendReal, realKeys.secretKey());
    byte[] sealed = box.seal(k, nonce, dhtPkData(now));
    return new DhtPkRoute(realKeys.publicKey(), nonce, Bytes.adopt(sealed)).encode();
  }

  // ---------------------------------------------------------------- the periodic run

  /**
   * c-toxcore's {@code do_onion_client} (and Messenger's friend-request resend): once a second.
   *
   * @param now the clock, ms
   */
  public void tick(long now) {
    if (ran && Math.floorDiv(lastRun, 1000) == Math.floorDiv(now, 1000)) {
      return;
    }
    if (timeout(firstRun, ONION_CONNECTION_SECONDS, now)) {
      for (PackedNode n : io.randomDhtNodes(MAX_FRIEND_CLIENTS)) {
        addPathNode(n);
      }
      doAnnounce(now);
    }
    if (isConnected(now)) {
      if (timeout(lastTimeConnected, ONION_CONNECTED_TIMEOUT, now)) {
        for (Friend f : friends.values()) {
          f.runCount = 0;
        }
      }
      lastTimeConnected = now;
      if (onionConnected < ONION_CONNECTION_SECONDS * 2) {
        onionConnected++;
      }
    } else if (onionConnected != 0) {
      onionConnected--;
    }
    udpConnected = io.udpUsable();
    if (announced()) {
      for (Friend f : List.copyOf(friends.values())) {
        doFriend(f, now);
        doFriendRequest(f, now);
      }
    }
    if (!ran) {
      firstRun = now;
      ran = true;
    }
    lastRun = now;
  }

  /** {@code onion_isconnected}. */
  private boolean isConnected(long now) {
    if (timeout(lastPacketRecv, ONION_OFFLINE_TIMEOUT, now) || pathNodes.isEmpty()) {
      lastPopulated = LONG_AGO;
      return false;
    }
    int num = 0;
    int announcedCount = 0;
    for (Node n : announceList) {
      if (!timedOut(n, now)) {
        num++;
        if (n.isStored != 0) {
          announcedCount++;
        }
      }
    }
    int pnodes = Math.min(pathNodesIndex, MAX_ONION_CLIENTS_ANNOUNCE);
    if (num != 0 && announcedCount != 0 && num / 2 <= announcedCount && pnodes / 2 <= num) {
      return true;
    }
    lastPopulated = LONG_AGO;
    return false;
  }

  /** {@code do_announce}. */
  private void doAnnounce(long now) {
    int count = 0;
    for (Node n : announceList) {
      if (timedOut(n, now)) {
        continue;
      }
      count++;
      if (!n.pinged) {
        n.pinged = true; // c-toxcore: last_pinged = 1, not announced to the first time
        continue;
      }
      if (n.pingsSinceLastResponse >= ONION_NODE_MAX_PINGS) {
        continue;
      }
      int interval = ANNOUNCE_INTERVAL_NOT_ANNOUNCED;
      if (n.isStored != 0 && pathExists(selfPaths, n.pathUsed, now)) {
        interval = ANNOUNCE_INTERVAL_ANNOUNCED;
        PathSlot p = selfPaths[Math.floorMod(n.pathUsed, NUMBER_ONION_PATHS)];
        if (timeout(n.addedTime, TIME_TO_STABLE, now)
            && !(n.pingsSinceLastResponse > 0 && timeout(n.lastPinged, ONION_NODE_TIMEOUT, now))
            && timeout(p.created, TIME_TO_STABLE, now)
            && !(p.usedTimes > 0 && timeout(p.lastUsed, ONION_PATH_TIMEOUT, now))) {
          interval = ANNOUNCE_INTERVAL_STABLE;
        }
      }
      if (timeout(n.lastPinged, interval, now)
          || timeout(lastAnnounce, ONION_NODE_PING_INTERVAL, now)) {
        int pathToUse = n.pathUsed;
        if (n.pingsSinceLastResponse == ONION_NODE_MAX_PINGS - 1
            && timeout(n.addedTime, TIME_TO_STABLE, now)) {
          pathToUse = NO_PATH; // last chance for a long-lived node: a random path
        }
        if (sendAnnounceRequest(null, n.ipPort(), n.key(), n.pingId, pathToUse, now)) {
          n.lastPinged = now;
          n.pingsSinceLastResponse++;
          lastAnnounce = now;
        }
      }
    }
    if (count == MAX_ONION_CLIENTS_ANNOUNCE) {
      lastPopulated = now;
      return;
    }
    if (count <= MAX_ONION_CLIENTS_ANNOUNCE / 2
        || timeout(lastPopulated, ANNOUNCE_POPULATE_TIMEOUT, now)) {
      List<PackedNode> from = pathNodes.isEmpty() ? bootstrapNodes : pathNodes;
      if (from.isEmpty()) {
        return;
      }
      for (int i = 0; i < MAX_ONION_CLIENTS_ANNOUNCE / 2; i++) {
        PackedNode n = from.get(random.nextInt(from.size()));
        sendAnnounceRequest(null, n.ipPort(), n.key(), null, NO_PATH, now);
      }
    }
  }

  /** {@code do_friend}. */
  private void doFriend(Friend f, long now) {
    boolean isNew = f.runCount <= ANNOUNCE_FRIEND_RUN_COUNT_BEGINNING;
    int interval;
    if (!isNew) {
      int c = 1 << Math.min(MAX_RUN_COUNT_EXPONENT, f.runCount - 2);
      interval = Math.min(c, ANNOUNCE_FRIEND_MAX_INTERVAL);
    } else {
      interval = ANNOUNCE_FRIEND_NEW_INTERVAL;
    }
    if (f.online) {
      return;
    }
    if (timeout(f.lastDhtPkOnionSent, ONION_DHTPK_SEND_INTERVAL, now)) {
      if (sendOnionData(f, dhtPkData(now), now) >= 1) {
        f.lastDhtPkOnionSent = now;
      }
    }
    if (f.dhtKey != null && timeout(f.lastDhtPkDhtSent, DHT_DHTPK_SEND_INTERVAL, now)) {
      if (io.dhtRoute(f.dhtKey, dhtPkRoutePayload(f.realKey, now))) {
        f.lastDhtPkDhtSent = now;
      }
    }
    int count = 0;
    for (Node n : f.nodes) {
      if (timedOut(n, now)) {
        continue;
      }
      count++;
      if (!n.pinged) {
        n.pinged = true;
        n.lastPinged = now; // new nodes are not pinged at once
        continue;
      }
      if (n.pingsSinceLastResponse >= ONION_NODE_MAX_PINGS) {
        continue;
      }
      if (!timeout(f.timeLastPinged, interval / (MAX_ONION_CLIENTS / 2), now)) {
        continue;
      }
      if (!timeout(n.lastPinged, interval, now)) {
        continue;
      }
      if (sendAnnounceRequest(f, n.ipPort(), n.key(), null, NO_PATH, now)) {
        n.lastPinged = now;
        f.timeLastPinged = now;
        n.pingsSinceLastResponse++;
        f.pings++;
        if (f.pings % (MAX_ONION_CLIENTS / 2) == 0) {
          f.runCount++;
        }
      }
    }
    if (count == MAX_ONION_CLIENTS) {
      if (!isNew) {
        f.lastPopulated = now;
      }
      return;
    }
    if (count <= MAX_ONION_CLIENTS / 2
        || timeout(f.lastPopulated, ANNOUNCE_POPULATE_TIMEOUT, now)) {
      List<PackedNode> from = pathNodes;
      int n = Math.min(from.size(), MAX_PATH_NODES / 4);
      if (n == 0) {
        return;
      }
      f.lastPopulated = now;
      for (int i = 0; i < n; i++) {
        PackedNode node = from.get(random.nextInt(from.size()));
        sendAnnounceRequest(f, node.ipPort(), node.key(), null, NO_PATH, now);
      }
    }
  }

  /** Messenger's {@code do_friends} for a pending request: send, wait, double, resend. */
  private void doFriendRequest(Friend f, long now) {
    FriendRequestState r = f.request;
    if (r == null || f.online) {
      return;
    }
    if (r.requested && now - r.lastSent > r.timeoutSeconds * 1000L) {
      r.requested = false;
      r.timeoutSeconds = (int) Math.min(r.timeoutSeconds * 2L, Integer.MAX_VALUE / 2);
    }
    if (!r.requested && sendOnionData(f, r.data, now) >= 1) {
      r.requested = true;
      r.lastSent = now;
      r.sends++;
    }
  }
}
