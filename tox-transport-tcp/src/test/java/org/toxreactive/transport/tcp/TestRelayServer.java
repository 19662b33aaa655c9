package org.toxreactive.transport.tcp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.packet.ConnectNotification;
import org.toxreactive.transport.tcp.packet.Data;
import org.toxreactive.transport.tcp.packet.Ping;
import org.toxreactive.transport.tcp.packet.Pong;
import org.toxreactive.transport.tcp.packet.RoutingRequest;
import org.toxreactive.transport.tcp.packet.RoutingResponse;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

/**
 * A minimal relay on loopback for client tests: real handshake and frames, answers pings, assigns
 * connection id 16 to every routing request. Optionally silent (accepts TCP, never answers) to test
 * handshake deadlines, or echoing ({@link #echoing}): every route comes online at once and data
 * comes back to its sender as if the peer had sent it. Not a router: the relay server module has
 * the real one.
 */
final class TestRelayServer implements AutoCloseable {
  final KeyPair keys = KeyPair.generate();
  final AtomicInteger accepted = new AtomicInteger();
  private final io.netty.channel.group.ChannelGroup channels =
      new io.netty.channel.group.DefaultChannelGroup(
          io.netty.util.concurrent.GlobalEventExecutor.INSTANCE);
  private final reactor.core.publisher.Sinks.Many<String> linkEvents =
      reactor.core.publisher.Sinks.many().replay().all();
  private final DisposableServer server;

  /** Echoing: the connection id data is sent back on (16: the route's; 0: no echo). */
  volatile int echoId;

  private TestRelayServer(boolean silent) {
    server =
        TcpServer.create()
            .host("127.0.0.1")
            .port(0)
            .doOnConnection(
                c -> {
                  linkEvent("open");
                  c.onDispose(() -> linkEvent("closed"));
                  channels.add(c.channel());
                  if (silent) {
                    return;
                  }
                  c.addHandlerLast("handshake", new ServerHandshakeHandler(keys));
                  c.addHandlerLast("responder", new Responder());
                  c.channel().config().setAutoRead(true);
                })
            .bindNow();
  }

  static TestRelayServer start() {
    return new TestRelayServer(false);
  }

  static TestRelayServer silent() {
    return new TestRelayServer(true);
  }

  /**
   * A relay on which every routed peer is online at once (a connect notification follows each
   * routing response) and every data packet comes back to its sender on connection id {@code
   * echoId}: 16, the id of every route, as if the peer answered with the same bytes; another id is
   * data on an id the client holds no route on.
   */
  static TestRelayServer echoing(int echoId) {
    TestRelayServer relay = new TestRelayServer(false);
    relay.echoId = echoId;
    return relay;
  }

  /**
   * "open" when a client connects and "closed" when its link closes, in order, from the start
   * (replayed).
   */
  reactor.core.publisher.Flux<String> linkEvents() {
    return linkEvents.asFlux();
  }

  private synchronized void linkEvent(String e) {
    linkEvents.tryEmitNext(e);
  }

  int port() {
    return server.port();
  }

  RelayAddress address() {
    return RelayAddress.of("127.0.0.1", port(), keys.publicKey());
  }

  /** Closes every client link (the relay "restarts" without unbinding). */
  void closeConnections() {
    channels.close().awaitUninterruptibly(5, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    closeConnections();
    server.disposeNow();
  }

  private final class Responder extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ServerHandshakeHandler.ClientAccepted) {
        accepted.incrementAndGet();
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Ping) {
        ctx.writeAndFlush(new Pong(((Ping) msg).pingId()));
      } else if (msg instanceof RoutingRequest) {
        ctx.writeAndFlush(new RoutingResponse(16, ((RoutingRequest) msg).peer()));
        if (echoId != 0) {
          ctx.writeAndFlush(new ConnectNotification(16));
        }
      } else if (msg instanceof Data d && echoId != 0) {
        ctx.writeAndFlush(new Data(echoId, d.payload()));
      } else {
        io.netty.util.ReferenceCountUtil.release(msg);
      }
    }
  }
}
