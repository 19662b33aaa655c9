package org.toxreactive.transport.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
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
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal HTTP CONNECT proxy on loopback for client tests. Answers a CONNECT with {@code HTTP/1.1
 * 200 Connection established}, then drops its HTTP handlers and relays raw bytes both ways until
 * either side closes. Any other method gets {@code 405}; a target it cannot reach gets {@code 502}.
 * When {@link #refuse(boolean) refusing} it answers every CONNECT with {@code 403 Forbidden}.
 */
final class TestHttpConnectProxy implements AutoCloseable {
  private static final byte[] ESTABLISHED =
      "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** Successful CONNECTs (target reached, 200 sent). */
  final AtomicInteger tunnels = new AtomicInteger();

  /** Every CONNECT target asked for, as {@code host:port}, refused ones included. */
  final List<String> targets = new CopyOnWriteArrayList<>();

  private volatile boolean refuse;
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Channel server;

  private TestHttpConnectProxy(boolean refuse) {
    this.refuse = refuse;
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
                        .addLast("http.codec", new HttpServerCodec())
                        .addLast("http.aggregator", new HttpObjectAggregator(8192))
                        .addLast("http.handler", new ConnectHandler());
                  }
                })
            .bind("127.0.0.1", 0)
            .syncUninterruptibly()
            .channel();
  }

  /** A proxy that tunnels every CONNECT. */
  static TestHttpConnectProxy start() {
    return new TestHttpConnectProxy(false);
  }

  /** A proxy that answers every CONNECT with {@code 403 Forbidden}. */
  static TestHttpConnectProxy refusing() {
    return new TestHttpConnectProxy(true);
  }

  /** Whether later CONNECTs are refused with 403. */
  TestHttpConnectProxy refuse(boolean refuse) {
    this.refuse = refuse;
    return this;
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

  private final class ConnectHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      if (request.decoderResult().isFailure()) {
        fail(ctx, HttpResponseStatus.BAD_REQUEST);
        return;
      }
      if (!HttpMethod.CONNECT.equals(request.method())) {
        fail(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED);
        return;
      }
      String target = request.uri();
      int sep = target.lastIndexOf(':');
      String host = sep > 0 ? target.substring(0, sep) : "";
      int port;
      try {
        port = Integer.parseInt(target.substring(sep + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      if (host.isEmpty() || port < 1 || port > 65535) {
        fail(ctx, HttpResponseStatus.BAD_REQUEST);
        return;
      }
      targets.add(TestSocks5Proxy.hostPort(host, port));
      if (refuse) {
        fail(ctx, HttpResponseStatus.FORBIDDEN);
        return;
      }
      Channel inbound = ctx.channel();
      inbound.config().setAutoRead(false);
      TestSocks5Proxy.connectTarget(inbound, host, port)
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (!f.isSuccess()) {
                      fail(ctx, HttpResponseStatus.BAD_GATEWAY);
                      return;
                    }
                    Channel outbound = f.channel();
                    if (!inbound.isActive()) {
                      outbound.close();
                      return;
                    }
                    tunnels.incrementAndGet();
                    // Raw bytes from here on: the relay goes in first so that whatever the HTTP
                    // decoder still buffers on removal is forwarded, not dropped.
                    inbound.pipeline().addLast("proxy.pipe", new TestSocks5Proxy.Pipe(outbound));
                    inbound.pipeline().remove(this);
                    inbound.pipeline().remove("http.aggregator");
                    inbound.pipeline().remove("http.codec");
                    inbound.writeAndFlush(Unpooled.wrappedBuffer(ESTABLISHED));
                    inbound.config().setAutoRead(true);
                  });
    }

    private void fail(ChannelHandlerContext ctx, HttpResponseStatus status) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
      HttpUtil.setContentLength(response, 0);
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
