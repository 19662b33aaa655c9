package org.toxreactive.netcrypto;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
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

/**
 * Opens one net_crypto session with fresh keys against a node, the cheap way an attacker would:
 * cookie request, cookie response, handshake, the node's handshake, one data packet (a lossless
 * message, which confirms the session), all over one blocking UDP socket and then forgotten. For
 * the abuse suite's session flood; built from the packet codecs of {@code
 * org.toxreactive.netcrypto.packet}.
 */
public final class SessionOpener {
  private final CryptoBox box = new CryptoBox();
  private final SharedKey cookieKey = SharedKey.random();
  private final byte[] buf = new byte[2048];

  /** What became of one attempt. */
  public enum Result {
    /** The data packet went out after the node's handshake. */
    OPENED,
    /** No cookie response in time. */
    NO_COOKIE,
    /** No handshake from the node in time. */
    NO_HANDSHAKE
  }

  /**
   * One session from {@code socket} to the node at {@code node}, done or given up by {@code
   * deadline} (System.nanoTime).
   */
  public Result open(
      DatagramSocket socket,
      InetSocketAddress node,
      PublicKey nodeReal,
      PublicKey nodeDht,
      long deadline)
      throws IOException {
    KeyPair real = KeyPair.generate();
    KeyPair dht = KeyPair.generate();
    SharedKey dhtShared = CryptoBox.beforenm(nodeDht, dht.secretKey());
    long echo = ThreadLocalRandom.current().nextLong();
    send(
        socket,
        node,
        new CookieRequest(dht.publicKey(), real.publicKey(), echo)
            .encode(dhtShared, Nonce.random(), box));
    CookieResponse cookie = null;
    while (cookie == null) {
      byte[] p =
          receive(
              socket, deadline, CookieResponse.LENGTH, NetCryptoPacketKind.COOKIE_RESPONSE.id());
      if (p == null) {
        return Result.NO_COOKIE;
      }
      CookieResponse r = CookieResponse.open(dhtShared, p, box);
      if (r != null && r.echoId() == echo) {
        cookie = r;
      }
    }
    SharedKey realShared = CryptoBox.beforenm(nodeReal, real.secretKey());
    KeyPair session = KeyPair.generate();
    Nonce base = Nonce.random();
    long now = System.currentTimeMillis() / 1000;
    byte[] other = new Cookie(now, nodeReal, nodeDht).seal(cookieKey, Nonce.random(), box);
    send(
        socket,
        node,
        new Handshake(base, session.publicKey(), other)
            .encode(realShared, cookie.cookie(), Nonce.random(), box));
    Handshake theirs = null;
    while (theirs == null) {
      byte[] p = receive(socket, deadline, Handshake.LENGTH, NetCryptoPacketKind.HANDSHAKE.id());
      if (p == null) {
        return Result.NO_HANDSHAKE;
      }
      theirs = Handshake.open(realShared, p, box);
    }
    SharedKey key = CryptoBox.beforenm(theirs.sessionKey(), session.secretKey());
    byte[] payload = {0, 0, 0, 0};
    send(
        socket, node, DataPacket.encode(key, base.toArray(), 0, 0, 160, Bytes.adopt(payload), box));
    return Result.OPENED;
  }

  private static void send(DatagramSocket s, InetSocketAddress to, byte[] p) throws IOException {
    s.send(new DatagramPacket(p, p.length, to));
  }

  /**
   * The next datagram of {@code length} bytes starting with {@code id}, or null at the deadline.
   */
  private byte @Nullable [] receive(DatagramSocket s, long deadline, int length, int id)
      throws IOException {
    DatagramPacket d = new DatagramPacket(buf, buf.length);
    while (true) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return null;
      }
      s.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
      try {
        s.receive(d);
      } catch (SocketTimeoutException e) {
        return null;
      }
      if (d.getLength() == length && (buf[0] & 0xFF) == id) {
        return Arrays.copyOf(buf, length);
      }
    }
  }
}
