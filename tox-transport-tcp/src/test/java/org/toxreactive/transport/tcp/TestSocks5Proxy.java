package org.toxreactive.transport.tcp;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5Message;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal SOCKS5 proxy on loopback for client tests: no authentication, CONNECT only, IPv4, IPv6
 * and domain targets. After a successful CONNECT it relays raw bytes both ways until either side
 * closes. Counts tunnels and records every requested target as {@code host:port}.
 */
final class TestSocks5Proxy implements AutoCloseable {
  /** Successful CONNECTs (target reached, success reply sent). */
  final AtomicInteger tunnels = new AtomicInteger();

  /** Every CONNECT target asked for, as {@code host:port} ({@code [v6]:port} for IPv6). */
  final List<String> targets = new CopyOnWriteArrayList<>();

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Channel server;

  private TestSocks5Proxy() {
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    channels.add(ch);
                    ch.pipeline()
                        .addLast("socks.encoder", Socks5ServerEncoder.DEFAULT)
                        .addLast("socks.decoder", new Socks5InitialRequestDecoder())
                        .addLast("socks.handler", new SocksHandler());
                  }
                })
            .bind("127.0.0.1", 0)
            .syncUninterruptibly()
            .channel();
  }

  static TestSocks5Proxy start() {
    return new TestSocks5Proxy();
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  static String hostPort(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** Greeting, then CONNECT; replaces itself with a {@link Pipe} once the target is reached. */
  private final class SocksHandler extends SimpleChannelInboundHandler<Socks5Message> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Socks5Message msg) {
      if (msg.decoderResult().isFailure()) {
        ctx.close();
      } else if (msg instanceof Socks5InitialRequest) {
        greet(ctx, (Socks5InitialRequest) msg);
      } else if (msg instanceof Socks5CommandRequest) {
        command(ctx, (Socks5CommandRequest) msg);
      } else {
        ctx.close();
      }
    }

    private void greet(ChannelHandlerContext ctx, Socks5InitialRequest request) {
      if (!request.authMethods().contains(Socks5AuthMethod.NO_AUTH)) {
        ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED))
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      ctx.pipeline().replace("socks.decoder", "socks.decoder", new Socks5CommandRequestDecoder());
      ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
    }

    private void command(ChannelHandlerContext ctx, Socks5CommandRequest request) {
      if (request.type() != Socks5CommandType.CONNECT) {
        ctx.writeAndFlush(
                new DefaultSocks5CommandResponse(
                    Socks5CommandStatus.COMMAND_UNSUPPORTED, Socks5AddressType.IPv4))
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      String host = request.dstAddr();
      int port = request.dstPort();
      targets.add(hostPort(host, port));
      Channel inbound = ctx.channel();
      inbound.config().setAutoRead(false);
      connectTarget(inbound, host, port)
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (!f.isSuccess()) {
                      inbound
                          .writeAndFlush(
                              new DefaultSocks5CommandResponse(
                                  Socks5CommandStatus.FAILURE, request.dstAddrType()))
                          .addListener(ChannelFutureListener.CLOSE);
                      return;
                    }
                    Channel outbound = f.channel();
                    if (!inbound.isActive()) {
                      outbound.close();
                      return;
                    }
                    InetSocketAddress bound = (InetSocketAddress) outbound.localAddress();
                    inbound.writeAndFlush(
                        new DefaultSocks5CommandResponse(
                            Socks5CommandStatus.SUCCESS,
                            Socks5AddressType.IPv4,
                            bound.getAddress().getHostAddress(),
                            bound.getPort()));
                    tunnels.incrementAndGet();
                    // From here on raw bytes: the relay goes in first so that whatever the
                    // decoder still buffers on removal is forwarded, not dropped.
                    inbound.pipeline().addLast("proxy.pipe", new Pipe(outbound));
                    inbound.pipeline().remove(this);
                    inbound.pipeline().remove("socks.decoder");
                    inbound.pipeline().remove("socks.encoder");
                    inbound.config().setAutoRead(true);
                  });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /**
   * Connects to {@code host:port} on the inbound channel's own event loop; once connected, what the
   * target sends goes to {@code inbound}. Shared with {@link TestHttpConnectProxy}.
   */
  static ChannelFuture connectTarget(Channel inbound, String host, int port) {
    ChannelFuture f =
        new Bootstrap()
            .group(inbound.eventLoop())
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
            .handler(new Pipe(inbound))
            .connect(host, port);
    // Closing the client side must also end a half-established tunnel.
    inbound.closeFuture().addListener(c -> f.channel().close());
    return f;
  }

  /** Forwards every byte it reads to {@code peer}; closes {@code peer} when its own side closes. */
  static final class Pipe extends ChannelInboundHandlerAdapter {
    private final Channel peer;

    Pipe(Channel peer) {
      this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (peer.isActive()) {
        peer.writeAndFlush(msg)
            .addListener(
                (ChannelFutureListener)
                    f -> {
                      if (!f.isSuccess()) {
                        ctx.channel().close();
                      }
                    });
      } else {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closeAfterFlush(peer);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    private static void closeAfterFlush(Channel ch) {
      if (ch.isActive()) {
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
