package org.toxreactive.relay;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.PublicKey;
import org.toxreactive.dht.DhtChannel;
import org.toxreactive.dht.DhtStats;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.resources.LoopResources;

/** A bound relay, as returned by {@link RelayServer#bind()}. */
public final class RunningRelay implements Disposable {
  private static final Logger log = LoggerFactory.getLogger(RunningRelay.class);
  private final RelayServer.Config config;
  private final RelayCore core;
  private final List<DisposableServer> servers;
  private final @Nullable Connection udp; // null if UDP is off
  private final EventLoopGroup routerLoop;
  private final LoopResources loops;
  private final MeterRegistry registry;
  private final Sinks.Empty<Void> disposed = Sinks.empty();
  private volatile boolean isDisposed;
  private final AtomicBoolean shutdownStarted = new AtomicBoolean();

  /** The bound on each shutdown step of {@link #dispose()}. */
  private static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofSeconds(5);

  RunningRelay(
      RelayServer.Config config,
      RelayCore core,
      List<DisposableServer> servers,
      @Nullable Connection udp,
      EventLoopGroup routerLoop,
      LoopResources loops,
      MeterRegistry registry) {
    this.config = config;
    this.core = core;
    this.servers = servers;
    this.udp = udp;
    this.routerLoop = routerLoop;
    this.loops = loops;
    this.registry = registry;
  }

  /**
   * The relay's public key: what clients put next to its address.
   *
   * @return the relay's public key
   */
  public PublicKey publicKey() {
    return config.keys().publicKey();
  }

  /**
   * The TCP ports actually bound.
   *
   * @return the bound ports, in the configured order (free ports resolved)
   */
  public List<Integer> ports() {
    return servers.stream().map(DisposableServer::port).toList();
  }

  /**
   * The first bound TCP port.
   *
   * @return the port; with {@code port(0)} the one the OS chose
   */
  public int port() {
    return servers.get(0).port();
  }

  /**
   * The DHT node's counters (packets by kind, drops, close-list size), or null if UDP is off.
   *
   * @return the live statistics of the DHT node, or null if UDP is off
   */
  public @Nullable DhtStats dht() {
    DhtChannel d = core.dht();
    return d == null ? null : d.stats();
  }

  /**
   * The keys in the DHT close list now (read on the router loop; empty if UDP is off).
   *
   * @return a snapshot of the close list's keys
   */
  public List<PublicKey> dhtCloseList() {
    DhtChannel d = core.dht();
    if (d == null) {
      return List.of();
    }
    java.util.concurrent.CompletableFuture<List<PublicKey>> f =
        new java.util.concurrent.CompletableFuture<>();
    routerLoop.execute(() -> f.complete(d.core().closeList().keys()));
    return f.orTimeout(10, TimeUnit.SECONDS).join();
  }

  /**
   * Asks the DHT node at {@code address} with {@code key} for nodes (bootstraps from it).
   *
   * @param address the node's UDP address
   * @param key the node's DHT public key
   * @throws IllegalStateException if UDP is off
   */
  public void dhtBootstrap(org.toxreactive.core.IpPort address, PublicKey key) {
    DhtChannel d = core.dht();
    if (d == null) {
      throw new IllegalStateException("UDP is off: no DHT node");
    }
    routerLoop.execute(() -> d.core().bootstrap(address, key, core.now()));
  }

  /**
   * How many inputs the onion node (docs/protocol.md 13) ended with {@code outcome}: 0 without a
   * UDP port. Read from another thread, the figure may lag slightly.
   *
   * @param outcome the outcome to count
   * @return how many inputs ended so since start
   */
  public long onionOutcomes(org.toxreactive.onion.OnionNode.Outcome outcome) {
    return core.onionOutcomes(outcome);
  }

  /**
   * The bound UDP port of the DHT node and onion/forwarding bridge, or -1 if it is off.
   *
   * @return the UDP port, or -1
   */
  public int udpPort() {
    // the bound socket itself: the core learns of it in a bind callback that may run a little
    // after bindNow returned
    return udp == null ? -1 : ((InetSocketAddress) udp.address()).getPort();
  }

  /**
   * The bound TCP addresses, one per port.
   *
   * @return the local addresses of the TCP listeners
   */
  public List<InetSocketAddress> addresses() {
    return servers.stream().map(s -> (InetSocketAddress) s.address()).toList();
  }

  /**
   * Confirmed clients now.
   *
   * @return the number of confirmed clients
   */
  public int clients() {
    return core.metrics.clients.get();
  }

  /**
   * The connection cap in force: {@link RelayLimits#maxConnections()}, or lower where the process's
   * open-file limit would not hold that many sockets (see {@link RelayServer#openFileLimit(long)}).
   *
   * @return the most connections the relay admits at once
   */
  public int maxConnections() {
    return core.maxConnections();
  }

  /**
   * Open TCP connections now (confirmed or not).
   *
   * @return the number of open connections
   */
  public int connections() {
    return core.metrics.open.get();
  }

  /**
   * Connections admitted since start.
   *
   * @return how many connections were admitted
   */
  public long acceptedConnections() {
    return (long) core.metrics.accepted.count();
  }

  /**
   * The most confirmed clients at once since start.
   *
   * @return the peak number of confirmed clients
   */
  public int peakClients() {
    return core.metrics.peakClients.get();
  }

