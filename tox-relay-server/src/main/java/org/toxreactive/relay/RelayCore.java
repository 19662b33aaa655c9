package org.toxreactive.relay;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.DecoderException;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.BytesPool;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.NetCryptoPacketKind;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.dht.DhtChannel;
import org.toxreactive.dht.DhtMetrics;
import org.toxreactive.dht.NodeEntry;
import org.toxreactive.dht.packet.DhtPacketKind;
import org.toxreactive.onion.ClosestNodes;
import org.toxreactive.transport.tcp.HandshakeException;
import org.toxreactive.transport.tcp.ServerHandshakeHandler;
import org.toxreactive.transport.tcp.packet.Data;
import org.toxreactive.transport.tcp.packet.ForwardRequest;
import org.toxreactive.transport.tcp.packet.OnionRequest;
import org.toxreactive.transport.tcp.packet.RelayPacket;
import org.toxreactive.transport.tcp.packet.RelayPacketKind;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;

/**
 * The I/O glue of a running relay: admits connections within the limits, runs the handshake,
 * confirms clients on their first valid frame, and hands every packet to the {@link RelayRouter},
 * which runs single-threaded on its own event loop together with the UDP bridge.
 *
 * <p>Packets cross threads in batches, not one by one: a link collects what one read of its socket
 * decoded and hands the batch to the router loop at the end of the read ({@code
 * channelReadComplete}); the router's output for that batch is grouped per destination channel and
 * handed to each destination's event loop as one task that writes the packets and flushes once.
 * Under load that is one wake-up and one {@code write} system call per batch instead of per packet;
 * order per link is kept because every hand-off is FIFO.
 *
 * <p>Every packet for a client is charged to its {@link Backlog} when the router emits it and
 * discharged when it is written (the frames its window gate holds count until they go to the
 * socket). Past {@code maxQueuedBytes} the relay does not drop the data another client relays to
 * it: it stops reading that sender ({@link #MAX_SENDER_PAUSE_MILLIS} ms at most) until the
 * receiver's backlog is back under half the limit, so TCP slows the sender down and nothing is lost
 * (docs/protocol.md 8.14). A receiver that has not drained when that pause runs out has its data
 * dropped until it does, as is everything for it past {@link RelayLimits#dataDropBytes()}; onion
 * and forwarding packets from the UDP side are dropped past {@code maxQueuedBytes}. A client whose
 * backlog would pass {@code maxBacklogBytes} (it sends requests and does not read the answers) is
 * killed with {@link KillReason#QUEUE_OVERFLOW}. Unconfirmed connections live in an {@link
 * UnconfirmedPool} that evicts instead of refusing.
 */
final class RelayCore implements RelayRouter.Output<Channel> {
  private static final Logger log = LoggerFactory.getLogger(RelayCore.class);

  /** Interval of the INFO summary of kills and refusals. */
  static final Duration EVENT_LOG_INTERVAL = Duration.ofSeconds(10);

  private static final AttributeKey<ClientLink> LINK = AttributeKey.valueOf("tox.relay.link");

  private final RelayServer.Config config;
  private final Scheduler scheduler;
  private final MeterRegistry registry;
  private final RelayLimits limits;
  private final int maxConnections;
  private final boolean capByOpenFiles;
  final RelayMetrics metrics;
  private final UnconfirmedPool<ClientLink> unconfirmed;
  private final RateLimitedLog events;
  private final EventLoop routerLoop;
  final RelayRouter<Channel> router;
  private final ConcurrentHashMap<InetAddress, AtomicInteger> perIp = new ConcurrentHashMap<>();

  /**
   * Every accepted connection until it closes (a closed one leaves by itself), so that {@link
   * #shutdown} closes each one itself; once closed, the group closes whatever is added later.
   */
  private final ChannelGroup links =
      new DefaultChannelGroup("tox-relay-links", GlobalEventExecutor.INSTANCE, true);

  /** Whether the window gate works on this kernel: -1 not known yet, 0 no, 1 yes. */
  private final AtomicInteger gateOnThisKernel = new AtomicInteger(-1);

  // null until the UDP socket is bound (udpBound), and for good if UDP is off
  private volatile @Nullable OnionBridge bridge;
  private volatile @Nullable DhtChannel dht;
  private volatile @Nullable Channel udpChannel;
  private @Nullable Disposable ticker; // null until start()

  /** Router loop only: while a batch runs, output is collected here per destination. */
  private final IdentityHashMap<Channel, Outbox> outboxes = new IdentityHashMap<>();

  private boolean batching;

