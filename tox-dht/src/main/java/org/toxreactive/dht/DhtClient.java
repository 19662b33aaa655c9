package org.toxreactive.dht;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PackedNode;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Datagram;
import org.toxreactive.core.transport.PacketTransport;
import org.toxreactive.core.transport.Path;
import org.toxreactive.dht.packet.CryptoRequest;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The client side of the Tox DHT (docs/protocol.md sections 12 and 12.10) as a thin reactive shell
 * over a {@link DhtCore}: it has no socket of its own. Datagrams come in on a {@code Flux} (the DHT
 * packet kinds of the node's one UDP socket, already filtered) and go out with {@link
 * PacketTransport#offer} on the shared transport; time is the given {@link Scheduler}'s clock, and
 * the core's once-a-second work runs on it, so the whole client runs on virtual time in tests.
 *
 * <pre>{@code
 * // dhtPackets: the shared socket's datagrams whose first byte is a DHT packet id
 * DhtClient dht = DhtClient.start(KeyPair.generate(), DhtConfig.defaults(),
 *     dhtPackets, udp, Schedulers.single());
 * dht.bootstrap(new IpPort(InetAddress.getByName("127.0.0.1"), 33445), bootstrapKey);
 * Disposable search = dht.track(friendDhtKey);
 * dht.friendAddresses().subscribe(a -> System.out.println(a.dhtKey() + " at " + a.address()));
 * }</pre>
 *
 * <p>What it does, as c-toxcore 0.2.18 ({@code DHT.c}): keeps the close list, searches each tracked
 * key (nodes requests towards it to the 8 nodes closest to it, every 60 s each and one random one
 * every 20 s), reports the tracked key's direct address when its own node answers us, exchanges NAT
 * pings with tracked keys through the nodes that know them and punches holes towards the address
 * those nodes report, and routes 0x20 requests (DHT-PK announcements) to tracked keys.
 *
 * <p>Thread-safe: every method may be called from any thread; the core is guarded by one lock.
 * {@link #friendAddresses()} and {@link #cryptoRequests()} emit outside it, one signal at a time.
 */
public final class DhtClient implements Disposable {
  private static final Logger LOG = LoggerFactory.getLogger(DhtClient.class);
  private static final Object COMPLETE = new Object();

  private final DhtCore core;
  private final PacketTransport out;
  private final Scheduler scheduler;
  private final Object lock = new Object();
  private final Queue<Object> events = new ConcurrentLinkedQueue<>();
  private final AtomicInteger wip = new AtomicInteger();
  private final Sinks.Many<FriendAddress> addresses = Sinks.many().multicast().directBestEffort();
  private final Sinks.Many<DhtRequest> requests = Sinks.many().multicast().directBestEffort();
  private final Disposable.Composite resources = Disposables.composite();
  private final AtomicLong ignored = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private volatile boolean disposed;

  private DhtClient(
      KeyPair keys,
      DhtConfig config,
      PacketTransport out,
      Scheduler scheduler,
      RandomGenerator random) {
    this.out = out;
    this.scheduler = scheduler;
    this.core = new DhtCore(keys, config, this::send, random, now());
    core.listener(
        new DhtCore.Listener() {
          @Override
          public void friendAddress(PublicKey friend, IpPort address) {
            events.add(new FriendAddress(friend, address));
          }

          @Override
          public void request(PublicKey sender, int requestId, byte[] data, IpPort source) {
            events.add(new DhtRequest(sender, requestId, Bytes.adopt(data), source));
          }
        });
  }

  /**
   * Starts a DHT client: subscribes to {@code inbound}, bootstraps from the configured nodes and
   * ticks once a second on {@code scheduler}.
   *
   * @param dhtKeys our DHT key pair (c-toxcore makes a new one at every start)
   * @param config the DHT settings ({@link DhtConfig#ipv6()} is the IPv6 switch)
   * @param inbound the DHT packets (ids 0x00, 0x01, 0x02, 0x04, 0x20, 0x21, 0xF0) of the shared
   *     socket, with {@link Path.Udp} paths; others are counted and dropped
   * @param out the shared transport the packets go out on
   * @param scheduler the clock and the ticker (a {@code VirtualTimeScheduler} in tests)
   * @return the running client
   */
  public static DhtClient start(
      KeyPair dhtKeys,
      DhtConfig config,
      Flux<Datagram> inbound,
      PacketTransport out,
      Scheduler scheduler) {
    Objects.requireNonNull(dhtKeys, "dhtKeys");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(inbound, "inbound");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(scheduler, "scheduler");
    return start(dhtKeys, config, inbound, out, scheduler, new SecureRandom());
  }

  /** As the public {@code start}, with the core's randomness given (seeded in tests). */
  static DhtClient start(
      KeyPair dhtKeys,
      DhtConfig config,
      Flux<Datagram> inbound,
      PacketTransport out,
      Scheduler scheduler,
      RandomGenerator random) {
    DhtClient c = new DhtClient(dhtKeys, config, out, scheduler, random);
    c.run(inbound);
    return c;
  }

  private void run(Flux<Datagram> inbound) {
    synchronized (lock) {
      core.start(now());
    }
    resources.add(
        inbound.subscribe(
            this::onDatagram,
            e -> LOG.warn("DHT client inbound ended: {}", String.valueOf(e.getMessage()))));
    resources.add(
        scheduler.schedulePeriodically(
            this::tick, DhtTimers.TICK, DhtTimers.TICK, TimeUnit.MILLISECONDS));
  }

  private long now() {
    return scheduler.now(TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      synchronized (lock) {
        if (!disposed) {
          core.tick(now());
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("DHT client tick failed: {}", e.toString());
    }
    drain();
  }

  private void onDatagram(Datagram d) {
    if (disposed) {
      return;
    }
    if (!(d.path() instanceof Path.Udp udp)
        || udp.address().isUnresolved()
        || udp.address().getAddress() == null) {
      ignored.incrementAndGet();
      return;
    }
    InetSocketAddress from = udp.address();
    ByteBuf buf = d.data().asByteBuf();
    synchronized (lock) {
      core.receive(buf, new IpPort(from.getAddress(), from.getPort()), now());
    }
    drain();
  }

  /** The core's output: one datagram onto the shared transport (the core hands us the buffer). */
  private void send(ByteBuf packet, IpPort to) {
    try {
      Bytes data = Bytes.copyOf(packet);
      if (!out.offer(Path.udp(new InetSocketAddress(to.address(), to.port())), data)) {
        refused.incrementAndGet();
      }
    } finally {
      packet.release();
    }
  }

  /** Emits queued events, one thread at a time, outside the core's lock. */
  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    do {
      Object e;
      while ((e = events.poll()) != null) {
        if (e instanceof FriendAddress a) {
          addresses.tryEmitNext(a);
        } else if (e instanceof DhtRequest r) {
          requests.tryEmitNext(r);
        } else if (e == COMPLETE) {
          addresses.tryEmitComplete();
          requests.tryEmitComplete();
        }
      }
    } while (wip.decrementAndGet() != 0);
  }

  /**
   * Bootstraps from a node: a nodes request for our key now, repeated every {@link
   * DhtConfig#REBOOTSTRAP_INTERVAL} ms while no node is good.
   *
   * @param address the node's UDP address
   * @param key the node's DHT key
   */
  public void bootstrap(IpPort address, PublicKey key) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(key, "key");
    synchronized (lock) {
      core.addBootstrapNode(address, key, now());
    }
  }

  /**
   * Our DHT public key.
   *
   * @return the key
   */
  public PublicKey publicKey() {
    return core.publicKey();
  }

  /**
   * Starts searching for a friend's DHT key ({@code dht_addfriend}): nodes requests towards it as
   * c-toxcore sends them, its address reported on {@link #friendAddresses()} once its own node
   * answers us, NAT pings and hole punching towards it, and {@link #sendToFriend} routes. Several
   * searches for one key share the work; the search stops when the last is disposed.
   *
   * @param friendDhtKey the friend's current DHT key (not ours)
   * @return disposing it stops this search
   * @throws IllegalArgumentException if {@code friendDhtKey} is our own key
   */
  public Disposable track(PublicKey friendDhtKey) {
    Objects.requireNonNull(friendDhtKey, "friendDhtKey");
    synchronized (lock) {
      core.track(friendDhtKey, now());
    }
    AtomicBoolean done = new AtomicBoolean();
    return new Disposable() {
      @Override
      public void dispose() {
        if (done.compareAndSet(false, true)) {
          synchronized (lock) {
            core.untrack(friendDhtKey);
          }
        }
      }

      @Override
      public boolean isDisposed() {
        return done.get();
      }
    };
  }

  /**
   * Tracked friends' direct addresses as learned: when a friend's own node answers us (found by the
   * search, pinged, or reached by hole punching), again when its address changes, and at most once
   * a minute while it keeps answering. Hot: only what happens after subscribing; a subscriber that
   * does not keep up misses signals. Completes when the client is disposed.
   *
   * @return the addresses
   */
  public Flux<FriendAddress> friendAddresses() {
    return addresses.asFlux();
  }

  /**
   * A tracked friend's direct address now ({@code dht_getfriendip}): where its own node last
   * answered us within 122 s, IPv6 first.
   *
   * @param friendDhtKey a tracked key
   * @return the address, or empty if not tracked or not (or no longer) heard directly
   */
  public Optional<IpPort> friendAddress(PublicKey friendDhtKey) {
    synchronized (lock) {
      return Optional.ofNullable(core.friendAddress(friendDhtKey, now()));
    }
  }

  /**
   * Sends a DHT request (packet 0x20) to a tracked friend's DHT key through the nodes of its list
   * that know it ({@code route_to_friend}; kind 156 is the DHT-PK announcement). Nothing is sent
   * while fewer than 2 of those nodes reported an address for it, or while the friend's own node
   * answers us (it is then reached directly, not through the DHT).
   *
   * @param friendDhtKey a tracked key
   * @param kind the request id, 0..255 but not 254 (NAT pings are the DHT's own)
   * @param payload what follows the request id, at most {@link DhtCore#MAX_REQUEST_DATA} bytes
   * @return whether at least one copy went out
   * @throws IllegalArgumentException if the kind or the payload size is out of range
   */
  public boolean sendToFriend(PublicKey friendDhtKey, int kind, Bytes payload) {
    Objects.requireNonNull(friendDhtKey, "friendDhtKey");
    Objects.requireNonNull(payload, "payload");
    if (kind < 0 || kind > 255 || kind == CryptoRequest.NAT_PING) {
      throw new IllegalArgumentException("kind must be 0..255 and not 254, got " + kind);
    }
    if (payload.length() > DhtCore.MAX_REQUEST_DATA) {
      throw new IllegalArgumentException(
          "payload of " + payload.length() + " bytes, at most " + DhtCore.MAX_REQUEST_DATA);
    }
    synchronized (lock) {
      return core.routeToFriend(friendDhtKey, kind, payload.toArray(), now()) > 0;
    }
  }

  /**
   * DHT requests (0x20) addressed to us, opened: the sender's DHT key, the request id and the rest
   * of the plaintext (NAT pings are answered inside and not emitted). Hot, as {@link
   * #friendAddresses()}.
   *
   * @return the requests
   */
  public Flux<DhtRequest> cryptoRequests() {
    return requests.asFlux();
  }

  /**
   * Up to {@code n} random good nodes, for onion paths ({@code randfriends_nodes}, then the close
   * list).
   *
   * @param n how many at most
   * @return the nodes
   */
  public List<PackedNode> randomNodes(int n) {
    synchronized (lock) {
      return core.randomNodes(n, now());
    }
  }

  /**
   * The {@code k} good nodes we know closest to {@code key}, closest first ({@code
   * get_close_nodes}, LAN addresses included).
   *
   * @param key the key
   * @param k how many at most, 1..1024
   * @return the nodes
   */
  public List<PackedNode> closest(PublicKey key, int k) {
    synchronized (lock) {
      return core.closestNodes(key, true, now(), k);
    }
  }

  /**
   * Whether a close-list node answered within 122 s ({@code dht_isconnected}).
   *
   * @return whether we are connected to the DHT
   */
  public boolean connected() {
    synchronized (lock) {
      return core.connected(now());
    }
  }

  /**
   * Turns hole-punching pings on or off (c-toxcore's {@code hole_punching_enabled}; on by default).
   *
   * @param on whether to punch
   */
  public void holePunching(boolean on) {
    synchronized (lock) {
      core.holePunching(on);
    }
  }

  /**
   * The core's counters (packets by kind, drops by reason).
   *
   * @return the stats
   */
  public DhtStats stats() {
    return core.stats();
  }

  /**
   * Inbound datagrams ignored before the core: not a resolved UDP path.
   *
   * @return the count
   */
  public long ignored() {
    return ignored.get();
  }

  /**
   * Outbound datagrams the transport refused at once ({@link PacketTransport#offer} false).
   *
   * @return the count
   */
  public long refused() {
    return refused.get();
  }

  /**
   * Runs {@code task} on the core under the client's lock, for diagnostics and tests. The task must
   * not keep the core or its lists.
   *
   * @param <T> the result type
   * @param task reads the core
   * @return what it returns
   */
  public <T> T inspect(Function<DhtCore, T> task) {
    synchronized (lock) {
      return task.apply(core);
    }
  }

  /** Stops the ticks and the inbound subscription and completes the fluxes. */
  @Override
  public void dispose() {
    disposed = true;
    resources.dispose();
    events.add(COMPLETE);
    drain();
  }

  @Override
  public boolean isDisposed() {
    return disposed;
  }
}
