package org.toxreactive.examples;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.CryptoConnection;
import org.toxreactive.netcrypto.Message;
import org.toxreactive.netcrypto.NetCrypto;
import org.toxreactive.netcrypto.NetCryptoNode;
import org.toxreactive.transport.udp.UdpTransport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Text chat over net_crypto, directly over UDP (no DHT, no onion), with the minimum of Tox's friend
 * layer that c-toxcore needs to call us online: ONLINE (24) on connect, ALIVE (16) every 8 s, a 32
 * s timeout, MESSAGE (64) for text. Without {@code --peer} it accepts whoever connects (e.g. a
 * c-toxcore friend reconnecting to the port and DHT key it knows us by) and echoes. On exit it
 * waits (bounded) until the peer has acknowledged everything, then sends a kill packet.
 */
@Command(
    name = "chat",
    mixinStandardHelpOptions = true,
    description = {
      "Chat with a Tox peer (c-toxcore or another tox-reactive node) over UDP.",
      "Prints 'KEYS real=.. dht=.. port=..', then 'RECV <text>' per message; exits 0 after --expect messages."
    })
final class ChatCommand implements Callable<Integer> {
  static final int ALIVE = 16;
  static final int ONLINE = 24;
  static final int MESSAGE = 64;

  /** How long an exit waits for the peer to acknowledge what we still have in flight. */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

  @Spec CommandSpec spec;

  @Option(
      names = "--window",
      defaultValue = "32",
      description = "Messages in flight before waiting for replies (default ${DEFAULT-VALUE}).")
  int window;

  private volatile Sinks.Many<Message> echoTo;
  private volatile Served current;
  private final AtomicInteger sent = new AtomicInteger();

  private void sendNext(Sinks.Many<Message> outbound) {
    int i = sent.getAndIncrement();
    if (outbound != null && i < send) {
      outbound.emitNext(
          Message.of(MESSAGE, Bytes.ofUtf8("msg-" + i)),
          Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
    }
  }

  @Option(
      names = "--secret-key",
      description = "Our real (long-term) secret key, hex; random if absent.")
  String secretKey;

  @Option(names = "--dht-secret-key", description = "Our DHT secret key, hex; random if absent.")
  String dhtSecretKey;

  @Option(
      names = "--peer",
      description = "The peer's real public key (hex). Without it we wait and echo.")
  String peer;

  @Option(names = "--peer-dht", description = "The peer's DHT public key (hex).")
  String peerDht;

  @Option(names = "--udp", paramLabel = "HOST:PORT", description = "The peer's UDP address.")
  String udp;

  @Option(names = "--port", defaultValue = "0", description = "Our UDP port (0 = any).")
  int port;

  @Option(names = "--send", defaultValue = "0", description = "Messages to send once connected.")
  int send;

  @Option(
      names = "--expect",
      defaultValue = "0",
      description = "Exit 0 after receiving this many messages.")
  int expect;

  @Option(
      names = "--seconds",
      defaultValue = "60",
      description = "Give up after this long (exit 4).")
  int seconds;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    KeyPair real = secretKey != null ? KeyPair.fromSecretHex(secretKey) : KeyPair.generate();
    KeyPair dht = dhtSecretKey != null ? KeyPair.fromSecretHex(dhtSecretKey) : KeyPair.generate();
    UdpTransport transport = UdpTransport.create().host("127.0.0.1").port(port).bindNow();
    PublicKey peerKey = peer != null ? PublicKey.fromHex(peer) : null;
    NetCryptoNode node =
        NetCrypto.create(real, dht)
            .transport(transport)
            .acceptor(p -> peerKey == null || p.realKey().equals(peerKey))
            .start();
    out.printf(
        "KEYS real=%s dht=%s port=%d%n",
        real.publicKey().toHex(), dht.publicKey().toHex(), transport.localAddress().getPort());
    out.flush();
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger received = new AtomicInteger();
    Disposable.Composite running = reactor.core.Disposables.composite();
    boolean drain = false;
    try {
      if (peerKey != null) {
        if (peerDht == null || udp == null) {
          err.println("chat: --peer needs --peer-dht and --udp");
          return 2;
        }
        int colon = udp.lastIndexOf(':');
        InetSocketAddress addr =
            new InetSocketAddress(
                udp.substring(0, colon), Integer.parseInt(udp.substring(colon + 1)));
        running.add(
            node.connect(peerKey, PublicKey.fromHex(peerDht), List.of(Path.udp(addr)))
                .subscribe(c -> serve(c, out, received, done, false), e -> fail(err, e, done)));
      } else {
        running.add(node.incoming().subscribe(c -> serve(c, out, received, done, true)));
      }
      boolean ok = done.await(seconds, TimeUnit.SECONDS);
      if (!ok || (expect > 0 && received.get() < expect)) {
        err.printf(
            "chat: timeout after %d s: received %d of %d messages%n",
            seconds, received.get(), expect);
        err.flush();
        return 4;
      }
      drain = true;
      return 0;
    } finally {
      finish(err, drain);
      running.dispose();
      node.dispose();
      transport.disposeNow(Duration.ofSeconds(5));
    }
  }