  /**
   * Kills recorded with {@code reason} so far.
   *
   * @param reason a kill reason
   * @return how many kills had that reason
   */
  public long kills(KillReason reason) {
    return (long) core.metrics.kills(reason);
  }

  /**
   * A test's view of what the relay holds for the client with {@code key}: its unread backlog
   * (router hand-off, window gate, outbound buffer), or -1 if it is not connected.
   */
  long backlogOf(PublicKey key) throws Exception {
    return core.backlogOf(key).get(5, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** The pool routed data payloads are lent from (a test's view of its loans). */
  org.toxreactive.core.BytesPool payloads() {
    return core.payloads;
  }

  /** The router's thread, for tests that need to hold it up. */
  java.util.concurrent.Executor routerLoop() {
    return routerLoop;
  }

  /**
   * The relay's TCP event loops, for a small server next to it (the metrics endpoint) that should
   * not start threads of its own.
   *
   * @return the loop resources the TCP ports run on (disposed with the relay)
   */
  public LoopResources eventLoops() {
    return loops;
  }

  /**
   * The registry of the {@code tox.relay.*} meters: the one given to {@link RelayServer#metrics},
   * or the relay's private one.
   *
   * @return the registry
   */
  public MeterRegistry metrics() {
    return registry;
  }

  /**
   * Starts the shutdown and returns at once, as Reactor Netty's {@code dispose()} does: stops
   * accepting, ends every client link (peers are told) and closes every connection still open
   * (unconfirmed ones too), closes the UDP bridge, stops the router thread and releases the event
   * loops, in that order. {@link #isDisposed()} is true from the call on; {@link #onDispose()}
   * completes when every step has finished (each step has 5 s). Safe to call from any thread,
   * including the relay's own, and more than once (later calls do nothing). To wait for the end,
   * use {@link #disposeNow(Duration)}.
   */
  @Override
  public void dispose() {
    shutdown(DEFAULT_STEP_TIMEOUT);
  }

  /**
   * Disposes and blocks until {@link #onDispose()} completes: for a shutdown hook, a command-line
   * tool's exit, or a test that checks a port is free afterwards. Must not be called on one of the
   * relay's own threads (it would wait for itself).
   *
   * @param timeout how long to wait for the whole shutdown; each step gets this bound too
   * @throws IllegalStateException if the relay has not stopped within {@code timeout}
   */
  public void disposeNow(Duration timeout) {
    // before the shutdown starts: a null there would leave the relay marked disposed, running
    Objects.requireNonNull(timeout, "timeout is null");
    shutdown(timeout);
    try {
      onDispose().block(timeout);
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "relay " + this + " did not stop within " + timeout.toMillis() + " ms", e);
    }
  }

  /** The shutdown chain, started once; every step is asynchronous, nothing here blocks. */
  private void shutdown(Duration stepTimeout) {
    if (!shutdownStarted.compareAndSet(false, true)) {
      return;
    }
    isDisposed = true;
    String tcp = String.join(",", addresses().stream().map(RelayServer::format).toList());
    Mono<Void> servers =
        Mono.when(
            this.servers.stream()
                .map(
                    s -> {
                      s.dispose();
                      return s.onDispose();
                    })
                .toList());
    Mono<Void> bridge =
        udp == null
            ? Mono.empty()
            : Mono.defer(
                () -> {
                  udp.dispose();
                  return udp.onDispose();
                });
    servers
        .timeout(stepTimeout, Mono.empty())
        // every connection closed (or its close handed to its loop) before the loops stop; the
        // router's kills and then the closes wait a quarter of a step each (the chain's bound
        // below)
        .then(Mono.defer(() -> core.shutdown(stepTimeout.dividedBy(4))))
        .then(bridge.timeout(stepTimeout, Mono.empty()))
        .then(
            Mono.<Void>create(
                    sink ->
                        routerLoop
                            .shutdownGracefully(0, stepTimeout.toMillis(), TimeUnit.MILLISECONDS)
                            .addListener(f -> sink.success()))
                .timeout(stepTimeout.plusSeconds(1), Mono.empty()))
        .then(loops.disposeLater(Duration.ZERO, stepTimeout))
        .timeout(stepTimeout.plusSeconds(1), Mono.empty())
        .doFinally(
            signal -> {
              log.info("stopped tcp={} peak_clients={}", tcp, peakClients());
              disposed.tryEmitEmpty();
            })
        .subscribe(null, e -> log.warn("relay shutdown: {}", e.toString()));
  }

  /**
   * Whether {@link #dispose()} has been called (the shutdown may still be running).
   *
   * @return true from the first dispose on
   */
  @Override
  public boolean isDisposed() {
    return isDisposed;
  }

  /**
   * Completes once a {@link #dispose()} has finished: ports closed, links ended, threads stopped.
   * Never errors; never completes before {@code dispose()} is called.
   *
   * @return a {@code Mono} that completes when the relay has stopped
   */
  public Mono<Void> onDispose() {
    return disposed.asMono();
  }

  @Override
  public String toString() {
    return "RunningRelay["
        + publicKey().toHex()
        + " tcp="
        + addresses().stream().map(RelayServer::format).toList()
        + " udp="
        + udpPort()
        + "]";
  }
}