  /** Bounds a link's batch when a read delivers many frames before its read-complete. */
  private static final int MAX_BATCH = 256;

  /**
   * Packets of one link handed to the router loop and not yet routed, past which the link stops
   * reading its socket until the router has caught up to half of it: a fast sender cannot grow the
   * router's task queue without bound (at most ~2 MB of frames per link), and nothing is lost.
   */
  static final int MAX_IN_FLIGHT = 4 * MAX_BATCH;

  /**
   * The longest a sender waits for a receiver's backlog to drain before the relay reads it again
   * and drops that receiver's data instead: all of a sender's routes share its one socket, so one
   * receiver that does not read must not hold the sender's traffic to the others for long (a
   * c-toxcore relay never waits: it drops once the receiver's socket is full).
   */
  static final long MAX_SENDER_PAUSE_MILLIS = 500;

  /** How often the router checks whether the receivers senders wait for have drained. */
  static final long DRAIN_POLL_MILLIS = 1;

  /** Router loop only: the link whose batch is being routed, null outside {@link #route}. */
  private @Nullable ClientLink routingFrom;

  /** Router loop only: receivers whose senders are paused until they drain. */
  private final java.util.LinkedHashSet<ClientLink> full = new java.util.LinkedHashSet<>();

  private boolean drainPollScheduled;

  /**
   * Free arrays the payload pool keeps at most: 2,048 x 1,400 bytes, 2.8 MB for the whole relay,
   * made only as a burst in flight needs them (more than a link's {@link #MAX_IN_FLIGHT}).
   */
  static final int PAYLOAD_POOL_CAPACITY = 2 * MAX_IN_FLIGHT;

  /**
   * Where the links take routed data payloads from (docs/architecture.md 4): each is lent by the
   * source link's decoder and the loan ends where the packet's life does, by {@link #ended}: sealed
   * into the destination's frame ({@link Outbox}), or dropped (no route, a full backlog, a paused
   * sender's waiting batch of a client gone). A loan lost on another path (the relay shutting down,
   * a client killed for a bad connection id) costs its array, nothing else.
   */
  final BytesPool payloads =
      new BytesPool(NetCryptoPacketKind.MAX_PACKET_SIZE, PAYLOAD_POOL_CAPACITY);

  /**
   * @param maxConnections the connection cap: the configured one, or lower to fit under the
   *     process's open-file limit (see {@link OpenFiles})
   */
  RelayCore(
      RelayServer.Config config, MeterRegistry registry, EventLoop routerLoop, int maxConnections) {
    this.registry = registry;
    this.config = config;
    this.scheduler = Objects.requireNonNull(config.scheduler(), "no scheduler: bind sets one");
    this.limits = config.limits();
    this.maxConnections = maxConnections;
    this.capByOpenFiles = maxConnections < limits.maxConnections();
    this.routerLoop = routerLoop;
    this.router = new RelayRouter<>(this, config.timers());
    this.unconfirmed =
        new UnconfirmedPool<>(limits.maxUnconfirmed(), limits.maxUnconfirmedPerPrefix());
    this.metrics = new RelayMetrics(registry, unconfirmed::size);
    this.events = new RateLimitedLog(scheduler, EVENT_LOG_INTERVAL, log::info);
  }

  /** The connection cap in force (see the constructor). */
  int maxConnections() {
    return maxConnections;
  }

  long now() {
    return scheduler.now(TimeUnit.MILLISECONDS);
  }

  void start() {
    events.start();
    ticker =
        scheduler.schedulePeriodically(
            () -> routerLoop.execute(() -> router.tick(now())), 1, 1, TimeUnit.SECONDS);
  }

  /**
   * Stops the keepalive and ends every connection: first the confirmed clients through the router
   * (their peers are told), then every connection still open, unconfirmed ones included. Completes
   * once all are closed; each of the two steps waits at most {@code bound}.
   *
   * <p>The relay closes them itself, before its event loops stop, instead of leaving them to the
   * loops' shutdown: a Netty event loop shut down with no quiet period can end without closing its
   * channels (when the shutdown begins while the loop runs tasks, its closing step is skipped), and
   * such a connection kept its socket open and, for a half-received hello, an unreleased buffer
   * (the leak {@code UnconfirmedFloodTest} reported now and then). Once this has completed, every
   * close has at least been handed to its event loop, which runs it before it stops.
   *
   * @param bound the longest wait for the router, and then for the closes
   * @return completes when every connection is closed, or when a wait ran out
   */
  Mono<Void> shutdown(Duration bound) {
    if (ticker != null) {
      ticker.dispose();
    }
    DhtChannel d = dht;
    if (d != null) {
      d.stop();
    }
    Mono<Void> killed =
        Mono.create(
            sink -> {
              try {
                routerLoop.execute(
                    () -> {
                      try {
                        router.killAll(KillReason.SHUTDOWN);
                        events.stop();
                      } finally {
                        sink.success();
                      }
                    });
              } catch (RejectedExecutionException stopped) {
                sink.success(); // the router loop is gone already: nothing left to kill there
              }
            });
    Mono<Void> closed =
        Mono.defer(() -> Mono.create(sink -> links.close().addListener(f -> sink.success())));
    return killed.timeout(bound, Mono.empty()).then(closed.timeout(bound, Mono.empty()));
  }

