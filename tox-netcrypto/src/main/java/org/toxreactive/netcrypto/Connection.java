package org.toxreactive.netcrypto;

import java.util.Comparator;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Path;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Sinks;

/**
 * The reactive face of a {@link Session}: lossless delivery with backpressure, lossy delivery,
 * backpressured sending, status and close. Every state change runs on the engine's worker.
 */
final class Connection implements CryptoConnection {
  private final Session s;
  private @Nullable FluxSink<Message> lossless;
  private final Flux<Message> losslessFlux;
  private final Sinks.Many<Message> lossy = Sinks.many().multicast().directBestEffort();
  private final Sinks.Many<LinkStatus> status = Sinks.many().replay().latest();
  private final Sinks.Empty<Void> closed = Sinks.empty();
  private @Nullable SendSubscriber sending;
  private final PriorityQueue<AckWaiter> ackWaiters =
      new PriorityQueue<>(Comparator.comparingLong(AckWaiter::count));
  private LinkStatus published = LinkStatus.CONNECTING;
  private @Nullable Throwable failure;
  private volatile boolean ended;

  Connection(Session s) {
    this.s = s;
    this.losslessFlux =
        s.engine.publish(
            Flux.<Message>create(
                sink ->
                    s.engine.run(
                        () -> {
                          if (lossless != null) {
                            sink.error(
                                new IllegalStateException(
                                    "lossless() allows one subscriber at a time"));
                            return;
                          }
                          lossless = sink;
                          sink.onRequest(n -> s.engine.run(this::drainLossless));
                          // cancelling stops delivery only: what arrives waits in the receive
                          // window (the peer is slowed by our acks) for the next subscriber
                          sink.onDispose(
                              () ->
                                  s.engine.run(
                                      () -> {
                                        if (lossless == sink) {
                                          lossless = null;
                                        }
                                      }));
                          drainLossless();
                        }),
                FluxSink.OverflowStrategy.ERROR));
    status.tryEmitNext(LinkStatus.CONNECTING);
  }

  @Override
  public String toString() {
    return s.toString();
  }

  /** For tests in this package: the state machine behind this connection. */
  Session session() {
    return s;
  }

  @Override
  public PublicKey peerRealKey() {
    return s.peerReal;
  }

  @Override
  public PublicKey peerDhtKey() {
    return s.peerDht;
  }

  @Override
  public Flux<Message> lossless() {
    return losslessFlux;
  }

  @Override
  public Flux<Message> lossy() {
    return s.engine.publish(lossy.asFlux());
  }

  @Override
  public Flux<LinkStatus> status() {
    return s.engine.publish(status.asFlux());
  }

  @Override
  public Mono<Void> onDispose() {
    return s.engine.publish(closed.asMono());
  }

  @Override
  public void dispose() {
    s.engine.run(
        () -> {
          s.sendKill();
          s.engine.closed(s, null, false);
        });
  }

  @Override
  public boolean isDisposed() {
    return ended;
  }

  @Override
  public void addPath(Path path) {
    java.util.Objects.requireNonNull(path, "path");
    s.engine.run(
        () -> {
          if (!s.isClosed()) {
            s.addPath(path);
          }
        });
  }

  @Override
  public Mono<Void> sendLossy(Message message) {
    if (message.lossless()) {
      return Mono.error(new IllegalArgumentException("sendLossy takes ids 192..254"));
    }
    return s.engine.publish(
        Mono.create(
            sink ->
                s.engine.run(
                    () -> {
                      if (ended) {
                        sink.error(endedError());
                        return;
                      }
                      s.sendLossy(message);
                      sink.success();
                    })));
  }

  @Override
  public Mono<Void> send(Publisher<Message> messages) {
    java.util.Objects.requireNonNull(messages, "messages is null");
    return s.engine.publish(
        Mono.create(
            sink ->
                s.engine.run(
                    () -> {
                      if (ended) {
                        sink.error(endedError());
                      } else if (sending != null) {
                        sink.error(new IllegalStateException("a send is already in progress"));
                      } else {
                        SendSubscriber sub = new SendSubscriber(sink);
                        sending = sub;
                        // cancelling the send cancels the publisher: nothing more is numbered (what
                        // was numbered already is delivered, as the stream cannot have holes)
                        sink.onCancel(() -> s.engine.run(() -> sub.stop()));
                        Flux.from(messages).subscribe(sub);
                      }
                    })));
  }

  @Override
  public Mono<Void> acknowledged(long count) {
    if (count < 0) {
      return Mono.error(new IllegalArgumentException("count must be >= 0, got " + count));
    }
    return s.engine.publish(
        Mono.create(
            sink ->
                s.engine.run(
                    () -> {
                      long acked = s.acknowledged();
                      if (acked >= count) {
                        sink.success();
                      } else if (ended) {
                        sink.error(new NotAcknowledgedException(count, acked, failure));
                      } else {
                        AckWaiter w = new AckWaiter(count, sink);
                        ackWaiters.add(w);
                        sink.onCancel(() -> s.engine.run(() -> ackWaiters.remove(w)));
                      }
                    })));
  }

