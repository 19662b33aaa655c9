package org.toxreactive.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.SharedKey;
import org.toxreactive.test.FuzzInput;
import org.toxreactive.test.FuzzSeeds;
import org.toxreactive.transport.tcp.packet.MalformedRelayPacketException;
import org.toxreactive.transport.tcp.packet.Ping;
import org.toxreactive.transport.tcp.packet.RelayPacket;
import org.toxreactive.transport.tcp.packet.RoutingRequest;

/**
 * Fuzzes the encrypted half of a relay link as the pipeline runs it: {@link RelayFrameDecoder} (u16
 * length framing) then {@link SecureFrameHandler} (decryption and packet decoding) on an {@link
 * EmbeddedChannel}, with a session key the test knows, so the fuzzer reaches past the MAC.
 *
 * <p>The input is a list of steps, each one byte of kind then its operand:
 *
 * <ul>
 *   <li>{@code SEALED}: u16 plaintext length (taken mod 2033), then the plaintext; written as a
 *       correctly framed frame sealed under the next send nonce;
 *   <li>{@code TAMPERED}: as sealed, then a u16 offset of one byte in the MAC or ciphertext to
 *       flip;
 *   <li>{@code RAW}: u16 length, then that many bytes written as they are (garbage, split frames).
 * </ul>
 *
 * While only sealed and tampered steps have been written the outcome is known exactly: each sealed
 * frame yields the packet {@link RelayPacket#decode} makes of its plaintext, and the first
 * malformed plaintext or tampered frame fails the link with a {@link RelayProtocolException}. After
 * raw bytes only the kind of outcome is checked: packets, or one {@link RelayProtocolException} /
 * {@link DecoderException} (a frame longer than 2048), after which the link is dead and nothing
 * more is written. Every buffer written in is released.
 */
class SecureFrameFuzzTest {
  static final int SEALED = 0;
  static final int TAMPERED = 1;
  static final int RAW = 2;

  private static final SharedKey KEY = SharedKey.of(seq(0x40, 32));
  private static final Nonce CLIENT_BASE = Nonce.of(seq(0x01, 24));
  private static final Nonce RELAY_BASE = Nonce.of(seq(0x81, 24));

  @FuzzTest
  void frames(byte[] data) {
    FuzzInput in = new FuzzInput(data);
    SecureSession sender = new SecureSession(KEY, CLIENT_BASE, RELAY_BASE);
    EmbeddedChannel ch =
        new EmbeddedChannel(
            new RelayFrameDecoder(),
            new SecureFrameHandler(new SecureSession(KEY, RELAY_BASE, CLIENT_BASE)));
    List<ByteBuf> written = new ArrayList<>();
    Deque<RelayPacket> expected = new ArrayDeque<>();
    boolean exact = true; // only sealed and tampered frames so far
    boolean expectFailure = false;
    Throwable failure = null;
    try {
      for (int steps = 0; in.remaining() > 0 && steps < 64 && failure == null; steps++) {
        int kind = in.u8() % 3;
        ByteBuf chunk = Unpooled.buffer();
        written.add(chunk);
        if (kind == RAW) {
          exact = false;
          chunk.writeBytes(in.upTo(in.u16()));
        } else {
          byte[] plain = in.upTo(in.u16() % (RelayProtocol.MAX_PLAINTEXT + 1));
          ByteBuf plainBuf = Unpooled.wrappedBuffer(plain);
          sender.seal(plainBuf, plain.length, chunk);
          plainBuf.release();
          if (kind == TAMPERED) {
            int body = chunk.readableBytes() - RelayProtocol.LENGTH_FIELD_SIZE;
            int at = RelayProtocol.LENGTH_FIELD_SIZE + in.u16() % body;
            chunk.setByte(at, chunk.getByte(at) ^ 0x01);
            expectFailure = true;
          } else if (!expectFailure) {
            ByteBuf copy = Unpooled.wrappedBuffer(plain);
            try {
              expected.add(RelayPacket.decode(copy));
            } catch (MalformedRelayPacketException e) {
              expectFailure = true;
            } finally {
              copy.release();
            }
          }
        }
        try {
          ch.writeInbound(chunk);
        } catch (RelayProtocolException | DecoderException e) {
          failure = e;
        }
        for (Object m; (m = ch.readInbound()) != null; ) {
          assertThat(m).isInstanceOf(RelayPacket.class);
          if (exact) {
            assertThat(m).isEqualTo(expected.poll());
          }
        }
      }
      if (exact) {
        assertThat(expected).as("packets not delivered").isEmpty();
        assertThat(failure != null).as("the link failed").isEqualTo(expectFailure);
      }
      if (failure != null) {
        assertThat(failure.getMessage()).isNotBlank();
        if (failure instanceof RelayProtocolException) {
          assertThat(ch.isOpen()).as("a protocol failure closes the link").isFalse();
        }
      }
    } finally {
      ch.finishAndReleaseAll();
      for (ByteBuf b : written) {
        assertThat(b.refCnt()).as("written buffer released").isZero();
      }
    }
  }

  @Test
  void seedsAreCurrent() {
    FuzzSeeds.check(SecureFrameFuzzTest.class, "frames", seeds());
  }

  static Map<String, byte[]> seeds() {
    byte[] ping = plaintext(new Ping(7));
    byte[] route = plaintext(new RoutingRequest(org.toxreactive.core.PublicKey.of(seq(0, 32))));
    Map<String, byte[]> s = new LinkedHashMap<>();
    s.put("ping", sealedStep(new FuzzInput.Writer(), ping).toByteArray());
    s.put(
        "ping-route-ping",
        sealedStep(sealedStep(sealedStep(new FuzzInput.Writer(), ping), route), ping)
            .toByteArray());
    s.put(
        "tampered",
        sealedStep(new FuzzInput.Writer(), ping)
            .u8(TAMPERED)
            .u16(ping.length)
            .bytes(ping)
            .u16(5)
            .toByteArray());
    s.put(
        "empty-frame-then-ping",
        sealedStep(new FuzzInput.Writer().u8(RAW).u16(2).u16(0), ping).toByteArray());
    s.put("too-long-frame", new FuzzInput.Writer().u8(RAW).u16(2).u16(2049).toByteArray());
    s.put("empty-plaintext", new FuzzInput.Writer().u8(SEALED).u16(0).toByteArray());
    return s;
  }

  private static FuzzInput.Writer sealedStep(FuzzInput.Writer w, byte[] plain) {
    return w.u8(SEALED).u16(plain.length).bytes(plain);
  }

  private static byte[] plaintext(RelayPacket p) {
    ByteBuf b = Unpooled.buffer();
    try {
      p.encode(b);
      return ByteBufUtil.getBytes(b);
    } finally {
      b.release();
    }
  }

  static byte[] seq(int from, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (from + i);
    }
    return b;
  }
}