  /** Router loop: publishes the confirmed-client count for other threads (the gauge). */
  private void clientsChanged() {
    metrics.clients.set(router.clientCount());
  }

  /** Counts, summarises in the log, and closes: every kill goes through here. */
  private void killed(Channel ch, KillReason reason) {
    metrics.killed(reason);
    events.record("kills", "reason=" + RelayMetrics.tag(reason));
    if (log.isDebugEnabled()) {
      log.debug("killed {} reason={}", peer(ch), RelayMetrics.tag(reason));
    }
    ch.close();
  }

  private void refused(Channel ch, io.micrometer.core.instrument.Counter counter, String limit) {
    counter.increment();
    events.record("refusals", "limit=" + limit);
    if (log.isDebugEnabled()) {
      log.debug("refused {} limit={}", peer(ch), limit);
    }
    ch.close();
  }

  /** The remote end of a link, IPv6 in brackets. */
  static String peer(Channel ch) {
    return ch.remoteAddress() instanceof InetSocketAddress a
        ? RelayServer.format(a)
        : String.valueOf(ch.remoteAddress());
  }

  // ------------------------------------------------------------------ UDP bridge

  void udpBound(Connection udp) {
    udpChannel = udp.channel();
    dht = new DhtChannel(udp.channel(), config.keys(), config.dht(), this::now);
    DhtMetrics.bind(registry, dht.stats());
    OnionBridge b =
        new OnionBridge(
            config.keys(),
            closestNodes(),
            router::client,
            this::sendUdp,
            this::sendToClient,
            config.forwarding(),
            now());
    b.localAddress((InetSocketAddress) udp.channel().localAddress());
    bridge = b;
    // what the onion node made of each input (docs/protocol.md 13), e.g. answered, rate_limited
    for (org.toxreactive.onion.OnionNode.Outcome o :
        org.toxreactive.onion.OnionNode.Outcome.values()) {
      io.micrometer.core.instrument.FunctionCounter.builder(
              "tox.relay.onion.node", b.node(), n -> n.count(o))
          .tag("outcome", o.name().toLowerCase(java.util.Locale.ROOT))
          .register(registry);
    }
    // chats in the group-announce store (docs/protocol.md 13.6)
    io.micrometer.core.instrument.Gauge.builder(
            "tox.relay.onion.group_chats", b.node(), n -> n.groupChats())
        .register(registry);
    udp.addHandlerLast("tox.relay.udp", new UdpInbound());
    udp.channel().config().setAutoRead(true);
    dht.start();
  }

  /** The DHT node on the UDP socket, or null if UDP is off. */
  @Nullable DhtChannel dht() {
    return dht;
  }

  /**
   * How many datagrams and relay-client requests the onion node ended with {@code outcome}; read
   * from another thread the figure may lag slightly.
   */
  long onionOutcomes(org.toxreactive.onion.OnionNode.Outcome outcome) {
    OnionBridge b = bridge;
    return b == null ? 0 : b.node().count(outcome);
  }

  int udpPort() {
    Channel ch = udpChannel;
    return ch == null ? -1 : ((InetSocketAddress) ch.localAddress()).getPort();
  }

  private void sendUdp(ByteBuf datagram, InetSocketAddress to) {
    // the bridge that sends exists only once udpBound has set the channel
    Channel udp = Objects.requireNonNull(udpChannel, "UDP not bound");
    udp.writeAndFlush(new DatagramPacket(datagram, to), udp.voidPromise());
  }

  private void sendToClient(RelayRouter.Client<Channel> client, RelayPacket packet) {
    send(client.handle(), packet);
  }

