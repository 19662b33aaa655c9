package org.toxreactive.friend;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.ToxProtocolException;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.CryptoConnection;
import org.toxreactive.netcrypto.LinkStatus;
import org.toxreactive.netcrypto.Message;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One friend of a {@link ToxNode}: its key, its status and connection while online, its messages.
 * The node keeps the friend connection (c-toxcore's friend_connection.c, docs/protocol.md "Friend
 * connections and Messenger") by itself: the friend's DHT key from the onion (or from the friend's
 * own connection to us), its direct address from the DHT, relays (ours, the friend's shared ones
 * and those of its DHT-PK announcement) as net_crypto paths, ONLINE on connect, ALIVE every 8 s,
 * SHARE_RELAYS every 2 minutes, a new connection when the friend's DHT key changes, and a new
 * attempt 2 s after a connection ended or failed.
 *
 * <pre>{@code
 * Friend f = node.addFriend(ToxId.parse(id), "hello, it's me");
 * f.status().filter(FriendStatus::online).next().block(Duration.ofSeconds(30));
 * f.messages().subscribe(text -> System.out.println("friend says " + text));
 * f.sendMessage("hi").block();
 * }</pre>
 *
 * <p>Threads: every signal of this object comes on the node's thread (see {@link ToxNode}); a
 * subscriber must not block it.
 */
public final class Friend {
  /** c-toxcore's FRIEND_PING_INTERVAL: how often an ALIVE goes out. */
  static final Duration ALIVE_EVERY = Duration.ofSeconds(8);

  /** c-toxcore's SHARE_RELAYS_INTERVAL. */
  static final Duration SHARE_RELAYS_EVERY = Duration.ofMinutes(2);

  /** Wait before connecting again after a connection ended or failed. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(2);

  /** Relays of the friend remembered (c-toxcore's FRIEND_MAX_STORED_TCP_RELAYS). */
  static final int MAX_STORED_RELAYS = 24;

  private final ToxNode node;
  private final PublicKey realKey;
  private final Sinks.Many<FriendStatus> status = Sinks.many().replay().latest();
  private final Sinks.Many<String> messages =
      Sinks.many().multicast().onBackpressureBuffer(1024, false);

  // ---- state below is touched on the node's thread only
  private volatile @Nullable PublicKey dhtKey;
  private @Nullable InetSocketAddress direct;
  private final Map<PublicKey, PackedNode> friendRelays = new LinkedHashMap<>();
  private @Nullable CryptoConnection conn;
  private Sinks.@Nullable Many<Message> outbound;
  private long emitted; // lossless messages put on outbound for the current connection
  private Mono<Void> sending = Mono.empty();
  private @Nullable LinkStatus link;
  private boolean established;
  private boolean online;
  private FriendStatus current = FriendStatus.OFFLINE;
  private Disposable timers = Disposables.disposed();
  private Disposable retry = Disposables.disposed();
  private Disposable requests = Disposables.disposed();
  private Disposable tracking = Disposables.disposed();
  private Disposable lookup = Disposables.disposed();
  private boolean removed;

  // ---- the friend request we send until the friend is online (saved with the node's state)
  private volatile @Nullable Request request;

  /** A friend request of ours that waits for the friend: its nospam and message. */
  record Request(int nospam, String message) {}

  Friend(ToxNode node, PublicKey realKey, @Nullable Request request) {
    this.node = node;
    this.realKey = realKey;
    this.request = request;
    status.tryEmitNext(FriendStatus.OFFLINE);
  }

  /** Starts looking the friend up and sending our request (node's thread, once added). */
  void start() {
    if (removed) {
      return;
    }
    lookup = node.onionLookup(realKey);
    Request r = request;
    if (r != null) {
      // the onion client resends it on c-toxcore's timing until the friend is online
      requests = node.sendFriendRequest(realKey, r.nospam(), Bytes.ofUtf8(r.message()));
    }
  }

  /**
   * The friend's long-term public key (the key of its Tox ID).
   *
   * @return the key
   */
  public PublicKey publicKey() {
    return realKey;
  }

  /**
   * The friend's status: OFFLINE, RELAYED or DIRECT with the connection while online; each value a
   * change; replays the latest to each new subscriber; completes when the friend is removed or the
   * node disposed.
   *
   * @return the statuses
   */
  public Flux<FriendStatus> status() {
    return status.asFlux();
  }

