package org.toxreactive.benchmarks.abuse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.LockSupport;
import org.toxreactive.core.KeyPair;
import org.toxreactive.transport.tcp.ClientHandshake;
import org.toxreactive.transport.tcp.RelayAddress;
import org.toxreactive.transport.tcp.SecureSession;
import org.toxreactive.transport.tcp.packet.RelayPacket;

/**
 * A relay client on a plain non-blocking socket, for attacks our {@code RelayClient} would not
 * make: it does the handshake, then writes frames it seals itself and never reads what the relay
 * sends (unless asked to). Heap buffers only; one thread.
 */
final class RawRelayLink implements AutoCloseable {
  private final SocketChannel channel;
  private final SecureSession session;
  private final ByteBuf frames = Unpooled.buffer(64 * 1024);
  private final ByteBuf plain = Unpooled.buffer(2048);

  private RawRelayLink(SocketChannel channel, SecureSession session) {
    this.channel = channel;
    this.session = session;
  }

  /**
   * Connects from {@code source}, with a receive buffer of {@code receiveBuffer} bytes (small: the
   * relay's writes back up sooner), and completes the handshake by {@code deadline} (nanoTime).
   *
   * @throws IOException if the relay refuses, closes or does not answer in time
   */
  static RawRelayLink connect(
      RelayAddress relay, InetSocketAddress source, int receiveBuffer, long deadline)
      throws IOException {
    SocketChannel ch = SocketChannel.open();
    try {
      ch.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
      ch.bind(source);
      long ms = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      ch.socket()
          .connect(new InetSocketAddress(relay.host(), relay.port()), (int) Math.min(ms, 60_000));
      ch.configureBlocking(false);
      ClientHandshake hs = new ClientHandshake(KeyPair.generate(), relay.publicKey());
      ByteBuf hello = Unpooled.buffer(128);
      hs.writeHello(hello);
      ByteBuffer out = hello.nioBuffer();
      while (out.hasRemaining()) {
        if (ch.write(out) == 0) {
          pause(deadline);
        }
      }
      ByteBuffer in = ByteBuffer.allocate(96);
      while (in.hasRemaining()) {
        int n = ch.read(in);
        if (n < 0) {
          throw new IOException("relay closed during the handshake");
        }
        if (n == 0) {
          pause(deadline);
        }
      }
      in.flip();
      SecureSession s = hs.readResponse(Unpooled.wrappedBuffer(in));
      return new RawRelayLink(ch, s);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
  }

  private static void pause(long deadline) throws IOException {
    if (System.nanoTime() - deadline > 0) {
      throw new IOException("relay handshake timed out");
    }
    LockSupport.parkNanos(200_000);
  }

  /** Seals {@code packet} into the pending frames (sent by {@link #flush()}). */
  void queue(RelayPacket packet) {
    plain.clear();
    packet.encode(plain);
    session.seal(plain, plain.readableBytes(), frames);
  }

  /** Appends raw bytes (garbage, a forged frame) to the pending output. */
  void queueRaw(byte[] bytes) {
    frames.writeBytes(bytes);
  }

  /** Bytes sealed and not yet written. */
  int pending() {
    return frames.readableBytes();
  }

  /**
   * Writes what it can of the pending frames without blocking.
   *
   * @return bytes written now (0: the socket is full)
   * @throws IOException once the relay has cut the link (reset, broken pipe)
   */
  int flush() throws IOException {
    if (frames.readableBytes() == 0) {
      return 0;
    }
    ByteBuffer b = frames.nioBuffer();
    int n = channel.write(b);
    frames.skipBytes(n);
    frames.discardReadBytes();
    return n;
  }

  /** Reads and discards what the relay sent; false once it closed the link. */
  boolean drain(ByteBuffer scratch) throws IOException {
    scratch.clear();
    int n;
    while ((n = channel.read(scratch)) > 0) {
      scratch.clear();
    }
    return n >= 0;
  }

  @Override
  public void close() {
    try {
      channel.setOption(StandardSocketOptions.SO_LINGER, 0);
    } catch (IOException | RuntimeException e) {
      // closing anyway
    }
    try {
      channel.close();
    } catch (IOException e) {
      // nothing to do
    }
    frames.release();
    plain.release();
  }
}
