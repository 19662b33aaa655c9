package org.toxreactive.examples;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.HostPort;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.friend.FriendPackets;
import org.toxreactive.netcrypto.CryptoConnection;
import org.toxreactive.netcrypto.LinkStatus;
import org.toxreactive.netcrypto.Message;
import org.toxreactive.netcrypto.NetCrypto;
import org.toxreactive.netcrypto.NetCryptoNode;
import org.toxreactive.netcrypto.NetCryptoStats;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.RelayPool;
import org.toxreactive.transport.udp.UdpTransport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Text chat over net_crypto, directly over UDP and/or through TCP relays (no DHT, no onion), with
 * the minimum of Tox's friend layer that c-toxcore needs to call us online: ONLINE (24) on connect,
 * ALIVE (16) every 8 s, a 32 s timeout, MESSAGE (64) for text, SHARE_RELAYS (17): the ids and codec
 * of tox-friend's {@link FriendPackets}, the packets Tox ID mode's {@code ToxNode} speaks. Without
 * {@code --peer} it accepts whoever connects (e.g. a c-toxcore friend reconnecting to the port and
 * DHT key it knows us by) and echoes each message to the connection it came on only; a peer that
 * leaves (kill packet, timeout) ends its own connection, and the listener goes on serving the
 * others and new ones. On exit it waits (bounded) until each peer has acknowledged everything, then
 * sends a kill packet.
 *
 * <p>With {@code --relay HOST:PORT:KEY} (repeatable) a {@link RelayPool} over those relays (with
 * our DHT key pair) is a second transport, and every relay is a path hint: the cookie request and
 * the handshake go out of band to the peer's DHT key on each relay, so a TCP-only peer connected to
 * one of them answers; then routed data flows and net_crypto fails over between relays (and UDP).
 * {@code --no-udp} uses the relays only.
 */
@Command(
    name = "chat",
    mixinStandardHelpOptions = true,
    description = {
      "Chat with a Tox peer (c-toxcore or another tox-reactive node) over UDP and/or TCP relays.",
      "Prints 'KEYS real=.. dht=.. port=..', 'CONNECTED <peer>', 'PATH <udp|relay:KEYPREFIX>' when the",
      "data path changes ('PATH unreachable' while the peer is heard on no path), 'ROUTE",
      "relay:KEYPREFIX up|down' as the peer comes and goes on a relay,",
      "then 'RECV <text>' per message, and on exit 'STATS ...' (data packets sent and received,",
      "packet requests apart); exits 0 after --expect messages (listening without --expect: after",
      "--seconds)."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:done: --expect messages received (a listener without --expect: --seconds passed)",
      "1:the connection to --peer failed",
      "2:bad arguments",
      "3:cannot bind the UDP socket (--host, --port: in use, not an address of this machine)",
      "4:timeout: --seconds passed before --expect messages arrived",
      "70:internal error (--debug prints the stack trace)"
    })
final class ChatCommand implements Callable<Integer> {
  // the friend layer's ids and SHARE_RELAYS codec, the same as Tox ID mode's ToxNode speaks
  static final int ALIVE = FriendPackets.ALIVE;
  static final int SHARE_RELAYS = FriendPackets.SHARE_RELAYS;
  static final int ONLINE = FriendPackets.ONLINE;
  static final int MESSAGE = FriendPackets.MESSAGE;

  static final int CONNECT_FAILED = 1;
  static final int CANNOT_BIND = 3;
  static final int TIMEOUT = 4;

  /** c-toxcore's FRIEND_PING_INTERVAL: how often an ALIVE goes out. */
  static final Duration ALIVE_EVERY = Duration.ofSeconds(8);

  /** How long an exit waits for the peer to acknowledge what we still have in flight. */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

  @Spec CommandSpec spec;

  @Option(
      names = "--window",
      defaultValue = "32",
      converter = Cli.Positive.class,
      description =
          "Messages in flight before waiting for replies, >= 1 (default ${DEFAULT-VALUE}).")
  int window;

  private volatile List<Bytes> shareRelays = List.of();
  private volatile List<RelayAddress> relayList = List.of();
  private volatile RelayPool relayPool;

