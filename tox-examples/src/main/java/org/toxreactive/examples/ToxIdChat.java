package org.toxreactive.examples;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.toxreactive.core.HostPort;
import org.toxreactive.core.KeyPair;
import org.toxreactive.friend.Friend;
import org.toxreactive.friend.FriendStatus;
import org.toxreactive.friend.ToxNode;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code chat}'s Tox ID mode: a {@link ToxNode} joins the network through {@code --bootstrap} nodes
 * (and {@code --relay} relays), prints {@code TOXID <76 hex>}, adds {@code --friend} by its Tox ID
 * (a friend request through the onion) and sends it {@code --send} messages once online, or echoes
 * every message to its sender. Prints {@code FRIEND_REQUEST <key> <message>}, {@code FRIEND <key>
 * OFFLINE|RELAYED|DIRECT} as a friend's status changes, {@code RECV <text>}.
 */
final class ToxIdChat {
  private final ChatCommand c;
  private final PrintWriter out;
  private final PrintWriter err;
  private final AtomicInteger received = new AtomicInteger();
  private final AtomicInteger sent = new AtomicInteger();
  private final CountDownLatch done = new CountDownLatch(1);
  private final Map<Friend, Boolean> wired = new ConcurrentHashMap<>();
  private final Set<Friend> started = ConcurrentHashMap.newKeySet();
  private final Disposable.Composite running = Disposables.composite();

  ToxIdChat(ChatCommand c) {
    this.c = c;
    this.out = c.spec.commandLine().getOut();
    this.err = c.spec.commandLine().getErr();
  }

  private synchronized void println(String line) {
    out.println(line);
    out.flush();
  }

  int run() throws InterruptedException {
    KeyPair real = c.realKeys != null ? c.realKeys : KeyPair.generate();
    ToxNode.Builder b = ToxNode.create(real).relays(c.relays).udpAfter(c.udpAfter);
    b = c.noUdp ? b.noUdp() : b.udp(c.host, c.port);
    ToxNode node;
    try {
      node = b.bindNow();
    } catch (RuntimeException e) {
      if (c.noUdp) {
        throw e;
      }
      throw new Cli.Failure(
          ChatCommand.CANNOT_BIND,
          "cannot bind UDP "
              + HostPort.format(c.host, c.port)
              + " (--host, --port): "
              + Cli.rootMessage(e));
    }
    try {
      println("TOXID " + node.toxId());
      println(
          "KEYS real="
              + real.publicKey().toHex()
              + " dht="
              + node.dhtKey().toHex()
              + " port="
              + node.udpPort());
      node.bootstrap(c.bootstrap);
      running.add(
          node.friendRequests()
              .subscribe(
                  r -> {
                    println("FRIEND_REQUEST " + r.from().toHex() + " " + Cli.oneLine(r.message()));
                    if (c.acceptRequests) {
                      wire(r.accept(), false);
                    } else {
                      r.refuse();
                    }
                  }));
      if (c.friendId != null) {
        wire(node.addFriend(c.friendId, c.requestMessage), true);
      }
      boolean ok = done.await(c.seconds, TimeUnit.SECONDS);
      if (!ok && c.friendId == null && c.expect == 0) {
        return 0; // a listener with nothing to expect serves for --seconds
      }
      if (!ok || (c.expect > 0 && received.get() < c.expect)) {
        err.printf(
            "chat: timeout after %d s: received %d of %d messages%n",
            c.seconds, received.get(), c.expect);
        err.flush();
        return ChatCommand.TIMEOUT;
      }
      return 0;
    } finally {
      running.dispose();
      // let every friend acknowledge what we sent (the last echoes) before the kill packets
      Flux.fromIterable(wired.keySet())
          .flatMap(f -> f.finish().onErrorResume(e -> Mono.empty()))
          .then()
          .timeout(ChatCommand.DRAIN_TIMEOUT)
          .onErrorResume(e -> Mono.empty())
          .block();
      node.disposeNow(Duration.ofSeconds(5));
    }
  }

  /** Prints the friend's status changes and messages; sends or echoes. */
  private void wire(Friend f, boolean sender) {
    if (wired.putIfAbsent(f, sender) != null) {
      return;
    }
    String who = f.publicKey().toHex();
    running.add(
        f.status()
            .map(FriendStatus::kind)
            .distinctUntilChanged()
            .subscribe(
                k -> {
                  println("FRIEND " + who + " " + k);
                  if (k != FriendStatus.Kind.OFFLINE && sender && started.add(f)) {
                    for (int i = 0; i < Math.min(c.window, c.send); i++) {
                      sendNext(f);
                    }
                  }
                }));
    running.add(
        f.messages()
            .subscribe(
                text -> {
                  println("RECV " + text);
                  if (sender) {
                    sendNext(f);
                  } else {
                    f.sendMessage(text).subscribe(null, e -> {});
                  }
                  if (c.expect > 0 && received.incrementAndGet() >= c.expect) {
                    done.countDown();
                  }
                }));
  }

  /** The next of our --send messages, "msg-i", if any is left. */
  private void sendNext(Friend f) {
    int i = sent.getAndIncrement();
    if (i < c.send) {
      f.sendMessage("msg-" + i)
          .subscribe(
              null,
              e -> {
                err.println("chat: message " + i + " not sent: " + e.getMessage());
                err.flush();
              });
    }
  }
}