  /**
   * The friend's net_crypto connection each time it comes online (a new one after each
   * reconnection). Its {@code lossless()} is the friend layer's: read messages with {@link
   * #messages()}; its {@code status()}, {@code lossy()} and {@code addPath} are the application's
   * to use.
   *
   * @return the connections, one per time online
   */
  public Flux<CryptoConnection> connections() {
    return status().mapNotNull(FriendStatus::connection).distinctUntilChanged();
  }

  /**
   * Text messages (Messenger's MESSAGE, 64) from the friend, in order. Up to 1024 wait for a slow
   * or absent subscriber (later ones are dropped); several subscribers share the stream.
   *
   * @return the texts
   */
  public Flux<String> messages() {
    return messages.asFlux();
  }

  /**
   * Sends a text message (Messenger's MESSAGE, 64) on the current connection.
   *
   * @param text 1..1372 bytes of UTF-8
   * @return completes once the friend has acknowledged the message (net_crypto's in-order ack of it
   *     and of everything sent before it on the connection, {@link
   *     CryptoConnection#acknowledged(long)}), on the node's thread; errors with {@link
   *     org.toxreactive.netcrypto.NotAcknowledgedException} if the connection ends first (the
   *     friend went offline: the message may or may not have arrived, and is not sent again on a
   *     later connection), with {@link IllegalStateException} if the friend is not online and
   *     {@link IllegalArgumentException} for an empty or too long text
   */
  public Mono<Void> sendMessage(String text) {
    Objects.requireNonNull(text, "text is null");
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    if (utf8.length == 0 || utf8.length > FriendPackets.MAX_MESSAGE_LENGTH) {
      return Mono.error(
          new IllegalArgumentException(
              "a message is 1.."
                  + FriendPackets.MAX_MESSAGE_LENGTH
                  + " bytes, got "
                  + utf8.length));
    }
    return Mono.<Mono<Void>>create(
            sink ->
                node.run(
                    () -> {
                      CryptoConnection c = conn;
                      if (!online || outbound == null || c == null) {
                        sink.error(new IllegalStateException("friend " + this + " is not online"));
                        return;
                      }
                      if (!emit(Message.of(FriendPackets.MESSAGE, Bytes.of(utf8)))) {
                        sink.error(
                            new IllegalStateException("sending to friend " + this + " finished"));
                        return;
                      }
                      // every message on outbound is lossless, so this one is number `emitted`
                      sink.success(c.acknowledged(emitted));
                    }))
        .flatMap(acked -> acked);
  }

  /**
   * Ends sending on the current connection (before disposing the node, so the last messages are not
   * cut off by the kill packet): nothing more goes out on it, not even ALIVE.
   *
   * @return completes once the friend has acknowledged everything sent on the connection (at once
   *     when offline); errors if the connection ends first
   */
  public Mono<Void> finish() {
    return Mono.<Mono<Void>>create(
            sink ->
                node.run(
                    () -> {
                      timers.dispose();
                      Sinks.Many<Message> out = outbound;
                      if (out == null) {
                        sink.success(Mono.empty());
                        return;
                      }
                      out.tryEmitComplete();
                      sink.success(sending);
                    }))
        .flatMap(m -> m);
  }

  /**
   * The friend's DHT public key as last learned (onion announcement or its connection), or null.
   *
   * @return the key or null
   */
  public @Nullable PublicKey dhtKey() {
    return dhtKey;
  }

  @Override
  public String toString() {
    return realKey.toHex().substring(0, 8);
  }

  /** The friend request still to send, for the node's state. */
  @Nullable Request pendingRequest() {
    return request;
  }

  // ------------------------------------------------------------ events (node's thread)

  /** A DHT-PK announcement of the friend: its DHT key and the nodes it named. */
  void onDhtPk(PublicKey key, List<PackedNode> nodes) {
    changeDhtKey(key, null);
    rememberRelays(nodes.stream().filter(PackedNode::tcp).toList());
    tryConnect();
  }

  /** The DHT found the friend's address. */
  void onDirectAddress(PublicKey key, InetSocketAddress address) {
    if (!key.equals(dhtKey)) {
      return;
    }
    direct = address;
    CryptoConnection c = conn;
    if (c == null) {
      tryConnect();
    } else if (node.directAllowed()) {
      c.addPath(Path.udp(address));
    } // else held back until the node lets direct UDP through (onDirectAllowed)
  }

