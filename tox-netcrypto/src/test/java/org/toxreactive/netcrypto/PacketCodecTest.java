package org.toxreactive.netcrypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.toxreactive.netcrypto.PacketTesting.A_COOKIE_KEY;
import static org.toxreactive.netcrypto.PacketTesting.A_DHT;
import static org.toxreactive.netcrypto.PacketTesting.A_DHT_PK_HEX;
import static org.toxreactive.netcrypto.PacketTesting.A_REAL;
import static org.toxreactive.netcrypto.PacketTesting.A_REAL_PK_HEX;
import static org.toxreactive.netcrypto.PacketTesting.A_SESSION;
import static org.toxreactive.netcrypto.PacketTesting.BASE_NONCE;
import static org.toxreactive.netcrypto.PacketTesting.B_COOKIE_KEY;
import static org.toxreactive.netcrypto.PacketTesting.B_DHT;
import static org.toxreactive.netcrypto.PacketTesting.B_REAL;
import static org.toxreactive.netcrypto.PacketTesting.B_SESSION;
import static org.toxreactive.netcrypto.PacketTesting.COOKIE_HEX;
import static org.toxreactive.netcrypto.PacketTesting.COOKIE_REQUEST_HEX;
import static org.toxreactive.netcrypto.PacketTesting.COOKIE_RESPONSE_HEX;
import static org.toxreactive.netcrypto.PacketTesting.DATA_ALIVE_HEX;
import static org.toxreactive.netcrypto.PacketTesting.DATA_HI_HEX;
import static org.toxreactive.netcrypto.PacketTesting.DHT_AB;
import static org.toxreactive.netcrypto.PacketTesting.DHT_BA;
import static org.toxreactive.netcrypto.PacketTesting.ECHO;
import static org.toxreactive.netcrypto.PacketTesting.ECHO_LE;
import static org.toxreactive.netcrypto.PacketTesting.HANDSHAKE_HEX;
import static org.toxreactive.netcrypto.PacketTesting.LOW_ORDER_KEYS;
import static org.toxreactive.netcrypto.PacketTesting.N1;
import static org.toxreactive.netcrypto.PacketTesting.N2;
import static org.toxreactive.netcrypto.PacketTesting.N3;
import static org.toxreactive.netcrypto.PacketTesting.N4;
import static org.toxreactive.netcrypto.PacketTesting.OTHER_COOKIE;
import static org.toxreactive.netcrypto.PacketTesting.REAL_AB;
import static org.toxreactive.netcrypto.PacketTesting.REAL_BA;
import static org.toxreactive.netcrypto.PacketTesting.SEND_NONCE;
import static org.toxreactive.netcrypto.PacketTesting.SESSION_AB;
import static org.toxreactive.netcrypto.PacketTesting.SESSION_BA;
import static org.toxreactive.netcrypto.PacketTesting.TIME;
import static org.toxreactive.netcrypto.PacketTesting.assertEveryBitFlipRefused;
import static org.toxreactive.netcrypto.PacketTesting.assertEveryTruncationAndOneMoreRefused;
import static org.toxreactive.netcrypto.PacketTesting.concat;
import static org.toxreactive.netcrypto.PacketTesting.flip;
import static org.toxreactive.netcrypto.PacketTesting.hex;
import static org.toxreactive.netcrypto.PacketTesting.keys;
import static org.toxreactive.netcrypto.PacketTesting.le64;
import static org.toxreactive.netcrypto.PacketTesting.seq;
import static org.toxreactive.netcrypto.PacketTesting.sha512;
import static org.toxreactive.netcrypto.PacketTesting.unhex;

import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.KeyPair;
import org.toxreactive.core.NetCryptoPacketKind;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.netcrypto.packet.Cookie;
import org.toxreactive.netcrypto.packet.CookieRequest;
import org.toxreactive.netcrypto.packet.CookieResponse;
import org.toxreactive.netcrypto.packet.DataPacket;
import org.toxreactive.netcrypto.packet.Handshake;
import org.toxreactive.netcrypto.packet.NonceWindow;

/**
 * net_crypto's four outer packets and the cookie (docs/protocol.md 4.2-4.8): for each kind a round
 * trip, golden bytes, the plaintext layout checked by opening the box here, and every malformed
 * variant (each wrong length, each flipped bit, and the semantic refusals).
 *
 * <p>The golden hex was derived without our code: {@code tox-interop/src/test/c/golden_vectors.c}
 * writes every packet field by field with libsodium from the same fixed keys and nonces, and
 * tox-interop's {@code GoldenVectorsTest} runs it against {@code wire-golden.txt} (see {@link
 * PacketTesting}).
 */
