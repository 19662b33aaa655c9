package org.toxreactive.relay;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.NetUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.HostPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.dht.DhtConfig;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpServer;
import reactor.netty.udp.UdpServer;

/**
 * A Tox TCP relay that c-toxcore clients can use. Immutable builder; {@link #bind()} starts it.
 *
 * <pre>{@code
 * RunningRelay relay = RelayServer.create()
 *     .keys(KeyPair.fromKeysFile(Files.readAllBytes(keysFile)))
 *     .ports(List.of(33445, 3389, 443))   // binds what it can, fails only if none binds
 *     .udpPort(33445)                      // DHT, onion, forwarding; -1 off (0: any port);
 *                                          // left out: the first TCP port
 *     .bindNow();
 * System.out.println(relay.publicKey() + " on " + relay.ports());
 * relay.disposeNow(Duration.ofSeconds(5));
 * }</pre>
 */
public final class RelayServer {
  private static final Logger log = LoggerFactory.getLogger(RelayServer.class);

  /**
   * Read-only configuration.
   *
   * @param keys the relay's long-term key pair
   * @param host the address listened on (TCP and UDP)
   * @param ports the TCP ports (0: a free one)
   * @param udpPort the DHT/onion UDP port, 0 for a free one, -1 for none
   * @param forwarding whether forward requests (TCP id 10) are served
   * @param limits the resource limits
   * @param registry where the meters go, or null for a private registry
   * @param scheduler timers: keepalive ticks, handshake deadlines; null (not set) for the router's
   *     own thread, chosen at bind
   * @param timers keepalive timing
   * @param openFileLimit the open-file limit to size the connection cap under, or -1 to read the
   *     process's own at bind
   * @param eventLoops threads serving the TCP connections
   * @param dht the DHT node's settings
   * @param windowGate whether whole frames only are written within a client's receive window (epoll
   *     only, see {@link #windowGate(boolean)})
   * @param nativeTransport whether Netty's epoll transport is used when its native library loads
   */
  public record Config(
      KeyPair keys,
      String host,
      List<Integer> ports,
      int udpPort,
      boolean forwarding,
      RelayLimits limits,
      @Nullable MeterRegistry registry,
      @Nullable Scheduler scheduler,
      RelayRouter.Timers timers,
      long openFileLimit,
      int eventLoops,
      DhtConfig dht,
      boolean windowGate,
      boolean nativeTransport) {}

  /** One TCP event loop per available processor, at most 4; the router has its own thread. */
  static int defaultEventLoops() {
    return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
  }

  // Copy-on-write: every setter returns a modified copy; an instance never changes once returned.
  private KeyPair keys = KeyPair.generate();
  private String host = "0.0.0.0";
  private List<Integer> ports = List.of(33445, 3389, 443);
  private @Nullable Integer udpPort; // null: the first TCP port, as the CLI's udpPort
  private boolean forwarding = true;
  private RelayLimits limits = RelayLimits.defaults();
  private @Nullable MeterRegistry registry; // null: a private SimpleMeterRegistry at bind
  private @Nullable Scheduler scheduler; // null: the router's own thread, at bind
  private int eventLoops = defaultEventLoops();
  private RelayRouter.Timers timers = new RelayRouter.Timers(30_000, 10_000);
  private long openFileLimit = -1;
  private DhtConfig dht = DhtConfig.defaults().withInfo(DhtConfig.motd(DEFAULT_MOTD));
  private boolean windowGate = true;
  private boolean nativeTransport = true;

  /** The bootstrap-info MOTD when none is configured. */
  public static final String DEFAULT_MOTD = "tox-reactive";

  private RelayServer() {}

  private RelayServer copy() {
    RelayServer r = new RelayServer();
    r.keys = keys;
    r.host = host;
    r.ports = ports;
    r.udpPort = udpPort;
    r.forwarding = forwarding;
    r.limits = limits;
    r.registry = registry;
    r.scheduler = scheduler;
    r.timers = timers;
    r.openFileLimit = openFileLimit;
    r.eventLoops = eventLoops;
    r.dht = dht;
    r.windowGate = windowGate;
    r.nativeTransport = nativeTransport;
    return r;
  }