  /** The node now lets direct UDP through (docs/protocol.md 14.6): the address becomes a path. */
  void onDirectAllowed() {
    InetSocketAddress a = direct;
    CryptoConnection c = conn;
    if (a != null && c != null && node.serves(Path.udp(a))) {
      c.addPath(Path.udp(a));
    }
  }

  /** The friend connected to us. */
  void onIncoming(CryptoConnection c) {
    if (removed) {
      c.dispose();
      return;
    }
    changeDhtKey(c.peerDhtKey(), c);
    if (conn != c) {
      adopt(c);
    }
  }

  /**
   * Takes {@code key} as the friend's DHT key; a different one than before ends the connection to
   * the old one (unless it is {@code keep}) and restarts the DHT search.
   */
  private void changeDhtKey(PublicKey key, @Nullable CryptoConnection keep) {
    if (key.equals(dhtKey)) {
      return;
    }
    dhtKey = key;
    direct = null;
    tracking.dispose();
    tracking = node.dhtTrack(key);
    CryptoConnection old = conn;
    if (old != null && old != keep) {
      old.dispose(); // c-toxcore kills the connection to the old key and connects anew
      ended(old);
      retry.dispose(); // connect to the new key at once
      retry = Disposables.disposed();
    }
  }

  /**
   * Remembers the friend's relays, lets our pool take some of them (docs/protocol.md 14.5), and
   * makes each one our pool serves a path of the current connection.
   */
  private void rememberRelays(List<PackedNode> relays) {
    PublicKey k = dhtKey;
    if (k != null && !relays.isEmpty()) {
      node.friendRelays(k, relays);
    }
    relays.forEach(this::rememberRelay);
  }

  private void rememberRelay(PackedNode relay) {
    friendRelays.remove(relay.key());
    friendRelays.put(relay.key(), relay);
    while (friendRelays.size() > MAX_STORED_RELAYS) {
      friendRelays.remove(friendRelays.keySet().iterator().next());
    }
    CryptoConnection c = conn;
    PublicKey k = dhtKey;
    if (c != null && k != null) {
      Path p = Path.relay(relay.key(), k);
      if (node.serves(p)) {
        c.addPath(p);
      }
    }
  }

  /** Every path we can try: the direct address, then each of our relays the friend can be on. */
  private List<Path> paths(PublicKey key) {
    List<Path> out = new ArrayList<>();
    if (direct != null) {
      Path p = Path.udp(direct);
      if (node.serves(p)) {
        out.add(p);
      }
    }
    for (PublicKey relay : node.ourRelayKeys()) {
      out.add(Path.relay(relay, key));
    }
    for (PublicKey relay : friendRelays.keySet()) {
      Path p = Path.relay(relay, key);
      if (!out.contains(p) && node.serves(p)) {
        out.add(p);
      }
    }
    return out;
  }

  private void tryConnect() {
    PublicKey key = dhtKey;
    if (removed || conn != null || key == null || !retry.isDisposed()) {
      return;
    }
    List<Path> paths = paths(key);
    if (paths.isEmpty()) {
      return; // nothing to try until the DHT finds the friend or a relay comes up
    }
    node.netCrypto()
        .open(realKey, key, paths)
        .subscribe(c -> node.run(() -> adopt(c)), e -> node.run(() -> scheduleRetry()));
  }

  private void scheduleRetry() {
    if (removed || !retry.isDisposed()) {
      return;
    }
    retry =
        node.after(
            RETRY_AFTER,
            () -> {
              retry = Disposables.disposed();
              tryConnect();
            });
  }

  private void adopt(CryptoConnection c) {
    if (removed) {
      c.dispose();
      return;
    }
    if (conn == c || c.isDisposed()) {
      return;
    }
    CryptoConnection old = conn;
    if (old != null) {
      old.dispose();
      ended(old);
    }
    if (!c.peerDhtKey().equals(dhtKey)) {
      changeDhtKey(c.peerDhtKey(), c);
    }
    conn = c;
    established = false;
    online = false;
    link = null;
    Sinks.Many<Message> out = Sinks.many().unicast().onBackpressureBuffer();
    outbound = out;
    emitted = 0;
    Mono<Void> sent = c.send(out.asFlux()).cache();
    sent.subscribe(null, e -> {});
    sending = sent;
    for (Path p : paths(c.peerDhtKey())) {
      c.addPath(p);
    }
    c.status().subscribe(s -> node.run(() -> onLink(c, s)));
    c.lossless()
        .subscribe(
            m -> node.run(() -> onMessage(c, m)),
            e -> node.run(() -> ended(c)),
            () -> node.run(() -> ended(c)));
    c.onDispose().subscribe(null, e -> node.run(() -> ended(c)), () -> node.run(() -> ended(c)));
  }