  /** Runs on the router loop (the UDP channel is registered there). */
  private final class UdpInbound extends ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof DatagramPacket)) {
        ctx.fireChannelRead(msg);
        return;
      }
      DatagramPacket p = (DatagramPacket) msg;
      try {
        // added by udpBound after it set both
        DhtChannel d = Objects.requireNonNull(dht, "no DHT node");
        OnionBridge b = Objects.requireNonNull(bridge, "no onion bridge");
        ByteBuf content = p.content();
        if (content.isReadable()
            && DhtPacketKind.isDht(content.getUnsignedByte(content.readerIndex()))) {
          d.onDatagram(p);
        } else if (!b.onDatagram(content, p.sender(), now())) {
          metrics.udpDropped.increment();
        }
      } finally {
        p.release();
      }
    }
  }

  /**
   * The onion path's hand-off: every UDP datagram that is not a DHT packet (onion 0x80-0x8e,
   * forwarding and announce 0x90-0x9f, anything else) goes here, on the router loop. Borrows it.
   */
  /**
   * The onion node's view of the DHT node on the same socket (both run on the router loop): the
   * good nodes closest to a key for announce responses, LAN addresses only when the relay itself
   * listens on one (a public node does not hand out private addresses), and close-list addresses
   * for forward requests.
   */
  private ClosestNodes closestNodes() {
    // called by udpBound once it has set both
    DhtChannel d = Objects.requireNonNull(dht, "no DHT node");
    Channel udp = Objects.requireNonNull(udpChannel, "UDP not bound");
    boolean lan =
        udp.localAddress() instanceof InetSocketAddress a
            && !a.getAddress().isAnyLocalAddress()
            && org.toxreactive.dht.Lan.isLan(a.getAddress());
    return new ClosestNodes() {
      @Override
      public List<PackedNode> closest(PublicKey target, int max) {
        return atMost(d.core().closestNodes(target, lan, now()), max);
      }

      @Override
      public List<PackedNode> closestAnnounceNodes(PublicKey target, int max) {
        return atMost(d.core().closestAnnounceNodes(target, lan, now()), max);
      }

      @Override
      public @Nullable IpPort addressOf(PublicKey dhtKey) {
        NodeEntry e = d.core().closeList().find(dhtKey);
        if (e == null) {
          return null;
        }
        long t = now();
        if (e.ipv4().address() != null && !e.ipv4().isBad(t)) {
          return e.ipv4().address();
        }
        return e.ipv6().address() != null && !e.ipv6().isBad(t) ? e.ipv6().address() : null;
      }
    };
  }

  private static List<PackedNode> atMost(List<PackedNode> nodes, int max) {
    return nodes.size() <= max ? nodes : nodes.subList(0, max);
  }

  // ------------------------------------------------------------------ router output (router loop)

  @Override
  public void send(Channel to, RelayPacket packet) {
    ClientLink link = to.attr(LINK).get();
    Backlog backlog = link.backlog;
    RelayPacketKind kind = packet.kind();
    long cost = Backlog.cost(packet);
    if (link.dropping && backlog.bytes() <= limits.maxQueuedBytes() / 2) {
      link.dropping = false; // it drained since a pause for it ran out: senders may wait again
    }
    if (!kind.isPriority() && !backlog.fits(cost, limits.maxQueuedBytes())) {
      ClientLink from = routingFrom;
      if (from == null
          || from == link
          || link.dropping
          || !(kind == RelayPacketKind.DATA || kind == RelayPacketKind.OOB_RECV)
          || !backlog.fits(cost, limits.dataDropBytes())) {
        metrics.dropped(kind);
        ended(packet);
        return;
      }
      // a client's data for another: the packet goes, its sender waits (docs/protocol.md 8.14)
      pause(from, link);
    }
    boolean wasOverflowed = backlog.overflowed();
    if (!backlog.tryReserve(cost, limits.maxBacklogBytes())) {
      metrics.dropped(kind);
      ended(packet);
      if (!wasOverflowed) {
        // after the router call that emitted this returns: killing now would re-enter the router
        routerLoop.execute(() -> overflowed(link));
      }
      return;
    }
    metrics.out(kind, packet.encodedLength());
    if (batching) {
      outboxes.computeIfAbsent(to, ch -> new Outbox(link)).packets.add(packet);
    } else {
      Outbox o = new Outbox(link);
      o.packets.add(packet);
      to.eventLoop().execute(o);
    }
  }

  /**
   * The unread backlog of the client with {@code key} (a test's view of its memory), read on the
   * router loop; -1 if no such client is connected.
   */
  java.util.concurrent.CompletableFuture<Long> backlogOf(PublicKey key) {
    java.util.concurrent.CompletableFuture<Long> f = new java.util.concurrent.CompletableFuture<>();
    routerLoop.execute(
        () -> {
          RelayRouter.Client<Channel> c = router.client(key);
          f.complete(c == null ? -1L : c.handle().attr(LINK).get().backlog.bytes());
        });
    return f;
  }

  /** Router loop: a client's backlog passed its cap; the router forgets it, its peers are told. */
  private void overflowed(ClientLink link) {
    RelayRouter.Client<Channel> c = link.client;
    if (c != null && c.isAlive()) {
      log.debug(
          "{} has {} bytes unread, past maxBacklogBytes", peer(link.channel), link.backlog.bytes());
      router.kill(c, KillReason.QUEUE_OVERFLOW);
    }
  }

  @Override
  public void discarded(Channel from, RelayPacket packet) {
    metrics.discarded(
        packet.kind() == RelayPacketKind.DATA
            ? RelayMetrics.Discard.OFFLINE_ROUTE
            : RelayMetrics.Discard.UNKNOWN_KEY);
    ended(packet);
  }

  /**
   * Ends {@code packet}'s payload loan if it is a data packet lent from {@link #payloads}: nothing
   * may read it afterwards (its array carries another packet soon). Any thread; at most once per
   * loan.
   */
  private static void ended(RelayPacket packet) {
    if (packet instanceof Data d) {
      BytesPool.release(d.payload());
    }
  }

  /** Ends the payload loans of packets that will not be routed. */
  private static void ended(List<RelayPacket> packets) {
    for (int i = 0, n = packets.size(); i < n; i++) {
      ended(packets.get(i));
    }
  }

  /**
   * Runs on the router loop: one link's batch through the router, output grouped per channel. A
   * paused link's batches wait, in order, until its receiver has drained (they are still counted in
   * its {@link #MAX_IN_FLIGHT}).
   */
  private void route(ClientLink from, List<RelayPacket> batch) {
    if (from.client != null && (from.waitingFor != null || !from.deferred.isEmpty())) {
      from.deferred.addLast(batch);
      return;
    }
    routeNow(from, batch);
  }

  /** Router loop: routes {@code batch} until its link is paused; the rest waits at the head. */
  private void routeNow(ClientLink from, List<RelayPacket> batch) {
    RelayRouter.Client<Channel> client = from.client;
    int n = batch.size();
    int done = n;
    if (client != null) {
      long now = now();
      batching = true;
      routingFrom = from;
      try {
        for (int i = 0; i < n; i++) {
          router.handle(client, batch.get(i), now);
          if (from.waitingFor != null && i + 1 < n) {
            done = i + 1;
            from.deferred.addFirst(batch.subList(done, n));
            break;
          }
        }
      } finally {
        batching = false;
        routingFrom = null;
      }
      for (Outbox o : outboxes.values()) {
        o.link.channel.eventLoop().execute(o);
      }
      outboxes.clear();
      clientsChanged();
    } else {
      ended(batch); // not routed: no client (any more) to route it for
    }
    from.routed(done);
  }

  /**
   * Router loop: {@code to}'s backlog is full, so {@code from} (which just sent it a packet) stops
   * being read until {@code to} drains below half of {@code maxQueuedBytes}, for {@link
   * #MAX_SENDER_PAUSE_MILLIS} at most.
   */
  private void pause(ClientLink from, ClientLink to) {
    if (from.waitingFor != null) {
      return;
    }
    from.waitingFor = to;
    from.pausedAt = now();
    long episode = ++from.pauses;
    from.blocked = true;
    to.waiters.add(from);
    full.add(to);
    from.channel.eventLoop().execute(from::pauseReads);
    try {
      scheduler.schedule(
          () -> {
            try {
              routerLoop.execute(() -> pauseRanOut(from, to, episode));
            } catch (RejectedExecutionException stopping) {
              // the relay is shutting down: nobody waits any more
            }
          },
          MAX_SENDER_PAUSE_MILLIS,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopping) {
      // the relay is shutting down: nobody waits any more
    }
    metrics.senderPaused.increment(); // last: a test may advance the clock once it sees this
    pollDrains();
  }

  /** Router loop: a pause of {@code from} for {@code to} ran out: {@code to} drops from now on. */
  private void pauseRanOut(ClientLink from, ClientLink to, long episode) {
    if (from.waitingFor == to && from.pauses == episode) {
      metrics.senderPauseExpired.increment();
      to.dropping = true;
      drained(to);
    }
  }

  /** Router loop: checks every {@link #DRAIN_POLL_MILLIS} ms while senders wait. */
  private void pollDrains() {
    if (drainPollScheduled || full.isEmpty()) {
      return;
    }
    drainPollScheduled = true;
    try {
      routerLoop.schedule(
          () -> {
            drainPollScheduled = false;
            long low = limits.maxQueuedBytes() / 2;
            for (ClientLink r : new ArrayList<>(full)) {
              if (!r.channel.isActive() || r.backlog.bytes() <= low) {
                drained(r);
              }
            }
            pollDrains();
          },
          DRAIN_POLL_MILLIS,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException stopping) {
      drainPollScheduled = false; // the relay is shutting down
    }
  }

  /**
   * Router loop: {@code to} drained (or went away, or dropped): its senders are read again and
   * their waiting batches routed.
   */
  private void drained(ClientLink to) {
    full.remove(to);
    if (to.waiters.isEmpty()) {
      return;
    }
    List<ClientLink> senders = new ArrayList<>(to.waiters);
    to.waiters.clear();
    long now = now();
    for (ClientLink s : senders) {
      if (s.waitingFor == to) {
        s.waitingFor = null;
        s.blocked = false;
        metrics.senderPauseTime.record(Math.max(0, now - s.pausedAt), TimeUnit.MILLISECONDS);
        s.channel.eventLoop().execute(s::resume);
        while (s.waitingFor == null && !s.deferred.isEmpty()) {
          routeNow(s, s.deferred.pollFirst());
        }
      }
    }
  }

  /** Router loop: {@code link}'s client is gone: nobody waits for it, it waits for nobody. */
  private void forget(ClientLink link) {
    drained(link);
    ClientLink r = link.waitingFor;
    if (r != null) {
      r.waiters.remove(link);
      link.waitingFor = null;
    }
    for (List<RelayPacket> b : link.deferred) {
      ended(b); // a gone sender's batches are not routed
    }
    link.deferred.clear();
  }

  /**
   * Packets for one channel from one batch: written on its loop, then flushed once. Each packet is
   * discharged from the link's backlog as it enters the channel's outbound buffer, and its payload
   * loan ends there: the write seals it into a frame (or drops it) before it returns, and what
   * waits in the outbound buffer or the window gate is that frame, not the payload.
   */
  private static final class Outbox implements Runnable {
    final ClientLink link;
    final ArrayList<RelayPacket> packets = new ArrayList<>(8);

    Outbox(ClientLink link) {
      this.link = link;
    }

    @Override
    public void run() {
      Channel channel = link.channel;
      for (int i = 0, n = packets.size(); i < n; i++) {
        if (!channel.isWritable()) {
          // unflushed frames of this batch filled the outbound buffer: push them to the socket
          // before the next one, so only a full socket (a slow reader) makes data drop
          channel.flush();
        }
        RelayPacket p = packets.get(i);
        long cost = Backlog.cost(p);
        try {
          channel.write(p, channel.voidPromise());
        } finally {
          link.backlog.written(cost);
          ended(p);
        }
      }
      channel.flush();
    }
  }

  @Override
  public void kill(Channel client, KillReason reason) {
    killed(client, reason);
    clientsChanged();
  }

  @Override
  public void onionRequest(RelayRouter.Client<Channel> client, OnionRequest request) {
    OnionBridge b = bridge;
    if (b == null) {
      return;
    }
    RelayMetrics.Discard why = b.onionRequest(client, request, now());
    if (why == null) {
      metrics.onionToUdp.increment();
    } else {
      metrics.discarded(why);
    }
  }

  @Override
  public boolean forwardRequest(RelayRouter.Client<Channel> client, ForwardRequest request) {
    OnionBridge b = bridge;
    if (b == null || !b.forwardingEnabled()) {
      return false;
    }
    b.forwardRequest(client, request, now());
    metrics.forwardToUdp.increment();
    return true;
  }

  // ------------------------------------------------------------------ connections

  /**
   * A new TCP connection: admit it within the limits (an unconfirmed one may evict an older one),
   * then start the handshake.
   */
  void accept(Connection conn) {
    Channel ch = conn.channel();
    links.add(ch); // closed at once if the relay is shutting down
    InetAddress ip = ((InetSocketAddress) ch.remoteAddress()).getAddress();
    if (metrics.open.get() >= maxConnections) {
      if (capByOpenFiles) {
        refused(ch, metrics.refusedOpenFiles, "open_files");
      } else {
        refused(ch, metrics.refusedTotal, "connections");
      }
      return;
    }
    AtomicInteger fromIp = perIp.computeIfAbsent(ip, k -> new AtomicInteger());
    if (fromIp.incrementAndGet() > limits.maxConnectionsPerIp()) {
      release(ip, fromIp);
      refused(ch, metrics.refusedPerIp, "per_ip");
      return;
    }
    metrics.open.incrementAndGet();
    metrics.accepted.increment();
    if (log.isDebugEnabled()) {
      log.debug("accepted {}", peer(ch));
    }
    // Straight into the pipeline, before reactor-netty's bridge: Connection.addHandlerLast would
    // also register an on-dispose hook per handler (~240 B each, held for the link's lifetime).
    @Nullable WindowGate gate = null;
    if (config.windowGate()
        && ch instanceof io.netty.channel.epoll.EpollSocketChannel
        && gateWorksHere(ch)) {
      // closest to the socket: sees the sealed frames (docs/protocol.md 8.14)
      gate = WindowGate.forSocket();
      ch.pipeline().addFirst("tox.relay.window", gate);
    }
    ClientLink link = new ClientLink(ch, ip, fromIp, gate);
    ch.attr(LINK).set(link);
    UnconfirmedPool.Eviction<ClientLink> evicted =
        unconfirmed.admit(link, UnconfirmedPool.prefixOf(ip));
    if (evicted != null) {
      killed(evicted.entry().channel, evicted.reason());
    }
    addBeforeBridge(ch, "tox.relay.handshake", new ServerHandshakeHandler(config.keys(), payloads));
    addBeforeBridge(ch, "tox.relay.client", link);
    ch.config().setAutoRead(true);
    link.deadline =
        scheduler.schedule(
            link::checkConfirmed, limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Whether this kernel reports a client's window ({@link WindowGate#available}), found on the
   * first connection: if not, one INFO line says the gate is not available and no link gets one.
   */
  private boolean gateWorksHere(Channel ch) {
    int known = gateOnThisKernel.get();
    if (known >= 0) {
      return known == 1;
    }
    Boolean answer = WindowGate.available(ch);
    if (answer == null) {
      return false; // this connection cannot tell (it closed already): the next one will
    }
    boolean works = answer;
    if (gateOnThisKernel.compareAndSet(-1, works ? 1 : 0) && !works) {
      log.info(
          "window gate not available: this kernel's TCP_INFO does not report the client's window"
              + " (tcpi_snd_wnd, Linux 5.4+); frames go to clients unchecked (docs/protocol.md"
              + " 8.14)");
    }
    return works;
  }

  private static void addBeforeBridge(Channel ch, String name, ChannelHandler handler) {
    if (ch.pipeline().get(NettyPipeline.ReactiveBridge) != null) {
      ch.pipeline().addBefore(NettyPipeline.ReactiveBridge, name, handler);
    } else {
      ch.pipeline().addLast(name, handler);
    }
  }

  private void release(InetAddress ip, AtomicInteger fromIp) {
    if (fromIp.decrementAndGet() <= 0) {
      perIp.remove(ip, fromIp);
    }
  }

  /** One client's link; channel callbacks run on its event loop. */
  private final class ClientLink extends ChannelDuplexHandler {
    private final Channel channel;
    private final InetAddress ip;
    private final AtomicInteger fromIp;
    final Backlog backlog;
    private @Nullable PublicKey key; // from the handshake (ClientAccepted)
    private volatile boolean confirmed;
    private volatile @Nullable Disposable deadline;

    /** Packets handed to the router loop and not yet routed (see {@link #MAX_IN_FLIGHT}). */
    private final AtomicInteger inFlight = new AtomicInteger();

    /** Whether reading is paused for {@link #MAX_IN_FLIGHT}; written on the link loop only. */
    private volatile boolean paused;

    /** Packets of the current read, for the router; null between reads (idle links hold none). */
    private @Nullable ArrayList<RelayPacket> batch;

    /** Written and read on the router loop only. */
    private RelayRouter.@Nullable Client<Channel> client; // null until confirmed

    /** Router loop: the receiver this link waits for (not read meanwhile), or null. */
    private @Nullable ClientLink waitingFor;

    /** Router loop: when the current pause began, and how many pauses so far. */
    private long pausedAt;

    private long pauses;

    /** Router loop: batches of this link not routed yet because it is paused, in order. */
    private final java.util.ArrayDeque<List<RelayPacket>> deferred = new java.util.ArrayDeque<>();

    /** Router loop: links paused until this one drains. */
    private final ArrayList<ClientLink> waiters = new ArrayList<>(2);

    /** Router loop: a pause for this receiver ran out; its data drops until it drains. */
    private boolean dropping;

    /** Whether the router has paused this link for a receiver; read on the link loop. */
    private volatile boolean blocked;

    ClientLink(Channel channel, InetAddress ip, AtomicInteger fromIp, @Nullable WindowGate gate) {
      this.channel = channel;
      this.ip = ip;
      this.fromIp = fromIp;
      this.backlog = Backlog.of(channel, gate);
    }

    void checkConfirmed() {
      if (!confirmed && channel.isActive() && unconfirmed.remove(this)) {
        killed(channel, KillReason.HANDSHAKE_TIMEOUT);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof ServerHandshakeHandler.ClientAccepted) {
        key = ((ServerHandshakeHandler.ClientAccepted) evt).clientKey();
        return;
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof RelayPacket)) {
        ctx.fireChannelRead(msg);
        return;
      }
      RelayPacket packet = (RelayPacket) msg;
      metrics.in(packet.kind(), packet.encodedLength());
      if (!confirmed) {
        if (!unconfirmed.remove(this)) {
          ended(packet);
          return; // evicted (or timed out) just now: it is closing, and is not to be confirmed
        }
        confirmed = true;
        Disposable d = deadline;
        if (d != null) {
          d.dispose();
          deadline = null;
        }
        // the handshake handler names the client before it passes on the first frame
        PublicKey k = Objects.requireNonNull(key, "no client key from the handshake");
        routerLoop.execute(
            () -> {
              long now = now();
              client = router.confirm(channel, k, now);
              if (log.isDebugEnabled()) {
                log.debug("confirmed {} key={}", peer(channel), k.toHex());
              }
              clientsChanged();
              metrics.peakClients.accumulateAndGet(router.clientCount(), Math::max);
              router.handle(client, packet, now);
              clientsChanged();
            });
      } else {
        if (batch == null) {
          batch = new ArrayList<>(16);
        }
        batch.add(packet);
        if (batch.size() >= MAX_BATCH) {
          handOff();
        }
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      handOff();
      ctx.fireChannelReadComplete();
    }

    private void handOff() {
      List<RelayPacket> b = batch;
      if (b != null) {
        batch = null;
        routerLoop.execute(() -> route(this, b));
        if (inFlight.addAndGet(b.size()) >= MAX_IN_FLIGHT && !paused) {
          metrics.inboundPaused.increment();
          pauseReads();
          if (inFlight.get() < MAX_IN_FLIGHT / 2) {
            resume(); // the router caught up before it could see the pause
          }
        }
      }
    }

    /** Link loop: stops reading the socket (the router is behind, or a receiver is full). */
    private void pauseReads() {
      if (!paused) {
        paused = true;
        channel.config().setAutoRead(false);
      }
    }

    /** Router loop: {@code n} packets of this link were routed. */
    void routed(int n) {
      if (inFlight.addAndGet(-n) < MAX_IN_FLIGHT / 2 && paused) {
        channel.eventLoop().execute(this::resume);
      }
    }

    /** Link loop: reads again once the router has caught up and no receiver holds it back. */
    private void resume() {
      if (paused && !blocked && inFlight.get() < MAX_IN_FLIGHT / 2) {
        paused = false;
        channel.config().setAutoRead(true);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof HandshakeException) {
        metrics.handshakeFailures.increment();
      } else if (!(cause instanceof IOException)) {
        // failed decryption, a frame over 2048, a malformed packet
        if (!(cause instanceof org.toxreactive.core.ToxProtocolException
            || cause instanceof DecoderException)) {
          log.warn("unexpected error on {}", peer(channel), cause);
        }
        killed(channel, KillReason.PROTOCOL_ERROR);
        return;
      }
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      metrics.open.decrementAndGet();
      if (log.isDebugEnabled()) {
        log.debug("closed {} confirmed={}", peer(channel), confirmed);
      }
      release(ip, fromIp);
      if (!confirmed) {
        unconfirmed.remove(this); // false if evicted or timed out: then it is already out
        Disposable d = deadline;
        if (d != null) {
          try {
            d.dispose();
          } catch (RejectedExecutionException stopping) {
            // the deadline's thread (the router loop) has stopped: the timer went with it
          }
        }
      } else if (!routerLoop.isShuttingDown()) {
        try {
          handOff(); // what it sent before it went away, first
          routerLoop.execute(
              () -> {
                if (client != null) {
                  router.disconnected(client);
                  forget(this);
                  clientsChanged();
                }
              });
        } catch (RejectedExecutionException stopping) {
          // the relay is shutting down: its router state goes with it
        }
      }
      super.channelInactive(ctx);
    }
  }
}
