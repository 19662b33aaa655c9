package org.toxreactive.transport.tcp;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.PublicKey;
import org.toxreactive.transport.tcp.RelayEvent.DataReceived;
import org.toxreactive.transport.tcp.RelayEvent.ForwardingReceived;
import org.toxreactive.transport.tcp.RelayEvent.OnionResponseReceived;
import org.toxreactive.transport.tcp.RelayEvent.OobReceived;
import org.toxreactive.transport.tcp.RelayEvent.PeerOffline;
import org.toxreactive.transport.tcp.RelayEvent.PeerOnline;
import org.toxreactive.transport.tcp.RelayEvent.RouteAssigned;
import org.toxreactive.transport.tcp.RelayEvent.RouteRefused;
import org.toxreactive.transport.tcp.packet.ConnectNotification;
import org.toxreactive.transport.tcp.packet.Data;
import org.toxreactive.transport.tcp.packet.DisconnectNotification;
import org.toxreactive.transport.tcp.packet.ForwardRequest;
import org.toxreactive.transport.tcp.packet.Forwarding;
import org.toxreactive.transport.tcp.packet.OnionRequest;
import org.toxreactive.transport.tcp.packet.OnionResponse;
import org.toxreactive.transport.tcp.packet.OobRecv;
import org.toxreactive.transport.tcp.packet.OobSend;
import org.toxreactive.transport.tcp.packet.Ping;
import org.toxreactive.transport.tcp.packet.Pong;
import org.toxreactive.transport.tcp.packet.RelayPacket;
import org.toxreactive.transport.tcp.packet.RelayPacketHandler;
import org.toxreactive.transport.tcp.packet.RoutingRequest;
import org.toxreactive.transport.tcp.packet.RoutingResponse;
import reactor.core.Disposable;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * The client's protocol state machine for one relay link (docs/protocol.md 2.6), living on the
 * link's event loop: routing slots, keepalive, and every client-side kill rule. All time comes from
 * the injected {@link Scheduler}; timer callbacks hop onto the event loop, so the state has a
 * single writer.
 */