  /**
   * A relay with a fresh key pair on 0.0.0.0, ports 33445, 3389 and 443, UDP on the first TCP port
   * (33445) until {@link #udpPort} sets another.
   *
   * @return the builder with its defaults; every setter returns a changed copy
   */
  public static RelayServer create() {
    return new RelayServer();
  }

  /**
   * The configuration as it stands, read-only.
   *
   * @return a snapshot of every setting
   */
  public Config configuration() {
    return new Config(
        keys,
        host,
        ports,
        udpPort != null ? udpPort : ports.get(0),
        forwarding,
        limits,
        registry,
        scheduler,
        timers,
        openFileLimit,
        eventLoops,
        dht,
        windowGate,
        nativeTransport);
  }

  /**
   * The relay's long-term key pair; its public key is what clients are given.
   *
   * @param keys the key pair (default: a fresh one per builder)
   * @return a copy with these keys
   */
  public RelayServer keys(KeyPair keys) {
    RelayServer r = copy();
    r.keys = Objects.requireNonNull(keys, "keys is null");
    return r;
  }

  /**
   * Address to listen on (TCP and UDP), e.g. {@code 127.0.0.1} or {@code 0.0.0.0}.
   *
   * @param host an IP address or host name
   * @return a copy with this address
   */
  public RelayServer host(String host) {
    RelayServer r = copy();
    r.host = Objects.requireNonNull(host, "host is null");
    return r;
  }

  /**
   * TCP ports; 0 picks a free one.
   *
   * @param ports one or more ports, 0 to 65535
   * @return a copy with these ports
   * @throws IllegalArgumentException if the list is empty
   */
  public RelayServer ports(List<Integer> ports) {
    if (Objects.requireNonNull(ports, "ports is null").isEmpty()) {
      throw new IllegalArgumentException("at least one TCP port is needed");
    }
    RelayServer r = copy();
    r.ports = List.copyOf(ports);
    return r;
  }

  /**
   * One TCP port; 0 picks a free one (see {@link RunningRelay#port()}).
   *
   * @param port 0 to 65535
   * @return a copy listening on this port only
   */
  public RelayServer port(int port) {
    return ports(List.of(port));
  }

  /**
   * UDP port of the DHT node and the onion/forwarding bridge (one socket, as tox-bootstrapd); 0
   * picks a free one; -1 disables both. Not set, it is the first of {@link #ports} (so {@code
   * port(40000)} alone gives UDP 40000).
   *
   * @param udpPort 0 to 65535, or -1 for no UDP at all
   * @return a copy with this UDP port
   */
  public RelayServer udpPort(int udpPort) {
    RelayServer r = copy();
    r.udpPort = udpPort;
    return r;
  }

  /**
   * The DHT node on the UDP port (docs/protocol.md, DHT section): MOTD, bootstrap nodes, IPv6, rate
   * limits. Its key is the relay's. Default: IPv4, MOTD {@value #DEFAULT_MOTD}, no bootstrap nodes.
   *
   * @param dht the DHT settings
   * @return a copy with these settings
   */
  public RelayServer dht(DhtConfig dht) {
    RelayServer r = copy();
    r.dht = Objects.requireNonNull(dht, "dht is null");
    return r;
  }

  /**
   * Whether TCP id 10 (forward request) is served; when off it kills the sender, as c-toxcore.
   *
   * @param enabled true (the default) to serve forward requests
   * @return a copy with forwarding on or off
   */
  public RelayServer forwarding(boolean enabled) {
    RelayServer r = copy();
    r.forwarding = enabled;
    return r;
  }