  /**
   * Ends the current connection cleanly: waits (bounded) until the peer has acknowledged everything
   * we queued (echoes of the last messages included), then sends the kill packet and waits for the
   * session to end, so the kill is on the socket before the socket closes. c-toxcore reports the
   * friend offline at once on a kill, and then reconnects to us by itself.
   */
  private void finish(PrintWriter err, boolean drain) {
    Served s = current;
    if (s == null) {
      return;
    }
    s.alive.dispose();
    s.outbound.tryEmitComplete();
    try {
      if (drain) {
        s.sent.timeout(DRAIN_TIMEOUT).block();
      }
    } catch (RuntimeException e) {
      err.println("chat: the peer did not acknowledge everything before exit: " + e);
      err.flush();
    }
    s.connection.close();
    s.connection.onClose().timeout(Duration.ofSeconds(2)).onErrorResume(e -> Mono.empty()).block();
  }

  /** One served connection: its outbound stream, the send in progress and the ALIVE timer. */
  private record Served(
      CryptoConnection connection,
      Sinks.Many<Message> outbound,
      Mono<Void> sent,
      Disposable alive) {}

  private void fail(PrintWriter err, Throwable e, CountDownLatch done) {
    err.println("chat: " + e.getMessage());
    err.flush();
    done.countDown();
  }

  private void serve(
      CryptoConnection c,
      PrintWriter out,
      AtomicInteger received,
      CountDownLatch done,
      boolean echo) {
    out.println("CONNECTED " + c.peerRealKey().toHex());
    out.flush();
    c.lossless()
        .subscribe(
            m -> {
              if (m.id() == MESSAGE) {
                String text = m.payload().toUtf8();
                out.println("RECV " + text);
                out.flush();
                if (echo && echoTo != null) {
                  echoTo.emitNext(
                      Message.of(MESSAGE, m.payload()),
                      Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
                }
                if (!echo) {
                  sendNext(echoTo);
                }
                if (expect > 0 && received.incrementAndGet() >= expect) {
                  done.countDown();
                }
              }
            },
            e -> done.countDown(),
            done::countDown);
    // One outbound stream per connection: friend-layer packets, our messages and echoes in order.
    Sinks.Many<Message> outbound = Sinks.many().unicast().onBackpressureBuffer();
    Mono<Void> sent = c.send(outbound.asFlux()).cache();
    sent.subscribe(null, e -> {});
    // ONLINE on every connection, the ones we opened and the ones we accepted: c-toxcore's
    // Messenger calls the friend online only once it has received it.
    outbound.emitNext(
        Message.of(ONLINE, Bytes.EMPTY),
        Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
    echoTo = outbound;
    // Keep at most --window messages unanswered: c-toxcore's own send queue (which its echo uses)
    // drops what it cannot hold, so a chat paces itself on the replies.
    for (int i = 0; i < Math.min(window, send); i++) {
      sendNext(outbound);
    }
    Disposable alive =
        Flux.interval(Duration.ofSeconds(8))
            .takeUntilOther(c.onClose())
            .subscribe(
                t ->
                    outbound.emitNext(
                        Message.of(ALIVE, Bytes.EMPTY),
                        Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1))));
    current = new Served(c, outbound, sent, alive);
  }
}
