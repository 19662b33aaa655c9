package org.toxreactive.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.PublicKey;
import org.toxreactive.transport.tcp.packet.RelayPacket;

/**
 * The relay's side of an {@link EmbeddedChannel} that runs our client handlers: completes the
 * handshake with {@link ServerHandshake}, encrypts packets into the client, and decrypts what the
 * client wrote. No sockets.
 */
final class FakeRelayPeer {
  final KeyPair keys = KeyPair.generate();
  private final EmbeddedChannel channel;
  private SecureSession session;
  private final ByteBuf pending = Unpooled.buffer();

  FakeRelayPeer(EmbeddedChannel channel) {
    this.channel = channel;
  }

  PublicKey publicKey() {
    return keys.publicKey();
  }

  /** Reads the client's hello, answers it, and returns the client's key. */
  PublicKey acceptHello() {
    ByteBuf hello = drainOutbound();
    try {
      assertThat(hello.readableBytes()).isEqualTo(RelayProtocol.CLIENT_HELLO_SIZE);
      ByteBuf response = Unpooled.buffer();
      ServerHandshake.Result r = ServerHandshake.accept(keys, hello, response);
      session = r.session();
      channel.writeInbound(response);
      return r.clientKey();
    } finally {
      hello.release();
    }
  }

  /** Encrypts {@code packet} into a frame and feeds it to the client. */
  void send(RelayPacket packet) {
    channel.writeInbound(frame(packet));
  }

  /** An encrypted frame of {@code packet}, as the relay would write it (consumes a nonce). */
  ByteBuf frame(RelayPacket packet) {
    ByteBuf plain = Unpooled.buffer();
    ByteBuf frame = Unpooled.buffer();
    try {
      packet.encode(plain);
      session.seal(plain, plain.readableBytes(), frame);
      return frame;
    } finally {
      plain.release();
    }
  }

  /** An encrypted frame of arbitrary plaintext bytes (to build packets no codec would write). */
  ByteBuf frameOfPlaintext(byte[] plaintext) {
    ByteBuf plain = Unpooled.wrappedBuffer(plaintext);
    ByteBuf frame = Unpooled.buffer();
    try {
      session.seal(plain, plaintext.length, frame);
      return frame;
    } finally {
      plain.release();
    }
  }

  /** Feeds raw bytes to the client. */
  void sendRaw(ByteBuf bytes) {
    channel.writeInbound(bytes);
  }

  /** Decrypts every frame the client has written since the last call. */
  List<RelayPacket> received() {
    ByteBuf out = drainOutbound();
    pending.writeBytes(out);
    out.release();
    List<RelayPacket> packets = new ArrayList<>();
    while (pending.readableBytes() >= 2) {
      int len = pending.getUnsignedShort(pending.readerIndex());
      if (pending.readableBytes() < 2 + len) {
        break;
      }
      pending.skipBytes(2);
      ByteBuf body = pending.readSlice(len);
      ByteBuf plain = Unpooled.buffer();
      try {
        assertThat(session.open(body, plain)).as("client frame decrypts").isTrue();
        packets.add(RelayPacket.decode(plain));
      } finally {
        plain.release();
      }
    }
    pending.discardReadBytes();
    return packets;
  }

  void close() {
    pending.release();
  }

  private ByteBuf drainOutbound() {
    ByteBuf all = Unpooled.buffer();
    for (Object o; (o = channel.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) o;
      all.writeBytes(b);
      b.release();
    }
    return all;
  }
}