  /**
   * The resource limits (default: {@link RelayLimits#defaults()}).
   *
   * @param limits the limits
   * @return a copy with these limits
   */
  public RelayServer limits(RelayLimits limits) {
    RelayServer r = copy();
    r.limits = Objects.requireNonNull(limits, "limits is null");
    return r;
  }

  /**
   * Where meters go (default: a private SimpleMeterRegistry, see {@link RunningRelay#metrics()}).
   *
   * @param registry the registry for the {@code tox.relay.*} meters, or null for a private one
   * @return a copy with this registry
   */
  public RelayServer metrics(@Nullable MeterRegistry registry) {
    RelayServer r = copy();
    r.registry = registry;
    return r;
  }

  /**
   * Clock and timers: keepalive ticks, handshake deadlines. By default they run on the router's own
   * thread (no extra pool).
   *
   * @param scheduler the scheduler (a virtual-time one in tests)
   * @return a copy with this scheduler
   */
  public RelayServer scheduler(Scheduler scheduler) {
    RelayServer r = copy();
    r.scheduler = Objects.requireNonNull(scheduler, "scheduler is null");
    return r;
  }

  /**
   * Threads serving the TCP connections (accept, TLS-free framing, crypto); default: the available
   * processors, at most 4. The router, the UDP bridge and the timers share one more thread.
   *
   * @param n 1 or more
   * @return a copy with {@code n} event loops
   */
  public RelayServer eventLoops(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("eventLoops must be at least 1, got " + n);
    }
    RelayServer r = copy();
    r.eventLoops = n;
    return r;
  }

  /**
   * Whether a client's socket is handed only whole frames that fit in the receive window the client
   * advertises (read from the socket's {@code TCP_INFO}); frames that do not fit wait in the relay,
   * up to 1 MiB per client before data packets to it are dropped. Default true: a c-toxcore client
   * reads a frame only once all of it is in its socket, and a receive buffer filled up to a partial
   * frame can leave its window shut for good, which stalls relayed transfers (docs/protocol.md
   * 8.14); false turns it off. Needs the epoll transport ({@link #nativeTransport(boolean)}) and a
   * kernel whose {@code TCP_INFO} reports the peer's window (Linux 5.4+): on NIO the INFO line at
   * bind says it is not available (and a WARN that it is not applied), on an older kernel one INFO
   * line at the first connection.
   *
   * @param on true to gate writes by the client's window
   * @return a copy with the gate on or off
   */
  public RelayServer windowGate(boolean on) {
    RelayServer r = copy();
    r.windowGate = on;
    return r;
  }

  /**
   * Whether the TCP connections run on Netty's native epoll transport when its library loads (Linux
   * x86-64; default true) rather than NIO. One INFO line at bind names the transport used and, for
   * NIO, why.
   *
   * @param prefer true to use epoll where available, false for NIO always
   * @return a copy with this preference
   */
  public RelayServer nativeTransport(boolean prefer) {
    RelayServer r = copy();
    r.nativeTransport = prefer;
    return r;
  }

  /**
   * Keepalive ping interval and pong deadline (defaults 30 s, 10 s).
   *
   * @param interval from confirmation or the last pong to the next ping
   * @param timeout how long a ping may go unanswered before the client is killed
   * @return a copy with this keepalive timing
   */
  public RelayServer keepalive(Duration interval, Duration timeout) {
    Objects.requireNonNull(interval, "interval is null");
    Objects.requireNonNull(timeout, "timeout is null");
    RelayServer r = copy();
    r.timers = new RelayRouter.Timers(interval.toMillis(), timeout.toMillis());
    return r;
  }

  /**
   * The open-file limit the relay sizes itself under. By default it reads the process's own at
   * bind; this overrides it (a test, or a container whose limit the JVM cannot see). The connection
   * cap becomes {@code min(maxConnections, limit - reserve)}, the reserve covering the jars, logs,
   * listen sockets, UDP and event loops; past it connections are refused and counted as {@code
   * tox.relay.refused{limit=open_files}}, instead of the accept loop failing with "too many open
   * files". A WARN at bind says when the limit lowered the cap.
   *
   * @param limit open files the process may hold; -1 to read the process's limit
   * @return a copy with the limit
   */
  public RelayServer openFileLimit(long limit) {
    RelayServer r = copy();
    r.openFileLimit = limit;
    return r;
  }

  /**
   * Binds every configured TCP port it can (a port that fails is skipped with a warning) and the
   * UDP bridge. Fails with {@link BindFailure} if no TCP port binds, or if the UDP port (unless -1)
   * does not.
   *
   * @return a {@code Mono} of the running relay, bound on subscription (on a bounded-elastic
   *     thread)
   */
  public Mono<RunningRelay> bind() {
    return Mono.fromCallable(this::bindBlocking).subscribeOn(Schedulers.boundedElastic());
  }

  /**
   * {@link #bind()}, blocking the calling thread until the sockets are bound.
   *
   * @return the running relay, owned by the caller (dispose it)
   * @throws BindFailure if no TCP port binds, or the UDP port (unless -1) does not
   */
  public RunningRelay bindNow() {
    return bindBlocking();
  }

  private RunningRelay bindBlocking() {
    Config c = configuration();
    MeterRegistry meters = c.registry() != null ? c.registry() : new SimpleMeterRegistry();
    EventLoopGroup routerLoop =
        new MultiThreadIoEventLoopGroup(
            1,
            new io.netty.util.concurrent.DefaultThreadFactory("tox-relay-router", true),
            NioIoHandler.newFactory());
    if (c.scheduler() == null) {
      c =
          new Config(
              c.keys(),
              c.host(),
              c.ports(),
              c.udpPort(),
              c.forwarding(),
              c.limits(),
              c.registry(),
              Schedulers.fromExecutorService(routerLoop.next(), "tox-relay-router"),
              c.timers(),
              c.openFileLimit(),
              c.eventLoops(),
              c.dht(),
              c.windowGate(),
              c.nativeTransport());
    }
    Config config = c;
    LoopResources loops = LoopResources.create("tox-relay-tcp", 1, c.eventLoops(), true, false);
    boolean epoll = c.nativeTransport() && Epoll.isAvailable();
    logTransport(c, epoll);
    RelayCore core = new RelayCore(c, meters, routerLoop.next(), connectionCap(c));

    Connection udp = null;
    List<DisposableServer> servers = new ArrayList<>();
    try {
      if (c.udpPort() >= 0) {
        try {
          udp =
              UdpServer.create()
                  .host(udpHost(c))
                  .port(c.udpPort())
                  .runOn(routerLoop)
                  .doOnBound(core::udpBound)
                  .bindNow(Duration.ofSeconds(10));
        } catch (RuntimeException e) {
          throw new BindFailure(
              "cannot bind UDP "
                  + HostPort.format(udpHost(c), c.udpPort())
                  + " (DHT node and onion/forwarding bridge; udpPort -1 turns them off): "
                  + udpReason(udpHost(c), c.udpPort(), e));
        }
      }
      List<String> failed = new ArrayList<>();
      for (int port : c.ports()) {
        try {
          servers.add(
              TcpServer.create()
                  .host(c.host())
                  .port(port)
                  .runOn(loops, epoll)
                  .option(ChannelOption.SO_BACKLOG, 1024)
                  .childOption(ChannelOption.TCP_NODELAY, true)
                  .childOption(
                      ChannelOption.WRITE_BUFFER_WATER_MARK,
                      // unwritable (data dropped on write) only past what RelayCore lets
                      // through: between maxQueuedBytes and this its senders are paused
                      new WriteBufferWaterMark(
                          c.limits().maxQueuedBytes() / 2,
                          (int) Math.min(Integer.MAX_VALUE, c.limits().dataDropBytes())))
                  .doOnConnection(core::accept)
                  .bindNow(Duration.ofSeconds(10)));
        } catch (RuntimeException e) {
          String why = BindFailure.reason(e);
          failed.add(port + " (" + why + ")");
          log.warn("TCP {} could not be bound: {}", HostPort.format(c.host(), port), why);
        }
      }
      if (servers.isEmpty()) {
        throw new BindFailure(
            "cannot bind any TCP port on " + c.host() + ": " + String.join(", ", failed));
      }
    } catch (RuntimeException e) {
      if (udp != null) {
        udp.disposeNow();
      }
      routerLoop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
      loops.disposeLater().subscribe();
      throw e;
    }
    core.start();
    RunningRelay relay = new RunningRelay(config, core, servers, udp, routerLoop, loops, meters);
    log.info(
        "listening tcp={} udp={} public_key={}",
        String.join(",", relay.addresses().stream().map(RelayServer::format).toList()),
        relay.udpPort(),
        relay.publicKey().toHex());
    return relay;
  }

  /**
   * The one INFO line naming the TCP transport and whether the window gate is on, off (turned off),
   * or not available (NIO: no {@code TCP_INFO}); and a WARN when it was asked for and is not
   * available. A kernel whose {@code TCP_INFO} lacks the peer's window is found on the first
   * connection ({@code RelayCore}).
   */
  private static void logTransport(Config c, boolean epoll) {
    if (epoll) {
      log.info("TCP transport: epoll (native), window gate {}", c.windowGate() ? "on" : "off");
      return;
    }
    String why =
        !c.nativeTransport()
            ? "native transport turned off"
            : "epoll unavailable: " + reason(Epoll.unavailabilityCause());
    log.info(
        "TCP transport: nio ({}), window gate {}",
        why,
        c.windowGate() ? "not available (needs epoll's TCP_INFO)" : "off");
    if (c.windowGate()) {
      log.warn(
          "window gate not applied (needs the epoll transport): relayed c-toxcore transfers may"
              + " stall (docs/protocol.md 8.14)");
    }
  }

  private static String reason(@Nullable Throwable t) {
    if (t == null) {
      return "unknown";
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }

  /**
   * An address as the relay prints it: {@code 127.0.0.1:33445}, {@code [::1]:33445} (IPv6 in
   * brackets, in its short form).
   *
   * @param a a socket address
   * @return its text
   */
  public static String format(java.net.InetSocketAddress a) {
    String host =
        a.getAddress() != null ? NetUtil.toAddressString(a.getAddress()) : a.getHostString();
    return HostPort.format(host, a.getPort());
  }

  /** Reactor Netty's UDP bind error names no reason: the OS's, from a plain bind of the port. */
  private static String udpReason(String host, int port, RuntimeException e) {
    try (java.net.DatagramSocket probe =
        new java.net.DatagramSocket(new java.net.InetSocketAddress(host, port))) {
      return BindFailure.reason(e);
    } catch (java.io.IOException | RuntimeException os) {
      return BindFailure.reason(os);
    }
  }

  /** With IPv6 on, a wildcard IPv4 host becomes the dual-stack wildcard for the UDP socket. */
  private static String udpHost(Config c) {
    return c.dht().ipv6() && c.host().equals("0.0.0.0") ? "::" : c.host();
  }

  /** The connection cap under the open-file limit; warns when the limit lowers it. */
  private static int connectionCap(Config c) {
    long fds = c.openFileLimit() > 0 ? c.openFileLimit() : OpenFiles.processLimit();
    int reserve = OpenFiles.reserve();
    int cap = OpenFiles.connectionCap(c.limits().maxConnections(), fds, reserve);
    if (cap < c.limits().maxConnections()) {
      log.warn(
          "open-file limit {} allows {} connections (configured maxConnections {}, {} kept for the"
              + " process); raise it (ulimit -n) to serve more",
          fds,
          cap,
          c.limits().maxConnections(),
          reserve);
    }
    return cap;
  }
}
