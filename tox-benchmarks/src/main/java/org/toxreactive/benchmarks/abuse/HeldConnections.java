package org.toxreactive.benchmarks.abuse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.ClientHandshake;
import org.toxreactive.transport.tcp.RelayAddress;

/**
 * Holds N TCP connections to a relay that never become confirmed clients, on one thread with one
 * selector, re-opening each one the relay closes (or refuses) until the deadline. Connection {@code
 * i} binds source address number {@code i % sources} and behaves as {@link Mode} {@code i % 3} (or
 * always {@link Mode#IDLE} with {@code idleOnly}).
 */
final class HeldConnections {
  /** What a held connection does once connected. */
  enum Mode {
    /** Nothing. */
    IDLE,
    /** The first 64 of the hello's 128 bytes. */
    PARTIAL_HELLO,
    /** The whole hello (the relay answers), then no frame. */
    HELLO
  }

  /** Figures of a run. */
  record Stats(
      long opened, long closedByRelay, long connectFailures, int heldAtEnd, int peakHeld) {}

  private static final int HELLOS = 64;
  private static final long REOPEN_DELAY_NANOS = 20_000_000;

  private final RelayAddress relay;
  private final List<InetSocketAddress> sources;
  private final int count;
  private final boolean idleOnly;
  private final List<byte[]> hellos = new ArrayList<>();

  /**
   * @param sources the source addresses, used round robin
   * @param count connections to hold at once
   * @param idleOnly every connection idle (else a third each of the three modes)
   */
  HeldConnections(
      RelayAddress relay, List<InetSocketAddress> sources, int count, boolean idleOnly) {
    this.relay = relay;
    this.sources = sources;
    this.count = count;
    this.idleOnly = idleOnly;
    if (!idleOnly) {
      // a pool of valid hellos with distinct keys; the relay accepts any client key
      for (int i = 0; i < HELLOS; i++) {
        ByteBuf b = Unpooled.buffer(128);
        new ClientHandshake(KeyPair.generate(), relay.publicKey()).writeHello(b);
        byte[] a = new byte[128];
        b.readBytes(a);
        b.release();
        hellos.add(a);
      }
    }
  }

  /**
   * {@code n} source addresses {@code 127.0.<base>.1 ... }: 127.0.(base + k / 250).(k % 250 + 1).
   */
  static List<InetSocketAddress> sources(int base, int n) {
    List<InetSocketAddress> l = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      l.add(new InetSocketAddress("127.0." + (base + k / 250) + "." + (k % 250 + 1), 0));
    }
    return l;
  }

  private final class Slot {
    final int index;
    SocketChannel channel;
    long reopenAt;
    boolean connected;

    Slot(int index) {
      this.index = index;
    }

    Mode mode() {
      return idleOnly ? Mode.IDLE : Mode.values()[index % 3];
    }
  }

  private long opened;
  private long closedByRelay;
  private long connectFailures;
  private int held;
  private int peakHeld;

  /** Holds the connections until {@code deadline} (nanoTime), then closes them all. */
  Stats run(long deadline) throws IOException {
    ByteBuffer scratch = ByteBuffer.allocate(4096);
    List<Slot> slots = new ArrayList<>(count);
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < count; i++) {
        slots.add(new Slot(i));
      }
      while (System.nanoTime() - deadline < 0) {
        long now = System.nanoTime();
        for (Slot s : slots) {
          if (s.channel == null && now - s.reopenAt >= 0) {
            open(s, selector);
          }
        }
        selector.select(10);
        for (SelectionKey k : selector.selectedKeys()) {
          Slot s = (Slot) k.attachment();
          try {
            if (k.isConnectable()) {
              s.channel.finishConnect();
              s.connected = true;
              held++;
              peakHeld = Math.max(peakHeld, held);
              k.interestOps(SelectionKey.OP_READ);
              sendFor(s);
            } else if (k.isReadable()) {
              scratch.clear();
              if (s.channel.read(scratch) < 0) {
                closedByRelay++;
                drop(s);
              }
            }
          } catch (IOException e) {
            if (s.connected) {
              closedByRelay++;
            } else {
              connectFailures++;
            }
            drop(s);
          }
        }
        selector.selectedKeys().clear();
      }
      for (Slot s : slots) {
        if (s.channel != null) {
          s.channel.close();
        }
      }
    }
    return new Stats(opened, closedByRelay, connectFailures, held, peakHeld);
  }

  private void open(Slot s, Selector selector) {
    try {
      SocketChannel ch = SocketChannel.open();
      s.channel = ch;
      s.connected = false;
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.SO_LINGER, 0);
      ch.bind(sources.get(s.index % sources.size()));
      opened++;
      ch.connect(new InetSocketAddress(relay.host(), relay.port()));
      ch.register(selector, SelectionKey.OP_CONNECT, s);
    } catch (IOException e) {
      connectFailures++;
      drop(s);
    }
  }

  private void sendFor(Slot s) throws IOException {
    Mode m = s.mode();
    if (m == Mode.IDLE) {
      return;
    }
    byte[] hello = hellos.get(s.index % hellos.size());
    ByteBuffer b = ByteBuffer.wrap(hello, 0, m == Mode.HELLO ? 128 : 64);
    s.channel.write(b); // a fresh socket has room for 128 bytes
  }

  private void drop(Slot s) {
    if (s.channel != null) {
      try {
        s.channel.close();
      } catch (IOException e) {
        // closed anyway
      }
    }
    if (s.connected) {
      held--;
    }
    s.channel = null;
    s.connected = false;
    s.reopenAt = System.nanoTime() + REOPEN_DELAY_NANOS;
  }
}
