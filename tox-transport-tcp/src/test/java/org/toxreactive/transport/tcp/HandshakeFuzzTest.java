package org.toxreactive.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SecretKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.test.FuzzInput;
import org.toxreactive.test.FuzzSeeds;

/**
 * Fuzzes both halves of the relay handshake as the pipeline runs them: the 128-byte client hello as
 * {@link ServerHandshakeHandler} parses it, and the 96-byte server response as {@link
 * ClientHandshakeHandler} parses it, each on an {@link EmbeddedChannel} fed in chunks of a fuzzed
 * size, followed by whatever bytes come after the handshake.
 *
 * <p>The input is: a mode byte (even: the rest is the byte stream as it is; odd: the next bytes are
 * a nonce and the 56-byte handshake plaintext, which the test seals with the right long-term key so
 * the fuzzer reaches past the MAC, and the rest follows the sealed half), then a chunk-size byte.
 * The expected outcome comes from opening the half independently with {@link CryptoBox}: accepted
 * (one event, the link installed; a server also answers with 96 bytes that open with the long-term
 * key) or a {@link HandshakeException} that closes the link with nothing written. Bytes after the
 * handshake may only fail the link with a {@link RelayProtocolException} or a {@link
 * DecoderException}. Every buffer is released.
 */
class HandshakeFuzzTest {
  private static final KeyPair RELAY = KeyPair.fromSecretKey(SecretKey.of(seq(0x11, 32)));
  private static final KeyPair CLIENT = KeyPair.fromSecretKey(SecretKey.of(seq(0x51, 32)));
  private static final KeyPair TEMPORARY = KeyPair.fromSecretKey(SecretKey.of(seq(0x91, 32)));
  private static final SharedKey LONG_TERM =
      CryptoBox.beforenm(RELAY.publicKey(), CLIENT.secretKey());

  @FuzzTest
  void serverReadsHello(byte[] data) {
    FuzzInput in = new FuzzInput(data);
    boolean sealed = (in.u8() & 1) == 1;
    int chunk = 1 + in.u8();
    byte[] stream = sealed ? sealedHello(in.bytes(Nonce.SIZE), in.bytes(56), in.rest()) : in.rest();
    PublicKey expectedClient = openHello(stream);

    Recorder events = new Recorder();
    EmbeddedChannel ch = new EmbeddedChannel(new ServerHandshakeHandler(RELAY), events);
    Outcome outcome = feed(ch, stream, chunk);
    try {
      if (stream.length < RelayProtocol.CLIENT_HELLO_SIZE) {
        assertThat(outcome.failure).isNull();
        assertThat(events.events).isEmpty();
        assertThat(outcome.written).isEmpty();
      } else if (expectedClient == null) {
        assertRejected(ch, outcome, events);
      } else {
        assertThat(events.events)
            .containsExactly(new ServerHandshakeHandler.ClientAccepted(expectedClient));
        assertThat(outcome.written).hasSize(1);
        byte[] response = outcome.written.get(0);
        assertThat(response).hasSize(RelayProtocol.SERVER_RESPONSE_SIZE);
        SharedKey longTerm = CryptoBox.beforenm(expectedClient, RELAY.secretKey());
        assertThat(openHalf(longTerm, response)).as("the response opens").isNotNull();
        assertAfterHandshake(outcome);
      }
    } finally {
      outcome.releaseAll(ch);
    }
  }

