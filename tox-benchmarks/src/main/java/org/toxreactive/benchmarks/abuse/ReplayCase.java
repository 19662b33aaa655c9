package org.toxreactive.benchmarks.abuse;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.NetCryptoPacketKind;
import org.toxreactive.core.transport.Path;
import org.toxreactive.netcrypto.CryptoConnection;
import org.toxreactive.netcrypto.Message;
import org.toxreactive.netcrypto.NetCrypto;
import org.toxreactive.netcrypto.NetCryptoNode;
import org.toxreactive.transport.udp.UdpTransport;
import picocli.CommandLine.Command;

/**
 * Case 5: a real session (a client node in this JVM, through a recording UDP proxy on 127.0.0.1)
 * exchanges a few messages with the node; every datagram the client sent (cookie request,
 * handshake, data) is captured. They are replayed, in order, from 127.7.0.1 while that session is
 * live, and from 127.7.0.2 after it was closed (both within the cookies' 15 s). Holds when the node
 * sends no handshake or data packet to the first address, no data packet to the second, and the
 * canary is unaffected (>= 80%); cookie responses are stateless and only reported.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Case 5: a captured session (cookie request, handshake, data) replayed from another address,"
          + " while it is live and after it closed. Holds: no handshake or data reply while it is"
          + " live, no data after it closed (stateless cookie responses are only reported), the"
          + " canary >= 80%."
    })
final class ReplayCase extends NodeCase {
  private static final int MAX_CAPTURED = 1000;

  @Override
  String caseName() {
    return "replay";
  }

  /** A two-socket UDP proxy: client -> front -> back -> node, and back; records client packets. */
  private static final class Proxy implements AutoCloseable {
    final DatagramChannel front;
    final DatagramChannel back;
    final List<byte[]> captured = new ArrayList<>();
    final Thread thread;
    volatile boolean recording = true;
    volatile boolean stop;
    volatile SocketAddress client;

    Proxy(InetSocketAddress node) throws IOException {
      front = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
      back = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
      front.configureBlocking(false);
      back.configureBlocking(false);
      thread = new Thread(() -> loop(node), "abuse-replay-proxy");
      thread.setDaemon(true);
      thread.start();
    }

    private void loop(InetSocketAddress node) {
      ByteBuffer b = ByteBuffer.allocate(2048);
      while (!stop) {
        boolean moved = false;
        try {
          b.clear();
          SocketAddress from = front.receive(b);
          if (from != null) {
            moved = true;
            client = from;
            b.flip();
            synchronized (captured) {
              if (recording && captured.size() < MAX_CAPTURED) {
                byte[] p = new byte[b.remaining()];
                b.duplicate().get(p);
                captured.add(p);
              }
            }
            back.send(b, node);
          }
          b.clear();
          if (back.receive(b) != null && client != null) {
            moved = true;
            b.flip();
            front.send(b, client);
          }
        } catch (IOException e) {
          return;
        }
        if (!moved) {
          LockSupport.parkNanos(100_000);
        }
      }
    }

    List<byte[]> stopRecording() {
      recording = false;
      synchronized (captured) {
        return List.copyOf(captured);
      }
    }

    @Override
    public void close() throws IOException {
      stop = true;
      try {
        thread.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      front.close();
      back.close();
    }
  }

  @Override
  void attack(long deadline, Outcome o) throws Exception {
    NodeTarget t = target();
    List<byte[]> captured;
    UdpTransport udp = UdpTransport.create().host("127.0.0.1").port(0).bindNow();
    NetCryptoNode client =
        NetCrypto.create(KeyPair.generate(), KeyPair.generate()).transport(udp).bindNow();
    try (Proxy proxy = new Proxy(t.address())) {
      CryptoConnection c =
          client
              .connect(
                  t.realKey(),
                  t.dhtKey(),
                  List.of(Path.udp((InetSocketAddress) proxy.front.getLocalAddress())))
              .block(Duration.ofSeconds(10));
      int messages = 5;
      CountDownLatch echoes = new CountDownLatch(messages);
      c.lossless().subscribe(m -> echoes.countDown(), e -> {});
      c.send(
              reactor.core.publisher.Flux.range(0, messages)
                  .map(i -> Message.of(161, Bytes.of((byte) (int) i))))
          .subscribe(v -> {}, e -> {});
      boolean echoed = echoes.await(5, TimeUnit.SECONDS);
      captured = proxy.stopRecording();
      o.put("session_echoed", echoed).put("captured", captured.size());
      o.put("captured_kinds", kinds(captured.stream().map(p -> p[0] & 0xFF).toList()));
      Map<Integer, Integer> live = replay(captured, "127.7.0.1", deadline);
      c.dispose();
      client.dispose();
      Thread.sleep(500);
      Map<Integer, Integer> closed = replay(captured, "127.7.0.2", deadline);
      // A cookie request is answered statelessly whoever sends it (the cookie is sealed to the
      // DHT key inside, useless to the replayer), so cookie responses are reported, not judged.
      // While the session lives, a replayed handshake or data packet must draw nothing. Once it
      // has closed, a replayed handshake is a stranger's valid handshake within the cookie's
      // lifetime (the node accepts anyone): its handshake reply is allowed, data is not (the
      // replayed data packets belong to the old session key and must not open).
      int liveReplies =
          live.getOrDefault(NetCryptoPacketKind.HANDSHAKE.id(), 0)
              + live.getOrDefault(NetCryptoPacketKind.DATA.id(), 0);
      int closedData = closed.getOrDefault(NetCryptoPacketKind.DATA.id(), 0);
      o.put("replay_live_got", describe(live)).put("replay_closed_got", describe(closed));
      o.check("session_captured", echoed && !captured.isEmpty(), "captured_" + captured.size());
      o.check("live_replay_ignored", liveReplies == 0, "handshake+data_" + liveReplies + "==0");
      o.check("closed_replay_no_data", closedData == 0, "data_" + closedData + "==0");
    } finally {
      client.dispose();
      udp.disposeNow(Duration.ofSeconds(2));
    }
  }

  /** Sends every captured packet from {@code source}, then counts what comes back in 2 s. */
  private Map<Integer, Integer> replay(List<byte[]> packets, String source, long deadline)
      throws IOException {
    Map<Integer, Integer> got = new TreeMap<>();
    InetSocketAddress to = target().address();
    try (DatagramChannel ch = DatagramChannel.open().bind(new InetSocketAddress(source, 0))) {
      ch.configureBlocking(false);
      ByteBuffer b = ByteBuffer.allocate(2048);
      for (byte[] p : packets) {
        ch.send(ByteBuffer.wrap(p), to);
        LockSupport.parkNanos(1_000_000);
      }
      long end = Math.min(deadline + 2_000_000_000L, System.nanoTime() + 2_000_000_000L);
      while (System.nanoTime() - end < 0) {
        b.clear();
        if (ch.receive(b) != null) {
          got.merge(b.flip().get(0) & 0xFF, 1, Integer::sum);
        } else {
          LockSupport.parkNanos(1_000_000);
        }
      }
    }
    return got;
  }

  private static String kinds(List<Integer> ids) {
    Map<Integer, Integer> m = new TreeMap<>();
    ids.forEach(i -> m.merge(i, 1, Integer::sum));
    return describe(m);
  }

  /** {id: count} as {@code cookie_request:1,handshake:1,data:7}. */
  static String describe(Map<Integer, Integer> m) {
    if (m.isEmpty()) {
      return "none";
    }
    return m.entrySet().stream()
        .map(e -> kind(e.getKey()) + ":" + e.getValue())
        .collect(Collectors.joining(","));
  }

  static String kind(int id) {
    NetCryptoPacketKind kind = NetCryptoPacketKind.ofId(id);
    return kind == null ? "id" + id : kind.label().replace(' ', '_');
  }
}