  /** The connections being served: one when we called, any number when listening. */
  private final Set<Served> served = ConcurrentHashMap.newKeySet();

  private final AtomicInteger sent = new AtomicInteger();

  private void sendNext(Sinks.Many<Message> outbound) {
    int i = sent.getAndIncrement();
    if (outbound != null && i < send) {
      outbound.emitNext(
          Message.of(MESSAGE, Bytes.ofUtf8("msg-" + i)),
          Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
    }
  }

  @Option(
      names = "--secret-key",
      paramLabel = "HEX",
      converter = Cli.SecretKeyPair.class,
      description = "Our real (long-term) secret key, 64 hex digits; random if absent.")
  KeyPair realKeys;

  @Option(
      names = "--dht-secret-key",
      paramLabel = "HEX",
      converter = Cli.SecretKeyPair.class,
      description = "Our DHT secret key, 64 hex digits; random if absent.")
  KeyPair dhtKeys;

  @Option(
      names = "--peer",
      paramLabel = "HEX",
      converter = Cli.Key.class,
      description = "The peer's real public key (64 hex digits). Without it we wait and echo.")
  PublicKey peerKey;

  @Option(
      names = "--peer-dht",
      paramLabel = "HEX",
      converter = Cli.Key.class,
      description = "The peer's DHT public key (64 hex digits).")
  PublicKey peerDhtKey;

  @Option(
      names = "--udp",
      paramLabel = "HOST:PORT",
      converter = Cli.Address.class,
      description =
          "The peer's UDP address, IPv6 in brackets ([::1]:33445; then --host ::1); optional when"
              + " --relay is given.")
  HostPort udp;

  @Option(
      names = "--relay",
      paramLabel = "HOST:PORT:KEY",
      converter = Cli.Relay.class,
      description =
          "A TCP relay the peer is connected to (repeatable): its host, port and public key.")
  List<RelayAddress> relays = new ArrayList<>();

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "The address our UDP socket binds (default ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--no-udp",
      description = "No UDP socket at all: reach the peer (or be reached) through --relay only.")
  boolean noUdp;

  @Option(
      names = "--no-share-relays",
      description =
          "Do not send SHARE_RELAYS: the peer then knows only the relay our handshake reached it on.")
  boolean noShareRelays;

  @Option(
      names = "--share-relays-every",
      defaultValue = "120",
      converter = Cli.Positive.class,
      description =
          "Send SHARE_RELAYS again every this many seconds, >= 1 (default ${DEFAULT-VALUE},"
              + " c-toxcore's interval). c-toxcore attaches a shared relay only while it is routed"
              + " to us on fewer than 3, and forgets one whose link died: sooner lets it take a"
              + " relay again soon after losing one.")
  int shareRelaysEvery;

  @Option(
      names = "--port",
      defaultValue = "0",
      converter = Cli.Port.class,
      description = "Our UDP port, 0..65535 (0 = any free port).")
  int port;

  @Option(
      names = "--send",
      defaultValue = "0",
      converter = Cli.NonNegative.class,
      description = "Messages to send once connected (>= 0).")
  int send;

  @Option(
      names = "--expect",
      defaultValue = "0",
      converter = Cli.NonNegative.class,
      description = "Exit 0 after receiving this many messages (>= 0).")
  int expect;