class PacketCodecTest {
  private final CryptoBox box = new CryptoBox();
  private final CodecNode a = new CodecNode(A_COOKIE_KEY);
  private final CodecNode b = new CodecNode(B_COOKIE_KEY);

  @Test
  void fixturesHaveThePublicKeysLibsodiumDerived() {
    assertThat(A_REAL.publicKey()).isEqualTo(PublicKey.fromHex(A_REAL_PK_HEX));
    assertThat(A_DHT.publicKey()).isEqualTo(PublicKey.fromHex(A_DHT_PK_HEX));
  }

  // ================================================================= cookie request (145)

  @Test
  void cookieRequestMatchesTheGoldenBytes() {
    byte[] p = a.cookieRequest(DHT_AB, A_DHT.publicKey(), A_REAL.publicKey(), ECHO, N1, box);
    assertThat(p).hasSize(CookieRequest.LENGTH);
    assertThat(hex(p)).isEqualTo(COOKIE_REQUEST_HEX);
  }

  @Test
  void cookieRequestCarriesRealKeyThenThirtyTwoZerosThenTheEcho() {
    byte[] p = unhex(COOKIE_REQUEST_HEX);
    assertThat(p[0]).isEqualTo((byte) 0x18);
    assertThat(hex(p, 1, 33)).isEqualTo(A_DHT_PK_HEX);
    assertThat(hex(p, 33, 57)).isEqualTo(N1.toHex());
    byte[] plain = box.open(DHT_BA, N1, Arrays.copyOfRange(p, 57, 145));
    assertThat(plain).hasSize(72);
    assertThat(hex(plain, 0, 32)).isEqualTo(A_REAL_PK_HEX);
    assertThat(Arrays.copyOfRange(plain, 32, 64)).containsOnly(0);
    assertThat(hex(plain, 64, 72)).isEqualTo(ECHO_LE);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, ECHO})
  void cookieRequestRoundTripsKeysAndEcho(long echo) {
    byte[] p = a.cookieRequest(DHT_AB, A_DHT.publicKey(), A_REAL.publicKey(), echo, box);
    CookieRequest ask = b.openCookieRequest(bDhtShared(), p, box);
    assertThat(ask).isEqualTo(new CookieRequest(A_DHT.publicKey(), A_REAL.publicKey(), echo));
  }

  @Test
  void cookieRequestOfEveryOtherLengthIsRefused() {
    byte[] p = unhex(COOKIE_REQUEST_HEX);
    assertEveryTruncationAndOneMoreRefused(p, q -> b.openCookieRequest(bDhtShared(), q, box));
    // 146 bytes whose box is authentic (73-byte plaintext): only the length check refuses it
    byte[] plain = box.open(DHT_BA, N1, Arrays.copyOfRange(p, 57, 145));
    byte[] longer = concat(Arrays.copyOf(p, 57), box.seal(DHT_AB, N1, Arrays.copyOf(plain, 73)));
    assertThat(longer).hasSize(146);
    assertThat(b.openCookieRequest(bDhtShared(), longer, box)).isNull();
  }

  @Test
  void cookieRequestWithAFlippedBitInItsNonceOrBoxIsRefused() {
    byte[] p = unhex(COOKIE_REQUEST_HEX);
    assertEveryBitFlipRefused(p, 33, p.length, q -> b.openCookieRequest(bDhtShared(), q, box));
  }

  /**
   * X25519 ignores bit 255 of a public key (RFC 7748; libsodium does the same), so flipping it in
   * the cleartext sender key still opens, and the cookie would name the flipped key.
   */
  @Test
  void cookieRequestWithAFlippedBitInItsSenderKeyIsRefusedExceptBit255() {
    byte[] p = unhex(COOKIE_REQUEST_HEX);
    assertEveryBitFlipRefused(
        p, 1, 32, q -> b.openCookieRequest(bDhtShared(), q, box)); // bytes 1..31
    for (int bit = 0; bit < 7; bit++) {
      assertThat(b.openCookieRequest(bDhtShared(), flip(p, 32, bit), box)).isNull();
    }
    CookieRequest ask = b.openCookieRequest(bDhtShared(), flip(p, 32, 7), box);
    assertThat(ask).isNotNull();
    assertThat(ask.senderDht().toArray()[31])
        .isEqualTo((byte) (A_DHT.publicKey().toArray()[31] ^ 0x80));
  }

  @Test
  void cookieRequestFromALowOrderDhtKeyIsRefusedWithoutThrowing() {
    for (String k : LOW_ORDER_KEYS) {
      PublicKey low = PublicKey.fromHex(k);
      assertThatThrownBy(() -> CryptoBox.beforenm(low, B_DHT.secretKey()))
          .as("precondition: %s is refused by beforenm", k)
          .isInstanceOf(IllegalArgumentException.class);
      byte[] p = unhex(COOKIE_REQUEST_HEX);
      System.arraycopy(low.toArray(), 0, p, 1, 32);
      assertThatCode(() -> assertThat(b.openCookieRequest(bDhtShared(), p, box)).isNull())
          .as(k)
          .doesNotThrowAnyException();
    }
  }

  @Test
  void cookieRequestFromANonCanonicalDhtKeyIsRefusedWithoutThrowing() {
    byte[] p = unhex(COOKIE_REQUEST_HEX);
    Arrays.fill(p, 1, 33, (byte) 0xFF); // u = 2^256 - 1, above the field prime
    assertThatCode(() -> assertThat(b.openCookieRequest(bDhtShared(), p, box)).isNull())
        .doesNotThrowAnyException();
  }

  @Test
  void cookieRequestSealedForAnotherNodeIsRefused() {
    KeyPair stranger = keys(0x01);
    byte[] p =
        a.cookieRequest(
            CryptoBox.beforenm(stranger.publicKey(), A_DHT.secretKey()),
            A_DHT.publicKey(),
            A_REAL.publicKey(),
            ECHO,
            box);
    assertThat(b.openCookieRequest(bDhtShared(), p, box)).isNull();
  }

  // ================================================================= cookie (112)

  @Test
  void cookieMatchesTheGoldenBytes() {
    byte[] c = b.mintCookie(TIME, A_REAL.publicKey(), A_DHT.publicKey(), N2, box);
    assertThat(c).hasSize(Cookie.LENGTH);
    assertThat(hex(c)).isEqualTo(COOKIE_HEX);
  }

  @Test
  void cookieCarriesTimeThenRealKeyThenDhtKeyUnderTheCookieKey() {
    byte[] c = unhex(COOKIE_HEX);
    assertThat(hex(c, 0, 24)).isEqualTo(N2.toHex());
    byte[] plain = box.open(B_COOKIE_KEY, N2, Arrays.copyOfRange(c, 24, 112));
    assertThat(plain).hasSize(72);
    assertThat(hex(plain, 0, 8)).isEqualTo(le64(TIME));
    assertThat(hex(plain, 8, 40)).isEqualTo(A_REAL_PK_HEX);
    assertThat(hex(plain, 40, 72)).isEqualTo(A_DHT_PK_HEX);
  }

  @Test
  void cookieRoundTripsBothKeys() {
    byte[] c = b.mintCookie(TIME, A_REAL.publicKey(), A_DHT.publicKey(), box);
    assertThat(openCookie(b, c, TIME))
        .isEqualTo(new Cookie(TIME, A_REAL.publicKey(), A_DHT.publicKey()));
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 14, 15})
  void cookieIsValidFromItsCreationSecondForFifteenSeconds(long age) {
    byte[] c = b.mintCookie(TIME, A_REAL.publicKey(), A_DHT.publicKey(), box);
    assertThat(openCookie(b, c, TIME + age)).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(longs = {16, 17, 3600, -1, -2, -3600})
  void cookieOlderThanFifteenSecondsOrFromTheFutureIsRefused(long age) {
    byte[] c = b.mintCookie(TIME, A_REAL.publicKey(), A_DHT.publicKey(), box);
    assertThat(openCookie(b, c, TIME + age)).isNull();
  }

  @Test
  void cookieWithAFlippedBitAnywhereIsRefused() {
    byte[] c = unhex(COOKIE_HEX);
    assertEveryBitFlipRefused(c, 0, c.length, q -> openCookie(b, q, TIME));
  }

  @Test
  void cookieMintedByAnotherNodeIsRefused() {
    byte[] c = a.mintCookie(TIME, A_REAL.publicKey(), A_DHT.publicKey(), box);
    assertThat(openCookie(b, c, TIME)).isNull();
    assertThat(openCookie(a, c, TIME)).isNotNull();
  }

  @Test
  void handshakeCookieOfEveryOtherPacketLengthIsRefused() {
    byte[] p = unhex(HANDSHAKE_HEX);
    assertThat(b.openHandshakeCookie(p, TIME, box)).isNotNull();
    assertEveryTruncationAndOneMoreRefused(p, q -> b.openHandshakeCookie(q, TIME, box));
  }

  // ================================================================= cookie response (161)

  @Test
  void cookieResponseMatchesTheGoldenBytes() {
    byte[] p = b.cookieResponse(DHT_BA, unhex(COOKIE_HEX), ECHO, N3, box);
    assertThat(p).hasSize(CookieResponse.LENGTH);
    assertThat(hex(p)).isEqualTo(COOKIE_RESPONSE_HEX);
  }

  @Test
  void cookieResponseCarriesTheCookieThenTheEcho() {
    byte[] p = unhex(COOKIE_RESPONSE_HEX);
    assertThat(p[0]).isEqualTo((byte) 0x19);
    assertThat(hex(p, 1, 25)).isEqualTo(N3.toHex());
    byte[] plain = box.open(DHT_AB, N3, Arrays.copyOfRange(p, 25, 161));
    assertThat(plain).hasSize(120);
    assertThat(hex(plain, 0, 112)).isEqualTo(COOKIE_HEX);
    assertThat(hex(plain, 112, 120)).isEqualTo(ECHO_LE);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, Long.MIN_VALUE, ECHO})
  void cookieResponseRoundTripsCookieAndEcho(long echo) {
    byte[] cookie = b.mintCookie(TIME, A_REAL.publicKey(), A_DHT.publicKey(), box);
    CookieResponse r =
        a.openCookieResponse(DHT_AB, b.cookieResponse(DHT_BA, cookie, echo, box), box);
    assertThat(r).isNotNull();
    assertThat(r.cookie()).isEqualTo(cookie);
    assertThat(r.echoId()).isEqualTo(echo);
  }

  @Test
  void cookieResponseOfEveryOtherLengthIsRefused() {
    byte[] p = unhex(COOKIE_RESPONSE_HEX);
    assertEveryTruncationAndOneMoreRefused(p, q -> a.openCookieResponse(DHT_AB, q, box));
    byte[] plain = box.open(DHT_AB, N3, Arrays.copyOfRange(p, 25, 161));
    byte[] longer = concat(Arrays.copyOf(p, 25), box.seal(DHT_BA, N3, Arrays.copyOf(plain, 121)));
    assertThat(longer).hasSize(162);
    assertThat(a.openCookieResponse(DHT_AB, longer, box)).isNull();
  }

  @Test
  void cookieResponseWithAFlippedBitAnywhereIsRefused() {
    byte[] p = unhex(COOKIE_RESPONSE_HEX);
    assertEveryBitFlipRefused(p, 1, p.length, q -> a.openCookieResponse(DHT_AB, q, box));
  }

  @Test
  void cookieResponseUnderAnotherDhtKeyIsRefused() {
    SharedKey other = CryptoBox.beforenm(keys(0x01).publicKey(), A_DHT.secretKey());
    assertThat(a.openCookieResponse(other, unhex(COOKIE_RESPONSE_HEX), box)).isNull();
  }

  // ================================================================= handshake (385)

  @Test
  void handshakeMatchesTheGoldenBytes() {
    byte[] p =
        a.handshake(
            REAL_AB, unhex(COOKIE_HEX), BASE_NONCE, A_SESSION.publicKey(), OTHER_COOKIE, N4, box);
    assertThat(p).hasSize(Handshake.LENGTH);
    assertThat(hex(p)).isEqualTo(HANDSHAKE_HEX);
  }

  @Test
  void handshakeCarriesBaseNonceSessionKeyCookieHashAndOtherCookie() {
    byte[] p = unhex(HANDSHAKE_HEX);
    assertThat(p[0]).isEqualTo((byte) 0x1A);
    assertThat(hex(p, 1, 113)).isEqualTo(COOKIE_HEX);
    assertThat(hex(p, 113, 137)).isEqualTo(N4.toHex());
    byte[] plain = box.open(REAL_BA, N4, Arrays.copyOfRange(p, 137, 385));
    assertThat(plain).hasSize(232);
    assertThat(hex(plain, 0, 24)).isEqualTo(BASE_NONCE.toHex());
    assertThat(Arrays.copyOfRange(plain, 24, 56)).isEqualTo(A_SESSION.publicKey().toArray());
    assertThat(Arrays.copyOfRange(plain, 56, 120)).isEqualTo(sha512(unhex(COOKIE_HEX)));
    assertThat(Arrays.copyOfRange(plain, 120, 232)).isEqualTo(OTHER_COOKIE);
  }

  /** The whole exchange: request, response, A's handshake, and B's answer with the other cookie. */
  @Test
  void handshakeRoundTripsEveryFieldBothWays() {
    CookieRequest ask =
        b.openCookieRequest(
            bDhtShared(),
            a.cookieRequest(DHT_AB, A_DHT.publicKey(), A_REAL.publicKey(), ECHO, box),
            box);
    byte[] cookieForA = b.mintCookie(TIME, ask.senderReal(), ask.senderDht(), box);
    CookieResponse reply =
        a.openCookieResponse(DHT_AB, b.cookieResponse(DHT_BA, cookieForA, ask.echoId(), box), box);
    byte[] otherCookie = a.mintCookie(TIME + 1, B_REAL.publicKey(), B_DHT.publicKey(), box);
    byte[] fromA =
        a.handshake(REAL_AB, reply.cookie(), BASE_NONCE, A_SESSION.publicKey(), otherCookie, box);

    Cookie atB = b.openHandshakeCookie(fromA, TIME + 2, box);
    assertThat(atB).isEqualTo(new Cookie(TIME, A_REAL.publicKey(), A_DHT.publicKey()));
    Handshake h = b.openHandshake(REAL_BA, fromA, box);
    assertThat(h).isNotNull();
    assertThat(h.baseNonce()).isEqualTo(BASE_NONCE);
    assertThat(h.sessionKey()).isEqualTo(A_SESSION.publicKey());
    assertThat(h.otherCookie()).isEqualTo(otherCookie);

    Nonce bBase = Nonce.of(seq(0x07, 24));
    byte[] fromB =
        b.handshake(REAL_BA, h.otherCookie(), bBase, B_SESSION.publicKey(), new byte[112], box);
    assertThat(a.openHandshakeCookie(fromB, TIME + 3, box))
        .isEqualTo(new Cookie(TIME + 1, B_REAL.publicKey(), B_DHT.publicKey()));
    Handshake back = a.openHandshake(REAL_AB, fromB, box);
    assertThat(back.baseNonce()).isEqualTo(bBase);
    assertThat(back.sessionKey()).isEqualTo(B_SESSION.publicKey());
    assertThat(SESSION_AB).isEqualTo(SESSION_BA);
  }

  @Test
  void handshakeOfEveryOtherLengthIsRefused() {
    byte[] p = unhex(HANDSHAKE_HEX);
    assertThat(b.openHandshake(REAL_BA, p, box)).isNotNull();
    assertEveryTruncationAndOneMoreRefused(p, q -> b.openHandshake(REAL_BA, q, box));
    byte[] plain = box.open(REAL_BA, N4, Arrays.copyOfRange(p, 137, 385));
    byte[] longer = concat(Arrays.copyOf(p, 137), box.seal(REAL_AB, N4, Arrays.copyOf(plain, 233)));
    assertThat(longer).hasSize(386);
    assertThat(b.openHandshake(REAL_BA, longer, box)).isNull();
  }

  /** Bits in the cookie break the SHA-512 binding; bits in the nonce or box break the MAC. */
  @Test
  void handshakeWithAFlippedBitAnywhereIsRefused() {
    byte[] p = unhex(HANDSHAKE_HEX);
    assertEveryBitFlipRefused(p, 1, p.length, q -> b.openHandshake(REAL_BA, q, box));
  }

  @Test
  void handshakeWhoseCookieHashDoesNotMatchIsRefused() {
    // an authentic box for cookie X, sent with a different (valid) cookie Y
    byte[] x = b.mintCookie(TIME, A_REAL.publicKey(), A_DHT.publicKey(), box);
    byte[] y = b.mintCookie(TIME, A_REAL.publicKey(), A_DHT.publicKey(), box);
    byte[] p = a.handshake(REAL_AB, x, BASE_NONCE, A_SESSION.publicKey(), OTHER_COOKIE, N4, box);
    System.arraycopy(y, 0, p, 1, 112);
    assertThat(b.openHandshakeCookie(p, TIME, box)).as("the outer cookie is valid").isNotNull();
    assertThat(box.open(REAL_BA, N4, Arrays.copyOfRange(p, 137, 385))).as("box opens").isNotNull();
    assertThat(b.openHandshake(REAL_BA, p, box)).isNull();
  }

  @Test
  void handshakeWithAZeroOrTruncatedCookieHashIsRefused() {
    byte[] cookie = unhex(COOKIE_HEX);
    byte[] hash = sha512(cookie);
    byte[][] wrongHashes = {new byte[64], Arrays.copyOf(hash, 63), flip(hash, 63, 0)};
    for (byte[] wrong : wrongHashes) {
      byte[] plain =
          concat(
              BASE_NONCE.toArray(),
              A_SESSION.publicKey().toArray(),
              Arrays.copyOf(wrong, 64),
              OTHER_COOKIE);
      byte[] p = concat(new byte[] {0x1A}, cookie, N4.toArray(), box.seal(REAL_AB, N4, plain));
      assertThat(b.openHandshake(REAL_BA, p, box)).isNull();
    }
  }

  @Test
  void handshakeFromAnotherRealKeyIsRefused() {
    SharedKey stranger = CryptoBox.beforenm(B_REAL.publicKey(), keys(0x01).secretKey());
    byte[] p =
        a.handshake(
            stranger, unhex(COOKIE_HEX), BASE_NONCE, A_SESSION.publicKey(), OTHER_COOKIE, box);
    assertThat(b.openHandshake(REAL_BA, p, box)).isNull();
  }

  // ================================================================= data (28..1400)

  @Test
  void dataMatchesTheGoldenBytes() {
    byte[] hi = a.data(SESSION_AB, SEND_NONCE, 0x01020304, 0xFFFFFFFE, unhex("a06869"), box);
    byte[] alive = a.data(SESSION_AB, SEND_NONCE, 0, 0, new byte[] {0x10}, box);
    assertThat(hex(hi)).isEqualTo(DATA_HI_HEX);
    assertThat(hex(alive)).isEqualTo(DATA_ALIVE_HEX);
    assertThat(alive).hasSize(32);
  }

  @Test
  void dataCarriesBigEndianHeaderThenPaddingThenTheData() {
    byte[] p = unhex(DATA_HI_HEX);
    assertThat(hex(p, 0, 3)).isEqualTo("1bfeff");
    byte[] plain = box.open(SESSION_BA, Nonce.of(SEND_NONCE), Arrays.copyOfRange(p, 3, p.length));
    // L = 3: p = (1373 - 3) mod 8 = 2
    assertThat(hex(plain)).isEqualTo("01020304" + "fffffffe" + "0000" + "a06869");
  }

  /** docs/protocol.md 4.7: p = (1373 - L) mod 8, so the plaintext is always 5 mod 8. */
  @Test
  void dataOfEveryLengthIsPaddedAsC_toxcoreDoesAndRoundTrips() {
    for (int len = 1; len <= DataPacket.MAX_DATA; len++) {
      byte[] data = seq(len, len);
      data[0] = (byte) 160;
      byte[] p = a.data(SESSION_AB, SEND_NONCE, len, ~len, data, box);
      int pad = (DataPacket.MAX_DATA - len) % 8;
      assertThat(p.length).as("length for L=%d", len).isEqualTo(1 + 2 + 16 + 8 + pad + len);
      byte[] plain = box.open(SESSION_BA, Nonce.of(SEND_NONCE), Arrays.copyOfRange(p, 3, p.length));
      assertThat(plain.length % 8).isEqualTo(5);
      assertThat(Arrays.copyOfRange(plain, 8, 8 + pad)).isEqualTo(new byte[pad]);
      assertThat(Arrays.copyOfRange(plain, 8 + pad, plain.length)).isEqualTo(data);
      DataPacket d = b.openData(SESSION_BA, SEND_NONCE, p, box);
      assertThat(d.bufferStart()).isEqualTo(len);
      assertThat(d.num()).isEqualTo(~len);
      assertThat(d.data()).isEqualTo(data);
    }
    assertThat(a.data(SESSION_AB, SEND_NONCE, 0, 0, seq(1, DataPacket.MAX_DATA), box))
        .hasSize(NetCryptoPacketKind.MAX_PACKET_SIZE);
  }

  /** The message overload (id and payload written into the packet) is the same packet. */
  @Test
  void dataFromIdAndPayloadIsTheSamePacketAsFromTheJoinedBytes() {
    assertThat(
            hex(
                a.data(
                    SESSION_AB,
                    SEND_NONCE,
                    0x01020304,
                    0xFFFFFFFE,
                    0xa0,
                    Bytes.ofHex("6869"),
                    box)))
        .isEqualTo(DATA_HI_HEX);
    for (int len = 1; len <= DataPacket.MAX_DATA; len++) {
      byte[] data = seq(len, len);
      data[0] = (byte) 160;
      // the payload as a view behind a header, as a received message's payload is
      byte[] framed = new byte[len + 6];
      System.arraycopy(data, 1, framed, 3, len - 1);
      Bytes payload = Bytes.adopt(framed, 3, len - 1);
      assertThat(a.data(SESSION_AB, SEND_NONCE, len, ~len, 160, payload, box))
          .as("L=%d", len)
          .isEqualTo(a.data(SESSION_AB, SEND_NONCE, len, ~len, data, box));
    }
    assertThatThrownBy(
            () ->
                a.data(
                    SESSION_AB,
                    SEND_NONCE,
                    0,
                    0,
                    160,
                    Bytes.of(new byte[DataPacket.MAX_DATA]),
                    box))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF})
  void dataHeaderNumbersAreBigEndianU32(int n) {
    byte[] p = a.data(SESSION_AB, SEND_NONCE, n, n ^ 0x80000000, new byte[] {16}, box);
    byte[] plain = box.open(SESSION_BA, Nonce.of(SEND_NONCE), Arrays.copyOfRange(p, 3, p.length));
    assertThat(hex(plain, 0, 8)).isEqualTo(String.format("%08x%08x", n, n ^ 0x80000000));
    DataPacket d = b.openData(SESSION_BA, SEND_NONCE, p, box);
    assertThat(d.bufferStart()).isEqualTo(n);
    assertThat(d.num()).isEqualTo(n ^ 0x80000000);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, DataPacket.MAX_DATA + 1})
  void dataOfNoneOrMoreThan1373BytesCannotBeBuilt(int len) {
    assertThatThrownBy(() -> a.data(SESSION_AB, SEND_NONCE, 0, 0, new byte[len], box))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void dataOfEveryTruncatedLengthIsRefused() {
    byte[] p = a.data(SESSION_AB, SEND_NONCE, 1, 2, seq(0x30, 100), box);
    for (int n = 0; n < p.length; n++) {
      assertThat(b.openData(SESSION_BA, SEND_NONCE, Arrays.copyOf(p, n), box))
          .as("truncated to %d", n)
          .isNull();
    }
  }

  /** Authentic packets at and just outside the bounds: only the length check refuses them. */
  @Test
  void dataBelow28OrAbove1400BytesIsRefusedEvenWhenAuthentic() {
    assertThat(b.openData(SESSION_BA, SEND_NONCE, sealedData(1), box)).isNotNull();
    assertThat(sealedData(1)).hasSize(28);
    assertThat(b.openData(SESSION_BA, SEND_NONCE, sealedData(1373), box)).isNotNull();
    assertThat(sealedData(1373)).hasSize(1400);
    assertThat(b.openData(SESSION_BA, SEND_NONCE, sealedData(1374), box)).isNull();
    assertThat(b.openData(SESSION_BA, SEND_NONCE, sealedData(2000), box)).isNull();
    for (int len = 0; len < 28 - 19; len++) {
      byte[] header = Arrays.copyOf(unhex("00000001000000021010101010101010"), len);
      byte[] p = concat(unhex("1bfeff"), box.seal(SESSION_AB, Nonce.of(SEND_NONCE), header));
      assertThat(b.openData(SESSION_BA, SEND_NONCE, p, box)).as("%d bytes", p.length).isNull();
    }
  }

  @Test
  void dataWithAFlippedBitInItsBoxIsRefused() {
    byte[] p = unhex(DATA_HI_HEX);
    assertEveryBitFlipRefused(p, 3, p.length, q -> b.openData(SESSION_BA, SEND_NONCE, q, box));
  }

  /** openData trusts the nonce it is given; the fragment only steers the receiver's expansion. */
  @Test
  void dataWithAFlippedBitInItsNonceFragmentDecryptsUnderNoExpandedNonce() {
    byte[] p = unhex(DATA_HI_HEX);
    for (int i = 1; i <= 2; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] q = flip(p, i, bit);
        NonceWindow receiver = new NonceWindow(SEND_NONCE);
        byte[] nonce = receiver.candidate(((q[1] & 0xFF) << 8) | (q[2] & 0xFF));
        assertThat(b.openData(SESSION_BA, nonce, q, box)).as("byte %d bit %d", i, bit).isNull();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 5, 8, 13, 100, 1373})
  void dataThatIsAllPaddingIsRefused(int zeros) {
    byte[] plain = concat(unhex("0000000100000002"), new byte[zeros]);
    byte[] p = concat(unhex("1bfeff"), box.seal(SESSION_AB, Nonce.of(SEND_NONCE), plain));
    assertThat(b.openData(SESSION_BA, SEND_NONCE, p, box)).isNull();
    // one non-zero byte after the same zeros is data, whatever the padding length
    plain[plain.length - 1] = 0x10;
    p = concat(unhex("1bfeff"), box.seal(SESSION_AB, Nonce.of(SEND_NONCE), plain));
    assertThat(b.openData(SESSION_BA, SEND_NONCE, p, box).data()).containsExactly(0x10);
  }

  @Test
  void dataUnderAnotherSessionKeyOrNonceIsRefused() {
    byte[] p = unhex(DATA_HI_HEX);
    SharedKey other = CryptoBox.beforenm(B_SESSION.publicKey(), keys(0x01).secretKey());
    assertThat(b.openData(other, SEND_NONCE, p, box)).isNull();
    assertThat(b.openData(SESSION_BA, Nonce.of(SEND_NONCE).increment().toArray(), p, box)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0000", "00ff", "0100", "ff00", "fffe", "ffff", "1234"})
  void dataNonceFragmentIsTheLastTwoBytesOfTheSendNonce(String low16) {
    byte[] nonce = concat(seq(0x61, 22), unhex(low16));
    byte[] p = a.data(SESSION_AB, nonce, 0, 0, new byte[] {16}, box);
    assertThat(hex(p, 1, 3)).isEqualTo(low16);
  }

  /** Sender increments its nonce per packet; receiver expands each fragment back (4.8). */
  @Test
  void dataNonceFragmentsExpandBackToTheSendNonceAcrossA16BitWrap() {
    byte[] send = concat(seq(0x61, 21), unhex("00fff0"));
    NonceWindow receiver = new NonceWindow(send);
    for (int i = 0; i < 40; i++) {
      byte[] p = a.data(SESSION_AB, send, 0, i, new byte[] {16}, box);
      assertThat(hex(p, 1, 3)).isEqualTo(hex(send, 22, 24));
      int fragment = ((p[1] & 0xFF) << 8) | (p[2] & 0xFF);
      assertThat(receiver.candidate(fragment)).isEqualTo(send);
      DataPacket d = b.openData(SESSION_BA, receiver.candidate(fragment), p, box);
      assertThat(d.num()).isEqualTo(i);
      receiver.accept(fragment);
      Nonce.incrementInPlace(send);
    }
    assertThat(hex(send, 21, 24)).isEqualTo("010018"); // the carry reached byte 21
  }

  // ================================================================= helpers

  /** The DHT key function the engine hands to openCookieRequest (beforenm refuses low order). */
  private static Function<PublicKey, SharedKey> bDhtShared() {
    return pk -> CryptoBox.beforenm(pk, B_DHT.secretKey());
  }

  /** A cookie can only be opened as the outer cookie of a handshake-sized packet. */
  private Cookie openCookie(CodecNode w, byte[] cookie, long now) {
    byte[] p = new byte[Handshake.LENGTH];
    p[0] = 0x1A;
    System.arraycopy(cookie, 0, p, 1, cookie.length);
    return w.openHandshakeCookie(p, now, box);
  }

  /** 0x1B ‖ fragment ‖ box of (header ‖ len data bytes), bypassing Wire's length limits. */
  private byte[] sealedData(int len) {
    byte[] data = new byte[len];
    Arrays.fill(data, (byte) 160);
    byte[] plain = concat(unhex("0000000100000002"), data);
    return concat(unhex("1bfeff"), box.seal(SESSION_AB, Nonce.of(SEND_NONCE), plain));
  }
}