final class ClientSessionHandler extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(ClientSessionHandler.class);
  private static final int NONE = 0;
  private static final int REGISTERED = 1;
  private static final int ONLINE = 2;

  private final RelayConnection connection;
  private final Scheduler scheduler;
  private final Duration pingInterval;
  private final Duration pingTimeout;

  private final PublicKey[] peers = new PublicKey[RelayProtocol.NUM_CLIENT_CONNECTIONS];
  private final byte[] states = new byte[RelayProtocol.NUM_CLIENT_CONNECTIONS];
  private final Map<PublicKey, List<MonoSink<Integer>>> pendingRoutes = new HashMap<>();
  private final Map<Long, PendingPing> userPings = new HashMap<>();

  private ChannelHandlerContext ctx;
  private @Nullable SecureFrameHandler secure;
  private boolean confirmed;
  private long keepalivePingId;
  private @Nullable Disposable nextPing;
  private @Nullable Disposable pongDeadline;
  private @Nullable Throwable failure;

  private record PendingPing(MonoSink<Duration> sink, long sentNanos) {}

  ClientSessionHandler(
      RelayConnection connection,
      Scheduler scheduler,
      Duration pingInterval,
      Duration pingTimeout) {
    this.connection = connection;
    this.scheduler = scheduler;
    this.pingInterval = pingInterval;
    this.pingTimeout = pingTimeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  // ---------------------------------------------------------------- inbound

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof ClientHandshakeHandler.HandshakeCompleted) {
      confirmed = true;
      secure = ((ClientHandshakeHandler.HandshakeCompleted) evt).secure();
      connection.secure(secure);
      sendKeepalivePing(); // c-toxcore pings first; the relay is confirmed by our first frame
      connection.ready();
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
    RelayPacket p = (RelayPacket) msg;
    if (p.encodedLength() <= 1) {
      kill("relay sent a packet of length " + p.encodedLength());
      return;
    }
    p.dispatch(inbound, ctx);
  }

  /** What the client does with each packet kind from the relay. */
  private final RelayPacketHandler<ChannelHandlerContext> inbound =
      new RelayPacketHandler<>() {
        @Override
        public void data(Data d, ChannelHandlerContext ctx) {
          PublicKey peer = peers[d.connectionId() - RelayProtocol.NUM_RESERVED_IDS];
          connection.emit(new DataReceived(d.connectionId(), peer, d.payload()), false);
        }

        @Override
        public void routingResponse(RoutingResponse r, ChannelHandlerContext ctx) {
          onRoutingResponse(r);
        }

        @Override
        public void connectNotification(ConnectNotification n, ChannelHandlerContext ctx) {
          int id = n.connectionId();
          if (id < RelayProtocol.NUM_RESERVED_IDS) {
            kill("relay sent a connect notification for reserved id " + id);
          } else if (states[slot(id)] == REGISTERED) {
            states[slot(id)] = ONLINE;
            connection.emit(new PeerOnline(id, peers[slot(id)]), true);
          }
        }

        @Override
        public void disconnectNotification(DisconnectNotification n, ChannelHandlerContext ctx) {
          int id = n.connectionId();
          if (id < RelayProtocol.NUM_RESERVED_IDS) {
            kill("relay sent a disconnect notification for reserved id " + id);
          } else if (states[slot(id)] == ONLINE) {
            states[slot(id)] = REGISTERED;
            connection.emit(new PeerOffline(id, peers[slot(id)]), true);
          }
        }

        @Override
        public void ping(Ping ping, ChannelHandlerContext ctx) {
          ctx.writeAndFlush(new Pong(ping.pingId()));
        }

        @Override
        public void pong(Pong pong, ChannelHandlerContext ctx) {
          onPong(pong.pingId());
        }

        @Override
        public void oobRecv(OobRecv o, ChannelHandlerContext ctx) {
          connection.emit(new OobReceived(o.sender(), o.data()), false);
        }

        @Override
        public void onionResponse(OnionResponse o, ChannelHandlerContext ctx) {
          connection.emit(new OnionResponseReceived(o.inner()), false);
        }

        @Override
        public void forwarding(Forwarding f, ChannelHandlerContext ctx) {
          connection.emit(new ForwardingReceived(f.data()), false);
        }

        // what only clients send: a relay that sends it breaks the protocol

        @Override
        public void routingRequest(RoutingRequest packet, ChannelHandlerContext ctx) {
          onlyClientsSend(packet);
        }

        @Override
        public void oobSend(OobSend packet, ChannelHandlerContext ctx) {
          onlyClientsSend(packet);
        }

        @Override
        public void onionRequest(OnionRequest packet, ChannelHandlerContext ctx) {
          onlyClientsSend(packet);
        }

        @Override
        public void forwardRequest(ForwardRequest packet, ChannelHandlerContext ctx) {
          onlyClientsSend(packet);
        }
      };

  private void onlyClientsSend(RelayPacket p) {
    kill("relay sent packet id " + p.kind().id() + ", which only clients send");
  }

  private static int slot(int connectionId) {
    return connectionId - RelayProtocol.NUM_RESERVED_IDS;
  }

  private void onRoutingResponse(RoutingResponse r) {
    if (!r.accepted()) {
      connection.emit(new RouteRefused(r.peer()), true);
      completeRoutes(r.peer(), null);
      return;
    }
    int s = slot(r.connectionId());
    if (states[s] != NONE && !r.peer().equals(peers[s])) {
      return; // id already used locally for another key: c-toxcore ignores it
    }
    if (states[s] == NONE) {
      states[s] = REGISTERED;
      peers[s] = r.peer();
    }
    connection.emit(new RouteAssigned(r.peer(), r.connectionId()), true);
    completeRoutes(r.peer(), r.connectionId());
  }

  private void completeRoutes(PublicKey peer, @Nullable Integer connectionId) {
    List<MonoSink<Integer>> waiting = pendingRoutes.remove(peer);
    if (waiting == null) {
      return;
    }
    for (MonoSink<Integer> sink : waiting) {
      if (connectionId == null) {
        sink.error(new RelayRejectedException("relay refused to route to " + peer));
      } else {
        sink.success(connectionId);
      }
    }
  }

  private void onPong(long id) {
    if (id == 0) {
      return;
    }
    if (id == keepalivePingId) {
      keepalivePingId = 0;
      if (pongDeadline != null) {
        pongDeadline.dispose();
      }
    }
    PendingPing user = userPings.remove(id);
    if (user != null) {
      user.sink().success(Duration.ofNanos(scheduler.now(TimeUnit.NANOSECONDS) - user.sentNanos()));
    }
  }

  // ---------------------------------------------------------------- keepalive

  private void sendKeepalivePing() {
    if (!ctx.channel().isActive()) {
      return;
    }
    Ping ping = Ping.random();
    keepalivePingId = ping.pingId();
    ctx.writeAndFlush(ping);
    pongDeadline =
        scheduler.schedule(
            () -> onLoop(this::checkPong), pingTimeout.toMillis(), TimeUnit.MILLISECONDS);
    nextPing =
        scheduler.schedule(
            () -> onLoop(this::sendKeepalivePing), pingInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void checkPong() {
    if (keepalivePingId != 0) {
      kill("no pong from the relay within " + pingTimeout.toSeconds() + " s");
    }
  }

  private void onLoop(Runnable r) {
    if (ctx.executor().inEventLoop()) {
      r.run();
    } else {
      ctx.executor().execute(r);
    }
  }

  // ---------------------------------------------------------------- commands (event loop only)

  void route(PublicKey peer, MonoSink<Integer> sink) {
    pendingRoutes.computeIfAbsent(peer, k -> new ArrayList<>(1)).add(sink);
    write(new org.toxreactive.transport.tcp.packet.RoutingRequest(peer), null);
  }

  /**
   * Fails (without sending) for an id we hold no route on: the relay would kill us. {@code sink}
   * may be null (fire and forget): a packet that cannot go is then just dropped.
   */
  void sendData(
      int connectionId, org.toxreactive.core.Bytes payload, @Nullable MonoSink<Void> sink) {
    if (connectionId < RelayProtocol.NUM_RESERVED_IDS
        || connectionId > 255
        || states[slot(connectionId)] == NONE) {
      if (sink != null) {
        sink.error(new IllegalArgumentException("no route on connection id " + connectionId));
      }
      return;
    }
    if (payload.isEmpty()) {
      if (sink != null) {
        sink.error(new IllegalArgumentException("empty data packets kill c-toxcore clients"));
      }
      return;
    }
    write(new Data(connectionId, payload), sink);
  }

  /**
   * As {@link #sendData} without a sink, for a data packet its caller encoded already: {@code
   * plaintext} is the connection id byte and the payload. Owns {@code plaintext}: it is written
   * (the frame handler seals and releases it) or released here when it cannot go (no route on that
   * id, the link not open).
   */
  void sendEncoded(int connectionId, io.netty.buffer.ByteBuf plaintext) {
    SecureFrameHandler s = secure;
    if (connectionId < RelayProtocol.NUM_RESERVED_IDS
        || connectionId > 255
        || states[slot(connectionId)] == NONE
        || s == null
        || !confirmed
        || !ctx.channel().isActive()) {
      plaintext.release();
      return;
    }
    s.writeEncoded(plaintext);
  }

  void disconnect(int connectionId, MonoSink<Void> sink) {
    if (connectionId < RelayProtocol.NUM_RESERVED_IDS
        || connectionId > 255
        || states[slot(connectionId)] == NONE) {
      sink.error(new IllegalArgumentException("no route on connection id " + connectionId));
      return;
    }
    states[slot(connectionId)] = NONE;
    peers[slot(connectionId)] = null;
    write(new DisconnectNotification(connectionId), sink);
  }

  void ping(MonoSink<Duration> sink) {
    Ping p = Ping.random();
    userPings.put(p.pingId(), new PendingPing(sink, scheduler.now(TimeUnit.NANOSECONDS)));
    write(p, null);
  }

  /** Routing state of a connection id, for tests and diagnostics. */
  boolean isOnline(int connectionId) {
    return states[slot(connectionId)] == ONLINE;
  }

  void write(RelayPacket packet, @Nullable MonoSink<Void> sink) {
    if (!confirmed || !ctx.channel().isActive()) {
      if (sink != null) {
        sink.error(new RelayProtocolException("relay link is not open"));
      }
      return;
    }
    ChannelFuture f = ctx.writeAndFlush(packet);
    if (sink != null) {
      f.addListener(
          done -> {
            if (done.isSuccess()) {
              sink.success();
            } else {
              sink.error(done.cause());
            }
          });
    }
  }

  void kill(String reason) {
    kill(new RelayProtocolException(reason));
  }

  private void kill(Throwable reason) {
    if (failure == null) {
      failure = reason;
      log.debug("closing relay link {}: {}", ctx.channel().remoteAddress(), reason.getMessage());
    }
    ctx.close();
  }

  // ---------------------------------------------------------------- teardown

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    kill(
        cause instanceof io.netty.handler.codec.TooLongFrameException
            ? new RelayProtocolException("relay sent a frame longer than 2048 bytes", cause)
            : cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (nextPing != null) {
      nextPing.dispose();
    }
    if (pongDeadline != null) {
      pongDeadline.dispose();
    }
    Throwable reason =
        failure != null ? failure : new RelayProtocolException("relay closed the connection");
    pendingRoutes.values().forEach(l -> l.forEach(s -> s.error(reason)));
    pendingRoutes.clear();
    userPings.values().forEach(p -> p.sink().error(reason));
    userPings.clear();
    connection.closed(failure, confirmed);
    super.channelInactive(ctx);
  }

  /** Exposed so RelayConnection can fail its ready signal on a pre-handshake close. */
  @Nullable Throwable failure() {
    return failure;
  }

  static final Sinks.EmitFailureHandler NO_RETRY = Sinks.EmitFailureHandler.FAIL_FAST;
}