  /** Waits for the peer to acknowledge the first {@code count} lossless messages. */
  private record AckWaiter(long count, MonoSink<Void> sink) {}

  private Throwable endedError() {
    return failure != null ? failure : new NetCryptoException("connection closed");
  }

  // ------------------------------------------------------------ called on the worker by Session

  void established() {
    statusChanged();
    s.engine.established(s);
  }

  /**
   * Publishes the state when it changed: the data path while the peer is heard on it, UNREACHABLE
   * while it is not; never OFFLINE while the connection lives. Called every tick: cheap when
   * nothing changed.
   */
  void statusChanged() {
    if (ended || !s.hasSessionKey()) {
      return;
    }
    Path best = s.paths.best();
    if (best != null && s.paths.bestIsHeard(s.now())) {
      if (best.equals(published.path())) {
        return;
      }
      published = LinkStatus.of(best);
    } else {
      if (published.kind() == LinkStatus.Kind.UNREACHABLE) {
        return;
      }
      published = LinkStatus.UNREACHABLE;
    }
    status.tryEmitNext(published);
  }

  /**
   * Delivers what the subscriber asked for; once the connection has ended and everything received
   * in order was delivered, completes (or errors) the subscriber.
   */
  void drainLossless() {
    FluxSink<Message> sink = lossless;
    if (sink == null) {
      return;
    }
    while (sink.requestedFromDownstream() > 0) {
      byte[] d = s.pollInOrder();
      if (d == null) {
        break;
      }
      sink.next(Message.fromData(d));
    }
    if (ended && (failure != null || s.peekInOrder() == null)) {
      finish(sink);
    }
  }

  void deliverLossy(Message m) {
    lossy.tryEmitNext(m);
  }

  /** {@code n} lossless messages left the send ring (acknowledged): ask the publisher for more. */
  void acked(int n) {
    if (sending != null) {
      sending.acked(n);
    }
  }

  /** The peer's {@code buffer_start} moved: {@code acknowledged} messages are acknowledged now. */
  void acknowledgedUpTo(long acknowledged) {
    for (AckWaiter w = ackWaiters.peek(); w != null && w.count() <= acknowledged; ) {
      ackWaiters.poll();
      w.sink().success();
      w = ackWaiters.peek();
    }
  }

  /** The session ended: complete (kill, close) or error (timeout, failure). */
  void ended(@Nullable Throwable error) {
    if (ended) {
      return;
    }
    ended = true;
    failure = error;
    drainLossless();
    if (error != null) {
      lossy.tryEmitError(error);
    } else {
      lossy.tryEmitComplete();
    }
    published = LinkStatus.OFFLINE;
    status.tryEmitNext(LinkStatus.OFFLINE);
    status.tryEmitComplete();
    if (sending != null) {
      sending.fail(endedError());
    }
    long acked = s.acknowledged();
    for (AckWaiter w; (w = ackWaiters.poll()) != null; ) {
      w.sink().error(new NotAcknowledgedException(w.count(), acked, error));
    }
    closed.tryEmitEmpty();
  }

  private void finish(FluxSink<Message> sink) {
    if (failure != null) {
      sink.error(failure);
    } else {
      sink.complete();
    }
  }

  /** Pulls messages from the application publisher as the send window opens. */
  private final class SendSubscriber extends BaseSubscriber<Message> {
    private final MonoSink<Void> done;
    private long outstanding;
    private boolean complete;

    SendSubscriber(MonoSink<Void> done) {
      this.done = done;
    }

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
      s.engine.run(this::refill);
    }

    @Override
    protected void hookOnNext(Message m) {
      s.engine.run(
          () -> {
            outstanding--;
            if (ended || sending != this) {
              return; // the connection ended or the send was cancelled: not numbered
            }
            if (!m.lossless()) {
              s.sendLossy(m);
            } else {
              s.queueLossless(m);
            }
            refill();
          });
    }

    @Override
    protected void hookOnComplete() {
      s.engine.run(
          () -> {
            if (sending == this) {
              complete = true;
              checkDone();
            }
          });
    }

    @Override
    protected void hookOnError(Throwable t) {
      s.engine.run(
          () -> {
            if (sending == this) {
              fail(t);
            }
          });
    }

    /** The send was cancelled: the publisher is cancelled and nothing more is numbered. */
    void stop() {
      cancel();
      if (sending == this) {
        sending = null;
      }
    }

    void acked(int n) {
      checkDone();
      refill();
    }

    private void refill() {
      if (complete || ended || sending != this) {
        return;
      }
      long want = s.sendCapacity() - outstanding;
      if (want > 0) {
        outstanding += want;
        request(want);
      }
    }

    private void checkDone() {
      if (complete && s.unacked() == 0) {
        sending = null;
        done.success();
      }
    }

    void fail(Throwable t) {
      cancel();
      sending = null;
      done.error(t);
    }
  }
}
