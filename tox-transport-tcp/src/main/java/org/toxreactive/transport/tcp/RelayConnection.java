package org.toxreactive.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.BytesPool;
import org.toxreactive.core.IpPort;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.transport.tcp.packet.ForwardRequest;
import org.toxreactive.transport.tcp.packet.OnionRequest;
import org.toxreactive.transport.tcp.packet.OobSend;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * One live, encrypted link to a Tox TCP relay, as made by {@link RelayClient#connect()}.
 *
 * <pre>{@code
 * RelayConnection relay = RelayClient.create(address, dhtKeys).connectNow();
 * relay.events().ofType(RelayEvent.DataReceived.class).subscribe(d -> ...);
 * int id = relay.route(friendDhtKey).block();          // connection id on this relay
 * // once RelayEvent.PeerOnline arrives for id:
 * relay.send(id, Bytes.ofUtf8("hello")).subscribe();
 * relay.dispose();
 * }</pre>
 *
 * <p>Every method may be called from any thread; the work runs on the link's event loop. Sends of
 * relayed data and OOB are dropped (the Mono fails with {@link RelayBackpressureException}) when
 * the link is backed up, as in c-toxcore; control packets are always queued. The link keeps itself
 * alive with pings and closes itself when the relay breaks a rule or stops answering; {@link
 * #events()} then errors with the reason.
 */
public final class RelayConnection implements Disposable {
  private static final Logger log = LoggerFactory.getLogger(RelayConnection.class);

  /** Events buffered for slow or late subscribers before data events are dropped. */
  static final int EVENT_BUFFER = Queues.SMALL_BUFFER_SIZE * 32;

  private final Channel channel;
  private final RelayAddress relay;
  private final ClientSessionHandler session;
  private final Sinks.Many<RelayEvent> events =
      Sinks.many().multicast().onBackpressureBuffer(EVENT_BUFFER, false);
  private final Sinks.One<RelayConnection> ready = Sinks.one();
  private final Sinks.Empty<Void> closed = Sinks.empty();
  private volatile @Nullable SecureFrameHandler secure;
  private volatile boolean disposedLocally;
  private volatile long droppedEvents;

  RelayConnection(Channel channel, RelayAddress relay, RelayClient.Config config) {
    this.channel = channel;
    this.relay = relay;
    this.session =
        new ClientSessionHandler(
            this, config.scheduler(), config.pingInterval(), config.pingTimeout());
  }

  ClientSessionHandler sessionHandler() {
    return session;
  }

  /**
   * The relay this link goes to.
   *
   * @return the relay's address
   */
  public RelayAddress relay() {
    return relay;
  }

  /**
   * The local end of the TCP connection.
   *
   * @return the local address
   */
  public SocketAddress localAddress() {
    return channel.localAddress();
  }

  /**
   * Everything the relay tells us, in order. Buffered while nobody subscribes; several subscribers
   * may share it. Completes when the link is disposed locally; errors with the reason (a {@link
   * RelayProtocolException}, an I/O error) when the relay or the network ends it.
   *
   * @return the events
   */
  public Flux<RelayEvent> events() {
    return events.asFlux();
  }

  /**
   * Asks the relay for a route to {@code peer} (its DHT key). Emits the connection id, or errors
   * with {@link RelayRejectedException} if the relay refuses (our own key, 240 routes in use). A
   * second request for the same key returns the same id.
   *
   * @param peer the peer's DHT key
   * @return the connection id the relay assigned
   */
  public Mono<Integer> route(PublicKey peer) {
    return Mono.create(sink -> onLoop(() -> session.route(peer, sink), sink::error));
  }

  /**
   * Sends {@code payload} to the peer on {@code connectionId}. Fails without sending if we hold no
   * route on that id (the relay would kill us) or the payload is empty; fails with {@link
   * RelayBackpressureException} if the link is backed up.
   *
   * @param connectionId the route's connection id
   * @param payload the bytes
   * @return completes once written
   */
  public Mono<Void> send(int connectionId, Bytes payload) {
    return Mono.create(
        sink -> onLoop(() -> session.sendData(connectionId, payload, sink), sink::error));
  }

  /**
   * As {@link #send(int, Bytes)} with no completion signal: a packet that cannot go (no route, an
   * empty payload, the link backed up or closed) is dropped; backed-up drops are counted in {@link
   * #droppedPackets()}.
   *
   * @param connectionId the route's connection id
   * @param payload the bytes
   */
  public void offer(int connectionId, Bytes payload) {
    onLoop(() -> session.sendData(connectionId, payload, null), e -> {});
  }

  /**
   * As {@link #offer(int, Bytes)}, of {@code length} bytes of {@code payload} from {@code offset},
   * <b>borrowed</b>: they are copied into a pooled buffer from the channel's allocator (with the
   * connection id in front, the packet's plaintext) before this returns, and the event loop seals
   * that buffer into the frame and releases it. The caller may overwrite its array at once. Nothing
   * is sent for an empty payload, more than {@link RelayPool#MAX_PACKET_SIZE} bytes or offsets
   * outside the array; like {@link #offer(int, Bytes)} it never throws.
   *
   * @param connectionId the route's connection id
   * @param payload the array holding the bytes (borrowed)
   * @param offset where they start in it
   * @param length how many, 1..{@link RelayPool#MAX_PACKET_SIZE}
   * @return false if refused at once (bad arguments, the link closed); true if handed to the loop,
   *     which may still drop it (no route, backed up)
   */
  boolean offer(int connectionId, byte[] payload, int offset, int length) {
    if (payload == null
        || offset < 0
        || length < 1
        || length > payload.length - offset
        || length > RelayPool.MAX_PACKET_SIZE
        || connectionId < RelayProtocol.NUM_RESERVED_IDS
        || connectionId > 255
        || !channel.isActive()) {
      return false;
    }
    ByteBuf plaintext;
    try {
      plaintext = channel.alloc().buffer(1 + length);
    } catch (RuntimeException e) { // out of direct memory: a datagram lost, not an error
      return false;
    }
    plaintext.writeByte(connectionId).writeBytes(payload, offset, length);
    if (channel.eventLoop().inEventLoop()) {
      try {
        session.sendEncoded(connectionId, plaintext); // owns (and releases) the buffer from here
        return true;
      } catch (RuntimeException e) { // no frame buffer to be had: the packet is lost
        return false;
      }
    }
    try {
      channel.eventLoop().execute(() -> session.sendEncoded(connectionId, plaintext));
      return true;
    } catch (RuntimeException e) { // the loop is shutting down: the task never runs
      plaintext.release();
      return false;
    }
  }

  /**
   * Sends {@code data} (1..1024 bytes) out of band to {@code destination}'s DHT key.
   *
   * @param destination the peer's DHT key
   * @param data the bytes
   * @return completes once written
   */
  public Mono<Void> sendOob(PublicKey destination, Bytes data) {
    OobSend packet = new OobSend(destination, data);
    return Mono.create(sink -> onLoop(() -> session.write(packet, sink), sink::error));
  }

  /**
   * Gives up our route on {@code connectionId}; the peer gets a disconnect notification.
   *
   * @param connectionId the route's connection id
   * @return completes once written
   */
  public Mono<Void> disconnect(int connectionId) {
    return Mono.create(sink -> onLoop(() -> session.disconnect(connectionId, sink), sink::error));
  }

  /**
   * Sends an onion request (TCP id 8): the relay acts as onion node 1.
   *
   * @param nonce the onion nonce
   * @param payload the onion payload
   * @return completes once written
   */
  public Mono<Void> sendOnionRequest(Nonce nonce, Bytes payload) {
    OnionRequest packet = new OnionRequest(nonce, payload);
    return Mono.create(sink -> onLoop(() -> session.write(packet, sink), sink::error));
  }

  /**
   * Asks the relay to forward {@code data} over UDP to {@code destination} (TCP id 10).
   *
   * @param destination where the relay sends it
   * @param data the bytes
   * @return completes once written
   */
  public Mono<Void> sendForwardRequest(IpPort destination, Bytes data) {
    ForwardRequest packet = new ForwardRequest(destination, data);
    return Mono.create(sink -> onLoop(() -> session.write(packet, sink), sink::error));
  }

  /**
   * Pings the relay now and emits the round-trip time when its pong arrives.
   *
   * @return the round-trip time
   */
  public Mono<Duration> ping() {
    return Mono.create(sink -> onLoop(() -> session.ping(sink), sink::error));
  }

  /**
   * Whether the peer on {@code connectionId} is online (both sides routed).
   *
   * @param connectionId the route's connection id
   * @return whether the peer is online there
   */
  public Mono<Boolean> isOnline(int connectionId) {
    return Mono.create(
        sink -> onLoop(() -> sink.success(session.isOnline(connectionId)), sink::error));
  }

  /**
   * Non-priority packets dropped because the link was backed up, plus events nobody consumed.
   *
   * @return the count so far
   */
  public long droppedPackets() {
    SecureFrameHandler s = secure;
    return (s == null ? 0 : s.droppedPackets()) + droppedEvents;
  }

  /**
   * @return completes when the link has closed, whatever the reason
   */
  public Mono<Void> onDispose() {
    return closed.asMono();
  }

  /**
   * Closes the link and waits until it is closed. Never call it on the link's event loop.
   *
   * @param timeout how long to wait at most
   * @throws IllegalStateException if the link has not closed within {@code timeout}
   */
  public void disposeNow(java.time.Duration timeout) {
    dispose();
    closed.asMono().block(timeout);
  }

  @Override
  public void dispose() {
    disposedLocally = true;
    channel.close();
  }

  @Override
  public boolean isDisposed() {
    return !channel.isActive();
  }

  @Override
  public String toString() {
    return "RelayConnection[" + relay + " via " + channel.localAddress() + "]";
  }

  // ---------------------------------------------------------------- called by the session handler

  Mono<RelayConnection> whenReady() {
    return ready.asMono();
  }

  void secure(SecureFrameHandler handler) {
    this.secure = handler;
  }

  void ready() {
    ready.tryEmitValue(this);
  }

  /** Called on the event loop only (single producer). Control events are never dropped silently. */
  void emit(RelayEvent event, boolean control) {
    Sinks.EmitResult r = events.tryEmitNext(event);
    if (r.isFailure()) {
      droppedEvents++;
      if (event instanceof RelayEvent.DataReceived d) {
        BytesPool.release(d.payload()); // a loan ends here (ordinary bytes: nothing happens)
      }
      if (control) {
        log.warn("relay event dropped ({}), consumer too slow: {}", r, event);
      }
    }
  }

  void closed(@Nullable Throwable failure, boolean wasConfirmed) {
    Throwable reason =
        failure != null
            ? failure
            : wasConfirmed
                ? new RelayProtocolException("relay closed the connection")
                : new HandshakeException(
                    "relay closed the connection during the handshake (wrong relay public key?)");
    ready.tryEmitError(reason);
    if (disposedLocally) {
      events.tryEmitComplete();
    } else {
      events.tryEmitError(reason);
    }
    closed.tryEmitEmpty();
  }

  private void onLoop(Runnable r, Consumer<Throwable> onError) {
    try {
      if (channel.eventLoop().inEventLoop()) {
        r.run();
      } else {
        channel.eventLoop().execute(r);
      }
    } catch (RuntimeException e) {
      onError.accept(e);
    }
  }
}
