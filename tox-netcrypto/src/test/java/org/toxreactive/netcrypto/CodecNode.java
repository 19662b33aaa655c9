package org.toxreactive.netcrypto;

import java.util.function.Function;
import org.toxreactive.core.Bytes;
import org.toxreactive.core.CryptoBox;
import org.toxreactive.core.NetCryptoPacketKind;
import org.toxreactive.core.Nonce;
import org.toxreactive.core.PublicKey;
import org.toxreactive.core.SharedKey;
import org.toxreactive.netcrypto.packet.Cookie;
import org.toxreactive.netcrypto.packet.CookieRequest;
import org.toxreactive.netcrypto.packet.CookieResponse;
import org.toxreactive.netcrypto.packet.DataPacket;
import org.toxreactive.netcrypto.packet.Handshake;

/**
 * The packet codecs of {@code org.toxreactive.netcrypto.packet} as one node uses them, one call per
 * packet: its cookie key (what {@link Engine} holds) and a scratch array for opening data. Only
 * argument plumbing, so that the codec tests read as the exchange they check.
 */
final class CodecNode {
  private final SharedKey cookieKey;
  private final byte[] scratch = new byte[NetCryptoPacketKind.MAX_PACKET_SIZE];

  CodecNode(SharedKey cookieKey) {
    this.cookieKey = cookieKey;
  }

  byte[] cookieRequest(
      SharedKey dhtShared, PublicKey ownDht, PublicKey ownReal, long echo, CryptoBox box) {
    return cookieRequest(dhtShared, ownDht, ownReal, echo, Nonce.random(), box);
  }

  byte[] cookieRequest(
      SharedKey dhtShared,
      PublicKey ownDht,
      PublicKey ownReal,
      long echo,
      Nonce nonce,
      CryptoBox box) {
    return new CookieRequest(ownDht, ownReal, echo).encode(dhtShared, nonce, box);
  }

  CookieRequest openCookieRequest(
      Function<PublicKey, SharedKey> dhtShared, byte[] p, CryptoBox box) {
    return CookieRequest.open(p, dhtShared, box);
  }

  byte[] mintCookie(long nowSeconds, PublicKey real, PublicKey dht, CryptoBox box) {
    return mintCookie(nowSeconds, real, dht, Nonce.random(), box);
  }

  byte[] mintCookie(long nowSeconds, PublicKey real, PublicKey dht, Nonce nonce, CryptoBox box) {
    return new Cookie(nowSeconds, real, dht).seal(cookieKey, nonce, box);
  }

  byte[] cookieResponse(SharedKey dhtShared, byte[] cookie, long echo, CryptoBox box) {
    return cookieResponse(dhtShared, cookie, echo, Nonce.random(), box);
  }

  byte[] cookieResponse(SharedKey dhtShared, byte[] cookie, long echo, Nonce nonce, CryptoBox box) {
    return new CookieResponse(cookie, echo).encode(dhtShared, nonce, box);
  }

  CookieResponse openCookieResponse(SharedKey dhtShared, byte[] p, CryptoBox box) {
    return CookieResponse.open(dhtShared, p, box);
  }

  Cookie openHandshakeCookie(byte[] p, long nowSeconds, CryptoBox box) {
    return Handshake.openCookie(cookieKey, p, nowSeconds, box);
  }

  byte[] handshake(
      SharedKey realShared,
      byte[] peerCookie,
      Nonce baseNonce,
      PublicKey sessionPk,
      byte[] otherCookie,
      CryptoBox box) {
    return handshake(
        realShared, peerCookie, baseNonce, sessionPk, otherCookie, Nonce.random(), box);
  }

  byte[] handshake(
      SharedKey realShared,
      byte[] peerCookie,
      Nonce baseNonce,
      PublicKey sessionPk,
      byte[] otherCookie,
      Nonce nonce,
      CryptoBox box) {
    return new Handshake(baseNonce, sessionPk, otherCookie)
        .encode(realShared, peerCookie, nonce, box);
  }

  Handshake openHandshake(SharedKey realShared, byte[] p, CryptoBox box) {
    return Handshake.open(realShared, p, box);
  }

  byte[] data(
      SharedKey sessionKey,
      byte[] sendNonce,
      int bufferStart,
      int num,
      byte[] data,
      CryptoBox box) {
    return DataPacket.encode(sessionKey, sendNonce, bufferStart, num, data, box);
  }

  byte[] data(
      SharedKey sessionKey,
      byte[] sendNonce,
      int bufferStart,
      int num,
      int id,
      Bytes payload,
      CryptoBox box) {
    return DataPacket.encode(sessionKey, sendNonce, bufferStart, num, id, payload, box);
  }

  DataPacket openData(SharedKey sessionKey, byte[] nonce, byte[] p, CryptoBox box) {
    return DataPacket.open(sessionKey, nonce, Bytes.of(p), scratch, box);
  }
}
