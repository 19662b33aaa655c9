package org.toxreactive.netcrypto;

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
  private FluxSink<Message> lossless;
  private final Flux<Message> losslessFlux;
  private final Sinks.Many<Message> lossy = Sinks.many().multicast().directBestEffort();
  private final Sinks.Many<LinkStatus> status = Sinks.many().replay().latest();
  private final Sinks.Empty<Void> closed = Sinks.empty();
  private SendSubscriber sending;
  private Path published;
  private Throwable failure;
  private boolean ended;

  Connection(Session s) {
    this.s = s;
    this.losslessFlux =
        Flux.<Message>create(
            sink ->
                s.engine.run(
                    () -> {
                      if (lossless != null) {
                        sink.error(new IllegalStateException("lossless() allows one subscriber"));
                        return;
                      }
                      lossless = sink;
                      sink.onRequest(n -> s.engine.run(this::drainLossless));
                      if (ended) {
                        finish(sink);
                      } else {
                        drainLossless();
                      }
                    }),
            FluxSink.OverflowStrategy.ERROR);
    status.tryEmitNext(new LinkStatus(LinkStatus.Kind.CONNECTING, null));
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
    return lossy.asFlux();
  }

  @Override
  public Flux<LinkStatus> status() {
    return status.asFlux();
  }

  @Override
  public Mono<Void> onClose() {
    return closed.asMono();
  }

  @Override
  public void close() {
    s.engine.run(
        () -> {
          s.sendKill();
          s.engine.closed(s, null, false);
        });
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
    return Mono.create(
        sink ->
            s.engine.run(
                () -> {
                  if (ended) {
                    sink.error(endedError());
                    return;
                  }
                  s.sendLossy(message);
                  sink.success();
                }));
  }

  @Override
  public Mono<Void> send(Publisher<Message> messages) {
    return Mono.create(
        sink ->
            s.engine.run(
                () -> {
                  if (ended) {
                    sink.error(endedError());
                  } else if (sending != null) {
                    sink.error(new IllegalStateException("a send is already in progress"));
                  } else {
                    sending = new SendSubscriber(sink);
                    Flux.from(messages).subscribe(sending);
                  }
                }));
  }

  private Throwable endedError() {
    return failure != null ? failure : new NetCryptoException("connection closed");
  }

  // ------------------------------------------------------------ called on the worker by Session

  void established() {
    statusChanged();
    s.engine.established(s);
  }

  /** Publishes the data path when it changed; never OFFLINE while the connection lives. */
  void statusChanged() {
    Path best = s.paths.best();
    if (s.hasSessionKey() && best != null && !best.equals(published)) {
      published = best;
      status.tryEmitNext(LinkStatus.of(best));
    }
  }

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

  /** The session ended: complete (kill, close) or error (timeout, failure). */
  void ended(Throwable error) {
    if (ended) {
      return;
    }
    ended = true;
    failure = error;
    drainLossless();
    if (lossless != null) {
      finish(lossless);
    }
    if (error != null) {
      lossy.tryEmitError(error);
    } else {
      lossy.tryEmitComplete();
    }
    status.tryEmitNext(new LinkStatus(LinkStatus.Kind.OFFLINE, null));
    status.tryEmitComplete();
    if (sending != null) {
      sending.fail(endedError());
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
            if (ended) {
              return;
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
            complete = true;
            checkDone();
          });
    }

    @Override
    protected void hookOnError(Throwable t) {
      s.engine.run(() -> fail(t));
    }

    void acked(int n) {
      checkDone();
      refill();
    }

    private void refill() {
      if (complete || ended) {
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
