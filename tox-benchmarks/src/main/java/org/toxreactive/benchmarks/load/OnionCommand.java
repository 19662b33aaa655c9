package org.toxreactive.benchmarks.load;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.onion.OnionPath;
import org.toxreactive.onion.packet.AnnouncePlain;
import org.toxreactive.onion.packet.OnionSizes;
import org.toxreactive.relay.RelayServer;
import org.toxreactive.relay.RunningRelay;
import org.toxreactive.transport.tcp.RelayAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Onion announce requests answered per second by an onion node (ours or tox-bootstrapd), over
 * loopback UDP (docs/protocol.md 13.4): the load plays node 3 of many paths, sending announce
 * requests (0x83 with an opaque RETURN_3, as node 3 delivers them) from {@code --senders}
 * pre-generated keys, and counts the 0x8C responses. A closed loop keeps at most {@code --window}
 * requests unanswered; a window that stalls for 200 ms counts its requests as lost and starts over.
 */
@Command(
    name = "onion",
    mixinStandardHelpOptions = true,
    description = {
      "Onion announce requests answered per second.",
      "",
      "Sends old-style announce requests (0x83 plus a 177-byte return block, what node 3 of an"
          + " onion path delivers) to the node's UDP port from --senders keys with a zero ping id,"
          + " keeping at most --window unanswered, and counts the 0x8C announce responses after"
          + " --warmup seconds, for --seconds seconds. Give the node as --node HOST:UDPPORT:KEY,"
          + " or --in-process to start our relay (with its onion node) in this JVM.",
      "",
      "Prints 'RESULT mode=onion per_s=.. answered=.. lost=..'."
    })
final class OnionCommand implements Callable<Integer> {
  private static final long STALL_NANOS = Duration.ofMillis(200).toNanos();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--node", description = "The onion node as HOST:UDPPORT:KEY (loopback).")
  String node;

  @Option(names = "--in-process", description = "Start our relay (and onion node) in this JVM.")
  boolean inProcess;

  @Option(
      names = "--senders",
      defaultValue = "256",
      description = "Distinct announcing keys (default: ${DEFAULT-VALUE}).")
  int senders;

  @Option(
      names = "--window",
      defaultValue = "64",
      description = "Requests in flight (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(
      names = "--sources",
      defaultValue = "16",
      description = "Source addresses 127.0.0.10 and up, used in turn (default: ${DEFAULT-VALUE}).")
  int sources;

  @Mixin MeasuredWindow measured;