  @FuzzTest
  void clientReadsResponse(byte[] data) {
    FuzzInput in = new FuzzInput(data);
    boolean sealed = (in.u8() & 1) == 1;
    int chunk = 1 + in.u8();
    byte[] stream =
        sealed ? sealedResponse(in.bytes(Nonce.SIZE), in.bytes(56), in.rest()) : in.rest();
    byte[] plain =
        stream.length < RelayProtocol.SERVER_RESPONSE_SIZE
            ? null
            : openHalf(LONG_TERM, Arrays.copyOf(stream, RelayProtocol.SERVER_RESPONSE_SIZE));
    boolean accept = plain != null && !isLowOrder(Arrays.copyOf(plain, PublicKey.SIZE));

    Recorder events = new Recorder();
    EmbeddedChannel ch =
        new EmbeddedChannel(
            new ClientHandshakeHandler(new ClientHandshake(CLIENT, RELAY.publicKey())), events);
    ByteBuf hello = ch.readOutbound();
    try {
      assertThat(hello.readableBytes()).isEqualTo(RelayProtocol.CLIENT_HELLO_SIZE);
    } finally {
      hello.release();
    }
    Outcome outcome = feed(ch, stream, chunk);
    try {
      assertThat(outcome.written).as("the client writes nothing after its hello").isEmpty();
      if (stream.length < RelayProtocol.SERVER_RESPONSE_SIZE) {
        assertThat(outcome.failure).isNull();
        assertThat(events.events).isEmpty();
      } else if (!accept) {
        assertRejected(ch, outcome, events);
      } else {
        assertThat(events.events)
            .singleElement()
            .isInstanceOf(ClientHandshakeHandler.HandshakeCompleted.class);
        assertAfterHandshake(outcome);
      }
    } finally {
      outcome.releaseAll(ch);
    }
  }

  @Test
  void seedsAreCurrent() {
    byte[] nonce = seq(0x21, Nonce.SIZE);
    byte[] plain = concat(TEMPORARY.publicKey().toArray(), seq(0x31, Nonce.SIZE));
    byte[] frame = {0, 17, 1, 2, 3}; // a frame header and a few bytes of it
    Map<String, byte[]> server = new LinkedHashMap<>();
    server.put(
        "sealed", new FuzzInput.Writer().u8(1).u8(127).bytes(nonce).bytes(plain).toByteArray());
    server.put(
        "sealed-bytewise-with-frame",
        new FuzzInput.Writer().u8(1).u8(0).bytes(nonce).bytes(plain).bytes(frame).toByteArray());
    server.put(
        "raw-valid-hello",
        new FuzzInput.Writer().u8(0).u8(40).bytes(sealedHello(nonce, plain, frame)).toByteArray());
    server.put(
        "sealed-low-order-temporary",
        new FuzzInput.Writer().u8(1).u8(255).bytes(nonce).bytes(new byte[56]).toByteArray());
    server.put("raw-short", new FuzzInput.Writer().u8(0).u8(255).bytes(seq(0, 100)).toByteArray());
    assertThat(openHello(sealedHello(nonce, plain, frame))).isEqualTo(CLIENT.publicKey());
    assertThat(openHello(sealedHello(nonce, new byte[56], frame))).as("low-order").isNull();
    FuzzSeeds.check(HandshakeFuzzTest.class, "serverReadsHello", server);

    Map<String, byte[]> client = new LinkedHashMap<>();
    client.put(
        "sealed", new FuzzInput.Writer().u8(1).u8(95).bytes(nonce).bytes(plain).toByteArray());
    client.put(
        "sealed-bytewise-with-frame",
        new FuzzInput.Writer().u8(1).u8(0).bytes(nonce).bytes(plain).bytes(frame).toByteArray());
    client.put(
        "raw-valid-response",
        new FuzzInput.Writer()
            .u8(0)
            .u8(50)
            .bytes(sealedResponse(nonce, plain, frame))
            .toByteArray());
    client.put(
        "sealed-low-order-temporary",
        new FuzzInput.Writer().u8(1).u8(255).bytes(nonce).bytes(new byte[56]).toByteArray());
    client.put("raw-garbage", new FuzzInput.Writer().u8(0).u8(255).bytes(seq(0, 96)).toByteArray());
    assertThat(openHalf(LONG_TERM, sealedResponse(nonce, plain, new byte[0]))).isEqualTo(plain);
    FuzzSeeds.check(HandshakeFuzzTest.class, "clientReadsResponse", client);
  }

  // ------------------------------------------------------------------------------------- oracle

  private static byte[] sealedHello(byte[] nonce, byte[] plain, byte[] after) {
    return concat(
        CLIENT.publicKey().toArray(),
        nonce,
        new CryptoBox().seal(LONG_TERM, Nonce.of(nonce), plain),
        after);
  }