  @Option(
      names = "--seconds",
      defaultValue = "60",
      converter = Cli.Positive.class,
      description = "Give up after this long, >= 1 (exit 4; default ${DEFAULT-VALUE}).")
  int seconds;

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT:KEY[:TCP_PORT,...]",
      converter = Cli.Bootstrap.class,
      description =
          "Tox ID mode: a DHT node to join the network through (repeatable): its host, UDP port"
              + " and DHT key, e.g. a tox-bootstrapd or our relay's DHT port; a 4th field lists"
              + " its TCP relay ports (tox-bootstrapd's tcp_ports, same key), and the first"
              + " becomes one of our relays: 127.0.0.1:33445:KEY:33445.")
  List<org.toxreactive.friend.BootstrapNode> bootstrap = new ArrayList<>();

  @Option(
      names = "--udp-after",
      paramLabel = "N",
      defaultValue = "0",
      converter = Cli.NonNegative.class,
      description =
          "Tox ID mode, for tests: hold direct UDP back from net_crypto until N messages have"
              + " been received, so a connection starts RELAYED and goes DIRECT only then (the DHT"
              + " and onion use UDP meanwhile; default 0: off).")
  int udpAfter;

  @Option(
      names = "--friend",
      paramLabel = "TOXID",
      converter = Cli.ToxIdValue.class,
      description =
          "Tox ID mode: the friend to add by its Tox ID (76 hex digits) and send a friend request"
              + " to; once it is online --send messages go out. Without it we echo each message to"
              + " its sender.")
  org.toxreactive.friend.ToxId friendId;

  @Option(
      names = "--request-message",
      paramLabel = "TEXT",
      defaultValue = "tox-reactive chat",
      description = "Tox ID mode: the friend request's message (default '${DEFAULT-VALUE}').")
  String requestMessage;

  @Option(
      names = "--accept-requests",
      description =
          "Tox ID mode: accept every friend request (otherwise they are printed, refused).")
  boolean acceptRequests;

  /** Whether a Tox ID mode option was given (and the direct mode's --peer must not be). */
  boolean toxIdMode() {
    return !bootstrap.isEmpty() || friendId != null || acceptRequests;
  }

  @Override
  public Integer call() throws Exception {
    if (toxIdMode()) {
      if (peerKey != null || peerDhtKey != null || udp != null) {
        throw usage(
            "--peer/--peer-dht/--udp (direct mode) and --bootstrap/--friend/--accept-requests"
                + " (Tox ID mode) exclude each other");
      }
      if (noUdp && relays.isEmpty() && bootstrap.stream().allMatch(n -> n.tcpPorts().isEmpty())) {
        throw usage("--no-udp needs at least one --relay or a --bootstrap node with TCP ports");
      }
      if (noUdp && udpAfter > 0) {
        throw usage("--udp-after and --no-udp exclude each other");
      }
      if (requestMessage.isEmpty()
          || requestMessage.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
              > org.toxreactive.friend.ToxNode.MAX_REQUEST_MESSAGE) {
        throw usage(
            "--request-message must be 1.."
                + org.toxreactive.friend.ToxNode.MAX_REQUEST_MESSAGE
                + " bytes of UTF-8");
      }
      return new ToxIdChat(this).run();
    }
    if (udpAfter > 0) {
      throw usage(
          "--udp-after is a Tox ID mode option (with --bootstrap, --friend or --accept-requests)");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    KeyPair real = realKeys != null ? realKeys : KeyPair.generate();
    KeyPair dht = dhtKeys != null ? dhtKeys : KeyPair.generate();
    List<RelayAddress> relayAddresses = List.copyOf(relays);
    if (noUdp && relayAddresses.isEmpty()) {
      throw usage("--no-udp needs at least one --relay");
    }
    if (noUdp && udp != null) {
      throw usage("--udp and --no-udp exclude each other");
    }
    if (peerKey != null && (peerDhtKey == null || (udp == null && relayAddresses.isEmpty()))) {
      throw usage("--peer needs --peer-dht and --udp or --relay");
    }
    if (peerKey == null && (peerDhtKey != null || udp != null)) {
      throw usage("--peer-dht and --udp name the peer to call: give --peer too");
    }
    InetSocketAddress peerUdp = udp == null ? null : resolve(udp);
    shareRelays = noShareRelays ? List.of() : shareRelaysPayloads(relayAddresses);
    relayList = relayAddresses;
    UdpTransport transport = noUdp ? null : bind();
    RelayPool pool =
        relayAddresses.isEmpty()
            ? null
            : RelayPool.create(dht)
                .relays(relayAddresses)
                .active(relayAddresses.size()) // every relay the user named, no spares
                .connectInBackground();
    relayPool = pool;
    NetCrypto config =
        NetCrypto.create(real, dht).acceptor(p -> peerKey == null || p.realKey().equals(peerKey));
    for (PacketTransport t : new PacketTransport[] {transport, pool}) {
      if (t != null) {
        config = config.transport(t);
      }
    }
    NetCryptoNode node = config.bindNow();
    out.printf(
        "KEYS real=%s dht=%s port=%d%n",
        real.publicKey().toHex(),
        dht.publicKey().toHex(),
        transport == null ? 0 : transport.localAddress().getPort());
    out.flush();
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger received = new AtomicInteger();
    Disposable.Composite running = reactor.core.Disposables.composite();
    boolean drain = false;
    try {
      if (pool != null) {
        running.add(
            pool.pathEvents()
                .subscribe(
                    e -> {
                      if (e.path() instanceof Path.Relay r) {
                        out.println(
                            "ROUTE relay:"
                                + r.relay().toHex().substring(0, 8)
                                + (e.usable() ? " up" : " down (" + e.reason() + ")"));
                        out.flush();
                      }
                    }));
        awaitLinks(pool, err);
      }
      if (peerKey != null) {
        List<Path> hints = new ArrayList<>();
        if (peerUdp != null) {
          hints.add(Path.udp(peerUdp));
        }
        for (RelayAddress r : relayAddresses) {
          hints.add(Path.relay(r.publicKey(), peerDhtKey));
        }
        running.add(
            node.connect(peerKey, peerDhtKey, hints)
                .subscribe(c -> serve(c, out, received, done, false), e -> fail(e, done)));
      } else {
        running.add(node.incoming().subscribe(c -> serve(c, out, received, done, true)));
      }
      boolean ok = done.await(seconds, TimeUnit.SECONDS);
      if (connectFailure.get() != null) {
        throw new Cli.Failure(
            CONNECT_FAILED, "no connection to the peer: " + Cli.rootMessage(connectFailure.get()));
      }
      if (!ok && peerKey == null && expect == 0) {
        drain = true; // a listener with nothing to expect serves for --seconds
        return 0;
      }
      if (!ok || (expect > 0 && received.get() < expect)) {
        err.printf(
            "chat: timeout after %d s: received %d of %d messages%n",
            seconds, received.get(), expect);
        err.flush();
        return TIMEOUT;
      }
      drain = true;
      return 0;
    } finally {
      finish(err, drain);
      running.dispose();
      NetCryptoStats stats = node.stats();
      out.printf(
          "STATS requests_sent=%d data_sent=%d requests_received=%d data_received=%d%n",
          stats.requestsSent(),
          stats.dataPacketsSent(),
          stats.requestsReceived(),
          stats.dataPacketsReceived());
      out.flush();
      node.dispose();
      if (transport != null) {
        transport.disposeNow(Duration.ofSeconds(5));
      }
      if (pool != null) {
        pool.dispose();
      }
    }
  }

  /** How long we wait for the relay links before connecting anyway (cookie requests retry). */
  static final Duration LINK_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Waits (bounded) until every relay link is up, so the first cookie request goes out on all of
   * them; a relay still down after {@link #LINK_TIMEOUT} is reported and left to reconnect.
   */
  private static void awaitLinks(RelayPool pool, PrintWriter err) throws InterruptedException {
    long deadline = System.nanoTime() + LINK_TIMEOUT.toNanos();
    while (pool.relays().stream().anyMatch(r -> !r.connected())) {
      if (System.nanoTime() - deadline > 0) {
        pool.relays().stream()
            .filter(r -> !r.connected())
            .forEach(
                r ->
                    err.println(
                        "chat: relay "
                            + r.address()
                            + " not connected yet"
                            + (r.note().isEmpty() ? "" : ": " + r.note())));
        err.flush();
        return;
      }
      Thread.sleep(10);
    }
  }

  /**
   * SHARE_RELAYS (17) payloads naming our relays, {@link FriendPackets#MAX_SHARED_RELAYS} per
   * packet, each encoded by {@link FriendPackets#encodeShareRelays} (packed TCP nodes, as
   * c-toxcore's unpack_nodes reads them). A relay whose host does not resolve is left out.
   */
  static List<Bytes> shareRelaysPayloads(List<RelayAddress> relays) {
    List<PackedNode> nodes = new ArrayList<>();
    for (RelayAddress r : relays) {
      try {
        nodes.add(
            new PackedNode(
                new IpPort(InetAddress.getByName(r.host()), r.port()), true, r.publicKey()));
      } catch (UnknownHostException e) {
        // left out
      }
    }
    List<Bytes> packets = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i += FriendPackets.MAX_SHARED_RELAYS) {
      List<PackedNode> some =
          nodes.subList(i, Math.min(nodes.size(), i + FriendPackets.MAX_SHARED_RELAYS));
      packets.add(FriendPackets.encodeShareRelays(some));
    }
    return List.copyOf(packets);
  }

  /**
   * SHARE_RELAYS naming the relays our links are up to now (all of them before the pool exists):
   * c-toxcore attaches every relay it is told of, and one that is down would hold one of its 6
   * slots for this peer through a 10 s connection attempt, again at each repetition, as c-toxcore
   * itself shares only connected relays.
   */
  private void share(Sinks.Many<Message> outbound) {
    RelayPool p = relayPool;
    List<Bytes> payloads = shareRelays;
    if (p != null && !payloads.isEmpty()) {
      List<RelayAddress> up =
          p.relays().stream()
              .filter(org.toxreactive.transport.tcp.RelayStatus::connected)
              .map(org.toxreactive.transport.tcp.RelayStatus::address)
              .toList();
      if (!up.isEmpty()) {
        payloads = shareRelaysPayloads(up);
      }
    }
    for (Bytes payload : payloads) {
      outbound.emitNext(
          Message.of(SHARE_RELAYS, payload),
          Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
    }
  }

  /**
   * {@code udp}, {@code relay:<first 8 hex digits of the relay key>}, or {@code unreachable} while
   * the peer is heard on no path (data waits on a path not confirmed yet: after the data path died,
   * until the peer is heard on the new one; without this line the last PATH line would still name
   * the dead path); null while connecting and at the end.
   */
  static String pathLabel(LinkStatus s) {
    if (s.path() instanceof Path.Udp) {
      return "udp";
    }
    if (s.path() instanceof Path.Relay r) {
      return "relay:" + r.relay().toHex().substring(0, 8);
    }
    return s.kind() == LinkStatus.Kind.UNREACHABLE ? "unreachable" : null;
  }

  /** Ends every connection still served (see {@link #finish(PrintWriter, boolean, Served)}). */
  private void finish(PrintWriter err, boolean drain) {
    for (Served s : List.copyOf(served)) {
      finish(err, drain, s);
    }
  }

  /**
   * Ends one connection cleanly: waits (bounded) until the peer has acknowledged everything we
   * queued (echoes of the last messages included), then sends the kill packet and waits for the
   * session to end, so the kill is on the socket before the socket closes. c-toxcore reports the
   * friend offline at once on a kill, and then reconnects to us by itself.
   */
  private void finish(PrintWriter err, boolean drain, Served s) {
    s.alive.dispose();
    s.outbound.tryEmitComplete();
    try {
      if (drain) {
        s.sent.timeout(DRAIN_TIMEOUT).block();
      }
    } catch (RuntimeException e) {
      err.println("chat: the peer did not acknowledge everything before exit: " + e);
      err.flush();
    }
    s.connection.dispose();
    s.connection
        .onDispose()
        .timeout(Duration.ofSeconds(2))
        .onErrorResume(e -> Mono.empty())
        .block();
  }

  /** One served connection: its outbound stream, the send in progress and the ALIVE timer. */
  private record Served(
      CryptoConnection connection,
      Sinks.Many<Message> outbound,
      Mono<Void> sent,
      Disposable alive) {}

  private final AtomicReference<Throwable> connectFailure = new AtomicReference<>();

  private void fail(Throwable e, CountDownLatch done) {
    connectFailure.set(e);
    done.countDown();
  }

  ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** The peer's UDP address, resolved now so that an unknown host is a usage error. */
  private InetSocketAddress resolve(HostPort hp) {
    InetSocketAddress a = new InetSocketAddress(hp.host(), hp.port());
    if (a.isUnresolved()) {
      throw usage("Invalid value for option '--udp': unknown host '" + hp.host() + "'");
    }
    return a;
  }

  /** Our UDP socket on --host and --port, or a {@link Cli.Failure} saying why it cannot be. */
  private UdpTransport bind() {
    try {
      return UdpTransport.create().host(host).port(port).bindNow();
    } catch (RuntimeException e) {
      throw new Cli.Failure(
          CANNOT_BIND,
          "cannot bind UDP "
              + HostPort.format(host, port)
              + " (--host, --port): "
              + Cli.rootMessage(e));
    }
  }

  private void serve(
      CryptoConnection c,
      PrintWriter out,
      AtomicInteger received,
      CountDownLatch done,
      boolean echo) {
    out.println("CONNECTED " + c.peerRealKey().toHex());
    out.flush();
    // Every relay of ours is a path to the peer (hints already are; an accepted connection knows
    // only the relay its handshake came on): keepalives probe them, failover can use them.
    for (RelayAddress r : relayList) {
      c.addPath(Path.relay(r.publicKey(), c.peerDhtKey()));
    }
    c.status()
        .mapNotNull(ChatCommand::pathLabel)
        .distinctUntilChanged()
        .subscribe(
            label -> {
              out.println("PATH " + label);
              out.flush();
            });
    // One outbound stream per connection: friend-layer packets, our messages and echoes in order.
    Sinks.Many<Message> outbound = Sinks.many().unicast().onBackpressureBuffer();
    Mono<Void> sent = c.send(outbound.asFlux()).cache();
    sent.subscribe(null, e -> {});
    // ONLINE on every connection, the ones we opened and the ones we accepted: c-toxcore's
    // Messenger calls the friend online only once it has received it.
    outbound.emitNext(
        Message.of(ONLINE, Bytes.EMPTY),
        Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
    // Our relays, as c-toxcore's friend_connection shares its own: the peer attaches each one it
    // is connected to (or connects to it) and routes to us there. c-toxcore 0.2.18 is routed to
    // us only on the relay its accepted handshake came from until it hears this (its own
    // SHARE_RELAYS copies no relay at all while it knows 3 relays or fewer), so without it the
    // death of that relay would end the connection.
    share(outbound);
    // Each connection's messages are answered on that connection only; its end (the peer's kill
    // or a timeout) ends the program only when we called (a listener goes on serving the others).
    c.lossless()
        .subscribe(
            m -> {
              if (m.id() == MESSAGE) {
                String text = m.payload().toUtf8();
                out.println("RECV " + text);
                out.flush();
                if (echo) {
                  outbound.emitNext(
                      Message.of(MESSAGE, m.payload()),
                      Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
                } else {
                  sendNext(outbound);
                }
                if (expect > 0 && received.incrementAndGet() >= expect) {
                  done.countDown();
                }
              }
            },
            e -> ended(echo, done),
            () -> ended(echo, done));
    // Keep at most --window messages unanswered: c-toxcore's own send queue (which its echo uses)
    // drops what it cannot hold, so a chat paces itself on the replies.
    for (int i = 0; i < Math.min(window, send); i++) {
      sendNext(outbound);
    }
    Disposable alive =
        Flux.interval(ALIVE_EVERY)
            .takeUntilOther(c.onDispose())
            .subscribe(
                t -> {
                  outbound.emitNext(
                      Message.of(ALIVE, Bytes.EMPTY),
                      Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
                });
    Disposable sharing =
        Flux.interval(Duration.ofSeconds(shareRelaysEvery))
            .takeUntilOther(c.onDispose())
            .subscribe(t -> share(outbound));
    alive = Disposables.composite(alive, sharing);
    Served one = new Served(c, outbound, sent, alive);
    served.add(one);
    c.onDispose()
        .subscribe(
            null,
            e -> forget(one),
            () -> forget(one)); // a listener keeps only the connections that are still up
  }

  private void forget(Served s) {
    s.alive.dispose();
    s.outbound.tryEmitComplete();
    served.remove(s);
  }

  /** A connection's lossless stream ended: the end of the program only if we called. */
  private static void ended(boolean listening, CountDownLatch done) {
    if (!listening) {
      done.countDown();
    }
  }
}