  /** Figures of one run. */
  record Result(double perSecond, long answered, long lost, double seconds) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    LoadCli.require(spec, senders >= 1 && senders <= 100_000, "--senders", senders, "1..100000");
    LoadCli.require(spec, window >= 1 && window <= 10_000, "--window", window, "1..10000");
    LoadCli.require(spec, sources >= 1 && sources <= 200, "--sources", sources, "1..200");
    LoadCli.require(
        spec,
        inProcess != (node != null),
        "--node",
        node,
        "given exactly when --in-process is not");
    measured.validate();
    RunningRelay relay = null;
    InetSocketAddress to;
    PublicKey key;
    if (inProcess) {
      relay = RelayServer.create().host("127.0.0.1").port(0).udpPort(0).bindNow();
      to = new InetSocketAddress(InetAddress.getLoopbackAddress(), relay.udpPort());
      key = relay.publicKey();
    } else {
      RelayAddress a = LoadCli.relay(spec, "--node", node);
      String h = a.host().startsWith("[") ? a.host().substring(1, a.host().length() - 1) : a.host();
      // literal addresses only: no name lookups
      boolean literal = h.indexOf(':') >= 0 || h.matches("[0-9.]+");
      InetAddress host = literal ? InetAddress.getByName(h) : null;
      LoadCli.require(
          spec, host != null && host.isLoopbackAddress(), "--node", node, "on a loopback address");
      to = new InetSocketAddress(host, a.port());
      key = a.publicKey();
    }
    try {
      Result r = run(out, to, key);
      out.printf(
          Locale.ROOT,
          "onion: %.0f announce requests answered/s (%d in %.1f s, %d lost)%n",
          r.perSecond,
          r.answered,
          r.seconds,
          r.lost);
      out.printf(
          Locale.ROOT,
          "RESULT mode=onion per_s=%.1f answered=%d lost=%d senders=%d window=%d seconds=%.1f%n",
          r.perSecond,
          r.answered,
          r.lost,
          senders,
          window,
          r.seconds);
      out.flush();
      return r.answered > 0 ? 0 : 1;
    } finally {
      if (relay != null) {
        relay.disposeNow(Duration.ofSeconds(5));
      }
    }
  }

  Result run(PrintWriter out, InetSocketAddress to, PublicKey nodeKey) throws IOException {
    byte[][] requests = new byte[senders][];
    Random rnd = new Random(1);
    for (int i = 0; i < senders; i++) {
      KeyPair k = KeyPair.generate();
      AnnouncePlain plain =
          new AnnouncePlain(
              Bytes.of(new byte[32]),
              k.publicKey(),
              k.publicKey(),
              Bytes.of(new byte[8]),
              Bytes.EMPTY);
      byte[] inner = OnionPath.announceRequest(k, nodeKey, plain, false);
      byte[] p = Arrays.copyOf(inner, inner.length + OnionSizes.RETURN_3);
      byte[] ret = new byte[OnionSizes.RETURN_3];
      rnd.nextBytes(ret);
      System.arraycopy(ret, 0, p, inner.length, ret.length);
      requests[i] = p;
    }
    out.println("onion: " + senders + " senders, window " + window + ", node " + to);
    out.flush();
    DatagramChannel[] chs = new DatagramChannel[sources];
    try {
      for (int i = 0; i < sources; i++) {
        // distinct loopback addresses: our node rate-limits per source address, as for real
        // traffic that arrives from many node-3s
        chs[i] = DatagramChannel.open();
        chs[i].bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (10 + i)), 0));
        chs[i].connect(to);
        chs[i].socket().setReceiveBufferSize(1 << 20);
      }
      AtomicLong received = new AtomicLong();
      long start = System.nanoTime();
      long measureFrom = start + (long) (measured.warmup * 1e9);
      long end = measureFrom + (long) (measured.seconds * 1e9);
      for (DatagramChannel ch : chs) {
        Thread receiver =
            new Thread(
                () -> {
                  byte[] buf = new byte[2048];
                  try {
                    ch.socket().setSoTimeout(100);
                    while (System.nanoTime() < end + 500_000_000L) {
                      try {
                        java.net.DatagramPacket dp = new java.net.DatagramPacket(buf, buf.length);
                        ch.socket().receive(dp);
                        if (dp.getLength() > 0 && buf[0] == (byte) 0x8C) {
                          received.incrementAndGet();
                        }
                      } catch (SocketTimeoutException e) {
                        // keep polling until the end
                      }
                    }
                  } catch (IOException e) {
                    // channel closed
                  }
                },
                "onion-load-receiver");
        receiver.setDaemon(true);
        receiver.start();
      }
      long sent = 0;
      long lost = 0;
      long lastProgress = System.nanoTime();
      long lastReceived = 0;
      long atStart = -1;
      long lostAtStart = 0;
      ByteBuffer send = ByteBuffer.allocate(2048);
      for (long n = 0; n < 1_000_000_000L; n++) {
        long now = System.nanoTime();
        if (now >= end) {
          break;
        }
        long got = received.get();
        if (atStart < 0 && now >= measureFrom) {
          atStart = got;
          lostAtStart = lost;
        }
        if (got != lastReceived) {
          lastReceived = got;
          lastProgress = now;
        }
        if (sent - lost - got >= window) {
          if (now - lastProgress > STALL_NANOS) {
            lost += sent - lost - got;
            lastProgress = now;
          } else {
            LockSupport.parkNanos(20_000);
          }
          continue;
        }
        byte[] p = requests[(int) (sent % senders)];
        send.clear();
        send.put(p).flip();
        chs[(int) (sent % sources)].write(send);
        sent++;
      }
      long atEnd = received.get();
      long lostAtEnd = lost;
      if (atStart < 0) {
        atStart = 0;
      }
      long answered = atEnd - atStart;
      return new Result(
          answered / measured.seconds, answered, lostAtEnd - lostAtStart, measured.seconds);
    } finally {
      for (DatagramChannel ch : chs) {
        if (ch != null) {
          ch.close();
        }
      }
    }
  }
}