  private static byte[] sealedResponse(byte[] nonce, byte[] plain, byte[] after) {
    return concat(nonce, new CryptoBox().seal(LONG_TERM, Nonce.of(nonce), plain), after);
  }

  /** The client key of a hello the relay must accept, or null if it must refuse it. */
  private static PublicKey openHello(byte[] stream) {
    if (stream.length < RelayProtocol.CLIENT_HELLO_SIZE) {
      return null;
    }
    PublicKey client = PublicKey.of(Arrays.copyOf(stream, PublicKey.SIZE));
    if (isLowOrder(client.toArray())) {
      return null;
    }
    byte[] half = Arrays.copyOfRange(stream, PublicKey.SIZE, RelayProtocol.CLIENT_HELLO_SIZE);
    byte[] plain = openHalf(CryptoBox.beforenm(client, RELAY.secretKey()), half);
    return plain == null || isLowOrder(Arrays.copyOf(plain, PublicKey.SIZE)) ? null : client;
  }

  /** Opens {@code nonce ‖ box} (96 bytes): the 56-byte plaintext, or null. */
  private static byte[] openHalf(SharedKey key, byte[] half) {
    return new CryptoBox()
        .open(
            key,
            Nonce.of(Arrays.copyOf(half, Nonce.SIZE)),
            Arrays.copyOfRange(half, Nonce.SIZE, half.length));
  }

  private static boolean isLowOrder(byte[] key) {
    try {
      CryptoBox.beforenm(PublicKey.of(key), TEMPORARY.secretKey());
      return false;
    } catch (IllegalArgumentException e) {
      return true;
    }
  }

  // ----------------------------------------------------------------------------------- plumbing

  private static void assertRejected(EmbeddedChannel ch, Outcome outcome, Recorder events) {
    assertThat(outcome.failure).isInstanceOf(HandshakeException.class);
    assertThat(outcome.failure.getMessage()).isNotBlank();
    assertThat(ch.isOpen()).as("a refused handshake closes the link").isFalse();
    assertThat(events.events).isEmpty();
    assertThat(outcome.written).isEmpty();
  }

  private static void assertAfterHandshake(Outcome outcome) {
    if (outcome.failure != null) {
      assertThat(outcome.failure)
          .isInstanceOfAny(RelayProtocolException.class, DecoderException.class);
      assertThat(outcome.failure.getMessage()).isNotBlank();
    }
  }

  /** Writes {@code stream} in chunks while the link is open; keeps what came out. */
  private static Outcome feed(EmbeddedChannel ch, byte[] stream, int chunk) {
    Outcome o = new Outcome();
    for (int at = 0; at < stream.length && ch.isOpen() && o.failure == null; at += chunk) {
      ByteBuf buf = Unpooled.buffer();
      buf.writeBytes(stream, at, Math.min(chunk, stream.length - at));
      o.in.add(buf);
      try {
        ch.writeInbound(buf);
      } catch (HandshakeException | RelayProtocolException | DecoderException e) {
        o.failure = e;
      }
      for (Object m; (m = ch.readOutbound()) != null; ) {
        ByteBuf out = (ByteBuf) m;
        o.written.add(ByteBufUtil.getBytes(out));
        out.release();
      }
    }
    return o;
  }

  private static final class Outcome {
    final List<ByteBuf> in = new ArrayList<>();
    final List<byte[]> written = new ArrayList<>();
    RuntimeException failure;

    void releaseAll(EmbeddedChannel ch) {
      ch.finishAndReleaseAll();
      for (ByteBuf b : in) {
        assertThat(b.refCnt()).as("input buffer released").isZero();
      }
    }
  }

  /** Keeps user events; packets decoded after the handshake reach the channel's inbound queue. */
  private static final class Recorder extends ChannelInboundHandlerAdapter {
    final List<Object> events = new ArrayList<>();

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      events.add(evt);
    }
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private static byte[] seq(int from, int n) {
    return SecureFrameFuzzTest.seq(from, n);
  }
}
