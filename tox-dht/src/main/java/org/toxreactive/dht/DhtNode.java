package org.toxreactive.dht;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import reactor.core.Disposable;
import reactor.netty.Connection;
import reactor.netty.udp.UdpServer;

/**
 * A stand-alone DHT node on a UDP port.
 *
 * <pre>{@code
 * DhtNode node = DhtNode.bind("127.0.0.1", 33445, KeyPair.generate(),
 *     DhtConfig.defaults().withInfo(DhtConfig.motd("hello")), null);
 * System.out.println(node.publicKey() + " udp " + node.port() + " " + node.stats());
 * node.dispose();
 * }</pre>
 */
public final class DhtNode implements Disposable {
  private static final String HANDLER = "tox.dht";

  private final Connection connection;
  private final DhtChannel dht;
  private final PublicKey publicKey;

  private DhtNode(Connection connection, DhtChannel dht, PublicKey publicKey) {
    this.connection = connection;
    this.dht = dht;
    this.publicKey = publicKey;
  }

  /**
   * Binds {@code host:port} (0 = any free port), bootstraps from the configured nodes and starts.
   *
   * @param registry where the {@code tox.dht.*} meters go, or null
   * @param host the address to bind
   * @param port the UDP port, 0 for a free one
   * @param keys the node's DHT key pair
   * @param config its settings
   * @return the running node, owned by the caller (dispose it)
   */
  public static DhtNode bind(
      String host, int port, KeyPair keys, DhtConfig config, @Nullable MeterRegistry registry) {
    long origin = System.nanoTime();
    Connection c = UdpServer.create().host(host).port(port).bindNow(Duration.ofSeconds(10));
    DhtChannel dht =
        new DhtChannel(
            c.channel(),
            keys,
            config,
            () -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - origin) + 1_000_000);
    c.addHandlerLast(
        HANDLER,
        new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DatagramPacket p) {
              try {
                dht.onDatagram(p);
              } finally {
                p.release();
              }
            } else {
              ctx.fireChannelRead(msg);
            }
          }
        });
    c.channel().config().setAutoRead(true);
    if (registry != null) {
      DhtMetrics.bind(registry, dht.stats());
    }
    dht.start();
    return new DhtNode(c, dht, keys.publicKey());
  }

  /**
   * The node's DHT public key.
   *
   * @return the key
   */
  public PublicKey publicKey() {
    return publicKey;
  }

  /**
   * The bound UDP port.
   *
   * @return the port
   */
  public int port() {
    return ((InetSocketAddress) connection.channel().localAddress()).getPort();
  }

  /**
   * The node's counters, readable from any thread.
   *
   * @return the live counters
   */
  public DhtStats stats() {
    return dht.stats();
  }

  /**
   * The keys in the close list, read on the node's loop.
   *
   * @return a snapshot of the keys
   */
  public List<PublicKey> closeListKeys() {
    return onLoop(() -> dht.core().closeList().keys());
  }

  /**
   * Runs {@code task} on the node's loop and waits (at most 10 s) for its result.
   *
   * @param <T> the result type
   * @param task work on the core
   * @return the task's result
   */
  public <T> T onLoop(java.util.function.Supplier<T> task) {
    CompletableFuture<T> f = new CompletableFuture<>();
    connection
        .channel()
        .eventLoop()
        .execute(
            () -> {
              try {
                f.complete(task.get());
              } catch (RuntimeException e) {
                f.completeExceptionally(e);
              }
            });
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("DHT loop task failed: " + e, e);
    }
  }

  /**
   * The core (touch it only through {@link #onLoop}).
   *
   * @return the core
   */
  public DhtCore core() {
    return dht.core();
  }

  @Override
  public void dispose() {
    dht.stop();
    connection.disposeNow(Duration.ofSeconds(5));
  }

  @Override
  public boolean isDisposed() {
    return connection.isDisposed();
  }
}