  private void onLink(CryptoConnection c, LinkStatus s) {
    if (conn != c) {
      return;
    }
    switch (s.kind()) {
      case CONNECTING -> {
        return;
      }
      case OFFLINE -> {
        ended(c);
        return;
      }
      case DIRECT, RELAYED -> link = s;
      case UNREACHABLE -> {
        // keep the last path: Messenger calls the friend online until the connection times out
      }
    }
    if (!established) {
      established = true;
      // Messenger sends ONLINE on every new connection; c-toxcore drops everything before it
      emit(Message.of(FriendPackets.ONLINE, Bytes.EMPTY));
      shareRelays();
      timers =
          Disposables.composite(
              node.every(
                  ALIVE_EVERY,
                  ALIVE_EVERY,
                  () -> emit(Message.of(FriendPackets.ALIVE, Bytes.EMPTY))),
              node.every(SHARE_RELAYS_EVERY, SHARE_RELAYS_EVERY, this::shareRelays));
    }
    publish();
  }

  private void onMessage(CryptoConnection c, Message m) {
    if (conn != c) {
      return;
    }
    switch (m.id()) {
      case FriendPackets.ONLINE -> {
        if (!online) {
          node.onionFriendOnline(realKey, true);
        }
        online = true;
        request = null;
        requests.dispose();
        publish();
      }
      case FriendPackets.OFFLINE -> {
        online = false;
        publish();
      }
      case FriendPackets.MESSAGE, FriendPackets.ACTION -> {
        if (m.payload().length() > 0) {
          messages.tryEmitNext(m.payload().toUtf8());
          node.messageReceived();
        }
      }
      case FriendPackets.SHARE_RELAYS -> {
        try {
          rememberRelays(FriendPackets.decodeShareRelays(m.payload()));
        } catch (ToxProtocolException e) {
          node.log().debug("friend {}: bad SHARE_RELAYS: {}", this, e.getMessage());
        }
      }
      default -> {
        // ALIVE: net_crypto's idle timeout already ends a silent connection; the rest (name,
        // status message, typing, file transfers, ...) is beyond Messenger's minimum
      }
    }
  }

  private void shareRelays() {
    List<PackedNode> ours = node.ourRelayNodes();
    if (!ours.isEmpty()) {
      emit(Message.of(FriendPackets.SHARE_RELAYS, FriendPackets.encodeShareRelays(ours)));
    }
  }

  /**
   * Puts a lossless message (only those: {@link #sendMessage} counts them) on the connection;
   * returns false if there is none or sending on it {@link #finish finished}.
   */
  private boolean emit(Message m) {
    Sinks.Many<Message> out = outbound;
    if (out != null && out.tryEmitNext(m).isSuccess()) {
      emitted++;
      return true;
    }
    return false;
  }

  private void ended(CryptoConnection c) {
    if (conn != c) {
      return;
    }
    conn = null;
    Sinks.Many<Message> out = outbound;
    outbound = null;
    if (out != null) {
      out.tryEmitComplete();
    }
    timers.dispose();
    if (online) {
      node.onionFriendOnline(realKey, false);
    }
    online = false;
    established = false;
    link = null;
    publish();
    scheduleRetry();
  }

  private void publish() {
    CryptoConnection c = conn;
    LinkStatus l = link;
    FriendStatus next;
    if (c != null && online && l != null && l.path() != null) {
      next =
          new FriendStatus(
              l.kind() == LinkStatus.Kind.DIRECT
                  ? FriendStatus.Kind.DIRECT
                  : FriendStatus.Kind.RELAYED,
              c,
              l.path());
    } else {
      next = FriendStatus.OFFLINE;
    }
    if (!next.equals(current)) {
      current = next;
      status.tryEmitNext(next);
    }
  }

  /** Removes the friend: ends its connection, searches and streams. */
  void remove() {
    removed = true;
    CryptoConnection c = conn;
    if (c != null) {
      c.dispose();
      ended(c);
    }
    retry.dispose();
    requests.dispose();
    tracking.dispose();
    lookup.dispose();
    status.tryEmitComplete();
    messages.tryEmitComplete();
  }
}
