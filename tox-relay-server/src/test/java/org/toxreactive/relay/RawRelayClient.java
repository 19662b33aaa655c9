package org.toxreactive.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.transport.tcp.ClientHandshake;
import org.toxreactive.transport.tcp.RelayProtocol;
import org.toxreactive.transport.tcp.SecureSession;
import org.toxreactive.transport.tcp.packet.RelayPacket;

/**
 * A blocking, misbehaving-on-demand relay client over a plain socket, for attacking the server in
 * tests: it can send raw bytes, oversize frames, garbage, or nothing at all.
 */
final class RawRelayClient implements AutoCloseable {
  final KeyPair keys;
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private SecureSession session;

  RawRelayClient(int port) throws IOException {
    this(port, KeyPair.generate());
  }

  RawRelayClient(int port, KeyPair keys) throws IOException {
    this(new Socket("127.0.0.1", port), keys);
  }

  private RawRelayClient(Socket socket, KeyPair keys) throws IOException {
    this.keys = keys;
    this.socket = socket;
    socket.setSoTimeout(5_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  /** Uses an already connected socket (e.g. bound to another loopback address). */
  static RawRelayClient over(Socket connected) throws IOException {
    return new RawRelayClient(connected, KeyPair.generate());
  }

  /** Performs the handshake against a relay with {@code relayKey}. */
  RawRelayClient handshake(PublicKey relayKey) throws IOException {
    ClientHandshake hs = new ClientHandshake(keys, relayKey);
    ByteBuf hello = Unpooled.buffer();
    try {
      hs.writeHello(hello);
      byte[] b = new byte[hello.readableBytes()];
      hello.readBytes(b);
      out.write(b);
    } finally {
      hello.release();
    }
    byte[] resp = new byte[RelayProtocol.SERVER_RESPONSE_SIZE];
    in.readFully(resp);
    ByteBuf r = Unpooled.wrappedBuffer(resp);
    try {
      session = hs.readResponse(r);
    } finally {
      r.release();
    }
    return this;
  }

  void send(RelayPacket p) throws IOException {
    ByteBuf plain = Unpooled.buffer();
    ByteBuf frame = Unpooled.buffer();
    try {
      p.encode(plain);
      session.seal(plain, plain.readableBytes(), frame);
      byte[] b = new byte[frame.readableBytes()];
      frame.readBytes(b);
      out.write(b);
    } finally {
      plain.release();
      frame.release();
    }
  }

  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The next packet from the relay (blocks at most 5 s). */
  RelayPacket read() throws IOException {
    int len = in.readUnsignedShort();
    byte[] body = new byte[len];
    in.readFully(body);
    ByteBuf frame = Unpooled.wrappedBuffer(body);
    ByteBuf plain = Unpooled.buffer();
    try {
      if (!session.open(frame, plain)) {
        throw new IOException("relay frame failed to decrypt");
      }
      return RelayPacket.decode(plain);
    } finally {
      frame.release();
      plain.release();
    }
  }

  /** Reads until {@code type} arrives, skipping others (pings are answered). */
  <T extends RelayPacket> T await(Class<T> type) throws IOException {
    for (int i = 0; i < 100; i++) {
      RelayPacket p = read();
      if (type.isInstance(p)) {
        return type.cast(p);
      }
    }
    throw new IOException("no " + type.getSimpleName() + " in 100 packets");
  }

  /** True if the relay closes the connection within the socket timeout (reads hit EOF or reset). */
  boolean closedByRelay() {
    try {
      while (true) {
        int n = in.read(new byte[4096]);
        if (n < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // connection reset
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
