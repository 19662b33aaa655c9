package org.toxreactive.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.KeyPair;

class HandshakeTest {
  private final KeyPair relay = KeyPair.generate();
  private final KeyPair client = KeyPair.generate();
  private final ByteBuf hello = Unpooled.buffer();
  private final ByteBuf response = Unpooled.buffer();

  @AfterEach
  void release() {
    hello.release();
    response.release();
  }

  @Test
  void helloIs128BytesStartingWithTheClientKeyAndResponseIs96() {
    ClientHandshake c = new ClientHandshake(client, relay.publicKey());
    c.writeHello(hello);
    assertThat(hello.readableBytes()).isEqualTo(128);
    assertThat(Bytes.copyOf(hello.slice(0, 32)).toArray()).isEqualTo(client.publicKey().toArray());

    ServerHandshake.Result r = ServerHandshake.accept(relay, hello, response);
    assertThat(hello.readableBytes()).isZero();
    assertThat(response.readableBytes()).isEqualTo(96);
    assertThat(r.clientKey()).isEqualTo(client.publicKey());
  }

  @Test
  void bothSidesDeriveOneKeyAndEachEncryptsWithTheBaseNonceItSent() {
    ClientHandshake c = new ClientHandshake(client, relay.publicKey());
    c.writeHello(hello);
    SecureSession server = ServerHandshake.accept(relay, hello, response).session();
    SecureSession clientSession = c.readResponse(response);

    for (int i = 0; i < 3; i++) {
      assertThat(roundTrip(clientSession, server, "c2s" + i)).isEqualTo("c2s" + i);
      assertThat(roundTrip(server, clientSession, "s2c" + i)).isEqualTo("s2c" + i);
    }
    // two frames in one direction without the other: counters are independent
    assertThat(roundTrip(clientSession, server, "x")).isEqualTo("x");
    assertThat(roundTrip(clientSession, server, "y")).isEqualTo("y");
    assertThat(roundTrip(server, clientSession, "z")).isEqualTo("z");
  }

  @Test
  void frameLengthIsPlaintextPlusMacAndAReplayedFrameFails() {
    ClientHandshake c = new ClientHandshake(client, relay.publicKey());
    c.writeHello(hello);
    SecureSession server = ServerHandshake.accept(relay, hello, response).session();
    SecureSession cs = c.readResponse(response);

    ByteBuf plain = Unpooled.wrappedBuffer(new byte[] {4, 1, 2, 3, 4, 5, 6, 7, 8});
    ByteBuf frame = Unpooled.buffer();
    ByteBuf out = Unpooled.buffer();
    try {
      cs.seal(plain, 9, frame);
      assertThat(frame.readUnsignedShort()).isEqualTo(9 + 16);
      assertThat(frame.readableBytes()).isEqualTo(25);
      ByteBuf copy = frame.copy();
      try {
        assertThat(server.open(frame, out)).isTrue();
        assertThat(Bytes.copyOf(out).toHex()).isEqualTo("040102030405060708");
        assertThat(server.open(copy, out)).as("same frame again: nonce moved on").isFalse();
      } finally {
        copy.release();
      }
    } finally {
      plain.release();
      frame.release();
      out.release();
    }
  }

  @Test
  void responseFromARelayWithAnotherKeyIsRefused() {
    KeyPair impostor = KeyPair.generate();
    ClientHandshake c = new ClientHandshake(client, relay.publicKey());
    c.writeHello(hello);
    assertThatThrownBy(() -> ServerHandshake.accept(impostor, hello, response))
        .isInstanceOf(HandshakeException.class)
        .hasMessageContaining("did not decrypt");
  }

  @Test
  void tamperedResponseIsRefused() {
    ClientHandshake c = new ClientHandshake(client, relay.publicKey());
    c.writeHello(hello);
    ServerHandshake.accept(relay, hello, response);
    response.setByte(50, response.getByte(50) ^ 0x40);
    assertThatThrownBy(() -> c.readResponse(response))
        .isInstanceOf(HandshakeException.class)
        .hasMessageContaining("wrong relay public key");
  }

  @Test
  void oversizePlaintextIsRefusedBeforeSealing() {
    ClientHandshake c = new ClientHandshake(client, relay.publicKey());
    c.writeHello(hello);
    ServerHandshake.accept(relay, hello, response);
    SecureSession cs = c.readResponse(response);
    ByteBuf big =
        Unpooled.buffer(RelayProtocol.MAX_PLAINTEXT + 1).writeZero(RelayProtocol.MAX_PLAINTEXT + 1);
    ByteBuf out = Unpooled.buffer();
    try {
      assertThatThrownBy(() -> cs.seal(big, big.readableBytes(), out))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(out.readableBytes()).isZero();
    } finally {
      big.release();
      out.release();
    }
  }

  @Test
  void sealFrameAndOpenFrameInteroperateWithTheBufferCallsAndRefuseATamperedFrame() {
    ClientHandshake c = new ClientHandshake(client, relay.publicKey());
    c.writeHello(hello);
    SecureSession server = ServerHandshake.accept(relay, hello, response).session();
    SecureSession cs = c.readResponse(response);
    org.toxreactive.transport.tcp.packet.RelayPacket data =
        new org.toxreactive.transport.tcp.packet.Data(16, Bytes.of(new byte[1400]));
    for (int i = 0; i < 3; i++) {
      // sealFrame on one side, the buffer call on the other, and the reverse
      ByteBuf frame = cs.sealFrame(data, io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
      ByteBuf out = Unpooled.buffer();
      try {
        assertThat(frame.readUnsignedShort()).isEqualTo(1 + 1400 + 16);
        assertThat(server.open(frame, out)).isTrue();
        assertThat(Bytes.copyOf(out).toArray()).hasSize(1401).startsWith(16);
      } finally {
        frame.release();
        out.release();
      }
      ByteBuf plain = Unpooled.wrappedBuffer(new byte[] {4, 1, 2, 3, 4, 5, 6, 7, 8});
      ByteBuf sealed = Unpooled.directBuffer();
      try {
        server.seal(plain, 9, sealed);
        sealed.skipBytes(2);
        ByteBuf tampered = sealed.copy();
        tampered.setByte(20, tampered.getByte(20) ^ 1);
        try {
          assertThat(cs.openFrame(tampered)).isNull();
        } finally {
          tampered.release();
        }
        ByteBuf opened = cs.openFrame(sealed); // the nonce did not move on the failure
        assertThat(Bytes.copyOf(opened).toArray()).containsExactly(4, 1, 2, 3, 4, 5, 6, 7, 8);
      } finally {
        plain.release();
        sealed.release();
      }
    }
  }

  private static String roundTrip(SecureSession from, SecureSession to, String text) {
    ByteBuf plain = Unpooled.wrappedBuffer(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    ByteBuf frame = Unpooled.buffer();
    ByteBuf out = Unpooled.buffer();
    try {
      from.seal(plain, plain.readableBytes(), frame);
      frame.skipBytes(2);
      assertThat(to.open(frame, out)).isTrue();
      return Bytes.copyOf(out).toUtf8();
    } finally {
      plain.release();
      frame.release();
      out.release();
    }
  }
}
